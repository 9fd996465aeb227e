package org.mapfs.store.image;

import java.nio.ByteBuffer;

import org.mapfs.api.FsException;

/**
 * A linear device made of equal chunks kept elsewhere (the records of DASD tracks, compressed FBA block
 * groups): a read is split at chunk boundaries and each part is fetched from its chunk.
 */
abstract class ChunkedDevice implements BlockDevice {
	private final int chunk;

	ChunkedDevice(int chunk) {
		this.chunk = chunk;
	}

	@Override
	public void read(long position, ByteBuffer dst) throws FsException {
		checkRange(position, dst.remaining());
		long pos = position;
		while (dst.hasRemaining()) {
			int offset = (int) (pos % chunk);
			int n = Math.min(dst.remaining(), chunk - offset);
			readChunk(pos / chunk, offset, dst.slice(dst.position(), n));
			dst.position(dst.position() + n);
			pos += n;
		}
	}

	/** Fills {@code dst} from {@code offset} into chunk {@code index}; it does not cross the chunk's end. */
	abstract void readChunk(long index, int offset, ByteBuffer dst) throws FsException;
}
