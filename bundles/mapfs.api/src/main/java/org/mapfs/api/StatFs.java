package org.mapfs.api;

/** What {@code statfs} reports: sizes in blocks of {@code blockSize} bytes, and inode counts. */
public record StatFs(long blockSize, long totalBlocks, long freeBlocks, long availableBlocks, long totalFiles,
		long freeFiles, int nameMax) {
}
