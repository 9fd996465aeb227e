package org.mapfs.store.image;

import org.mapfs.api.FsException;

/** Maps a file's logical blocks to blocks of the file system: an extent tree or the classic indirect blocks. */
interface BlockMap {
	/**
	 * The run of blocks from {@code logical} on that are contiguous on disk, or a hole ({@code physical} 0: never
	 * written, or allocated but unwritten, both read as zeros).
	 */
	record Run(long logical, long physical, long length) {
		boolean hole() {
			return physical == 0;
		}

		boolean contains(long block) {
			return block >= logical && block - logical < length;
		}
	}

	Run find(long logical) throws FsException;
}
