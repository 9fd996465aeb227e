package org.mapfs.store.image;

import java.nio.ByteBuffer;

import org.mapfs.api.Errno;
import org.mapfs.api.FileData;
import org.mapfs.api.FsException;

/**
 * An open regular file of an ext file system, read-only. Keeps the last run of its block map, so a sequential
 * read looks up each extent once; holes and unwritten extents read as zeros. Safe for concurrent reads.
 */
final class ExtFileData implements FileData {
	private static final byte[] ZEROS = new byte[65536];

	private final ExtFileSystem fs;
	private final Inode inode;
	private final BlockMap map;
	private final int blockSize;
	private volatile BlockMap.Run last;
	private volatile byte[] inline;

	ExtFileData(ExtFileSystem fs, Inode inode) {
		this.fs = fs;
		this.inode = inode;
		this.map = inode.has(Inode.INLINE_DATA_FL) ? null : fs.blockMap(inode);
		this.blockSize = fs.superblock().blockSize;
	}

	@Override
	public int read(ByteBuffer dst, long position) throws FsException {
		if (position < 0) {
			throw new FsException(Errno.EINVAL, "negative position " + position);
		}
		if (!dst.hasRemaining()) {
			return 0;
		}
		if (position >= inode.size) {
			return -1;
		}
		int n = (int) Math.min(dst.remaining(), inode.size - position);
		readFully(dst.slice(dst.position(), n), position);
		dst.position(dst.position() + n);
		return n;
	}

	/** Fills {@code dst}, which must not reach past the end of the file. */
	void readFully(ByteBuffer dst, long position) throws FsException {
		if (map == null) {
			byte[] data = inline;
			if (data == null) {
				data = fs.inlineData(inode);
				inline = data;
			}
			int stored = (int) Math.max(0, Math.min(dst.remaining(), data.length - position));
			if (stored > 0) {
				dst.put(data, (int) position, stored);
			}
			zero(dst);
			return;
		}
		long pos = position;
		while (dst.hasRemaining()) {
			long logical = pos / blockSize;
			int offset = (int) (pos % blockSize);
			BlockMap.Run run = last;
			if (run == null || !run.contains(logical)) {
				run = map.find(logical);
				last = run;
			}
			// a hole's run may reach to the largest block number: bound it by what is wanted first
			long blocks = Math.min(run.length() - (logical - run.logical()), dst.remaining() / blockSize + 2);
			int n = (int) Math.min(dst.remaining(), blocks * blockSize - offset);
			ByteBuffer part = dst.slice(dst.position(), n);
			if (run.hole()) {
				zero(part);
			} else {
				fs.blocks().readData(run.physical() + (logical - run.logical()), offset, part,
						"inode " + inode.ino);
			}
			dst.position(dst.position() + n);
			pos += n;
		}
	}

	private static void zero(ByteBuffer b) {
		while (b.hasRemaining()) {
			b.put(ZEROS, 0, Math.min(ZEROS.length, b.remaining()));
		}
	}

	@Override
	public int write(ByteBuffer src, long position) throws FsException {
		throw FsException.readOnly(null);
	}

	@Override
	public long size() {
		return inode.size;
	}

	@Override
	public void truncate(long size) throws FsException {
		throw FsException.readOnly(null);
	}

	@Override
	public void sync(boolean metadata) {
		// nothing is ever written
	}

	@Override
	public void close() {
		// the file system's device stays open for the store's other readers
	}
}
