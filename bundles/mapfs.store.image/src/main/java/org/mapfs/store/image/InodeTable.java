package org.mapfs.store.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/** Finds, reads, checks and caches inodes: inode {@code n} is entry {@code (n-1) % per group} of its group's table. */
final class InodeTable {
	/** What a cached inode costs beyond its on-disk bytes. */
	private static final int OVERHEAD = 200;

	private final Superblock sb;
	private final BlockCache blocks;
	private final GroupDescriptors groups;
	private final Checksums checksums;
	private final LruCache<Long, Inode> cache;

	InodeTable(Superblock sb, BlockCache blocks, GroupDescriptors groups, Checksums checksums, long budget) {
		this.sb = sb;
		this.blocks = blocks;
		this.groups = groups;
		this.checksums = checksums;
		this.cache = new LruCache<>(budget, i -> sb.inodeSize + OVERHEAD);
	}

	long cacheWeight() {
		return cache.weight();
	}

	Inode inode(long ino) throws FsException {
		return cache.get(ino, this::load);
	}

	private Inode load(long ino) throws FsException {
		String what = "inode " + ino;
		if (ino < 1 || ino > sb.inodesCount) {
			throw new FsException(Errno.EIO, what + " does not exist (" + sb.inodesCount + " inodes)");
		}
		long group = (ino - 1) / sb.inodesPerGroup;
		long index = (ino - 1) % sb.inodesPerGroup;
		GroupDescriptors.Group g = groups.group(group);
		if (g.inodesUninit() || index >= sb.inodesPerGroup - g.itableUnused()) {
			throw new FsException(Errno.EIO, what + " is in the never-used part of group " + group + "'s inode table");
		}
		long offset = index * sb.inodeSize;
		ByteBuffer block = blocks.block(g.inodeTable() + offset / sb.blockSize, what);
		ByteBuffer raw = ByteBuffer.allocate(sb.inodeSize).order(ByteOrder.LITTLE_ENDIAN);
		raw.put(0, block, (int) (offset % sb.blockSize), sb.inodeSize);
		int extraIsize = raw.limit() > 128 ? Short.toUnsignedInt(raw.getShort(0x80)) : 0;
		checksums.verifyInode(ino, raw, extraIsize);
		if (raw.getShort(0) == 0) {
			throw new FsException(Errno.EIO, what + " is free but a directory refers to it");
		}
		return new Inode(ino, raw, sb, what);
	}
}
