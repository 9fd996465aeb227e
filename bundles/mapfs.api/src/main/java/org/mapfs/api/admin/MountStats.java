package org.mapfs.api.admin;

/**
 * Counters of one mount since it started.
 *
 * @param copyUps copy-ups (full and metadata-only)
 * @param bytesCopied bytes of file data copied up
 * @param whiteouts whiteouts written
 * @param openFiles files open through the mount now
 * @param operations operations served
 * @param operationsPerSecond operations per second over the last ten seconds
 */
public record MountStats(long copyUps, long bytesCopied, long whiteouts, int openFiles, long operations,
		double operationsPerSecond) {
}
