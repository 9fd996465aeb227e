package org.mapfs.store.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * The file system's blocks on its device: metadata blocks (group descriptors, inode tables, extent, indirect,
 * directory and xattr blocks) through a bounded cache, file data straight into the reader's buffer. Every block
 * number is checked against the file system's size before it is read.
 */
final class BlockCache {
	/** What a cached block costs beyond its bytes (map entry, buffer object). */
	private static final int OVERHEAD = 96;

	private final BlockDevice device;
	private final int blockSize;
	private final long blocksCount;
	private final LruCache<Long, ByteBuffer> cache;

	BlockCache(BlockDevice device, Superblock sb, long budget) {
		this.device = device;
		this.blockSize = sb.blockSize;
		this.blocksCount = sb.blocksCount;
		this.cache = new LruCache<>(budget, b -> b.capacity() + OVERHEAD);
	}

	int blockSize() {
		return blockSize;
	}

	/** A metadata block, read-only and little-endian; {@code what} names it in errors. */
	ByteBuffer block(long nr, String what) throws FsException {
		check(nr, 1, what);
		return cache.get(nr, n -> device.read(n * blockSize, blockSize)).asReadOnlyBuffer()
				.order(ByteOrder.LITTLE_ENDIAN);
	}

	long cacheWeight() {
		return cache.weight();
	}

	/** Reads file data: {@code dst.remaining()} bytes from {@code offset} into block {@code nr}. */
	void readData(long nr, int offset, ByteBuffer dst, String what) throws FsException {
		long blocks = (offset + (long) dst.remaining() + blockSize - 1) / blockSize;
		check(nr, blocks, what);
		device.read(nr * blockSize + offset, dst);
	}

	/** A run of blocks must lie inside the file system; block 0 is never data (it holds the boot sector). */
	void check(long nr, long count, String what) throws FsException {
		if (nr <= 0 || count < 0 || nr > blocksCount - count) {
			throw new FsException(Errno.EIO, what + ": block " + nr + (count > 1 ? " (+" + count + ")" : "")
					+ " is outside the file system (" + blocksCount + " blocks)");
		}
	}
}
