package org.mapfs.store.image;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * The track images of a Hercules DASD file, numbered from 0: whole CKD tracks (home address, records, end mark)
 * or FBA block groups, as stored or after decompression.
 */
interface TrackImages {
	int count();

	byte[] track(int n) throws FsException;

	void close() throws FsException;

	/** Refuses a track number past the volume (a damaged table or partition extent). */
	static void check(int n, int count, String name) throws FsException {
		if (n < 0 || n >= count) {
			throw new FsException(Errno.EIO, name + ": track " + n + " is past the volume (" + count + " tracks)");
		}
	}
}
