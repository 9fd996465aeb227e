package org.mapfs.store.image;

import java.nio.ByteBuffer;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * The block group descriptors (32 bytes, or {@code s_desc_size} with 64bit): where each group's inode table is.
 * They follow the superblock, or with meta_bg sit in the first group of each meta group (one descriptor block's
 * worth of groups) past {@code s_first_meta_bg}. Read on demand, so a huge group count costs nothing upfront.
 */
final class GroupDescriptors {
	/** bg_flags: the inode table is not initialized; none of its inodes is in use. */
	private static final int INODE_UNINIT = 0x1;

	private final Superblock sb;
	private final BlockCache blocks;
	private final long perBlock;
	private final long tableBlocks;

	/** What a group's inodes need: where the table is, and how many inodes at its end were never used. */
	record Group(long inodeTable, boolean inodesUninit, long itableUnused) {
	}

	GroupDescriptors(Superblock sb, BlockCache blocks) {
		this.sb = sb;
		this.blocks = blocks;
		this.perBlock = sb.blockSize / sb.descSize;
		this.tableBlocks = (sb.inodesPerGroup * sb.inodeSize + sb.blockSize - 1) / sb.blockSize;
	}

	Group group(long group) throws FsException {
		if (group < 0 || group >= sb.groupCount) {
			throw new FsException(Errno.EIO, "group " + group + " does not exist (" + sb.groupCount + " groups)");
		}
		String what = "group descriptor " + group;
		ByteBuffer b = blocks.block(descriptorBlock(group), what);
		int at = (int) (group % perBlock) * sb.descSize;
		Checksums.verifyGroupDescriptor(sb, group, b, at, sb.descSize);
		boolean wide = sb.has(Feature.BIT64);
		long table = Superblock.u32(b, at + 0x8) | (wide ? Superblock.u32(b, at + 0x28) << 32 : 0);
		blocks.check(table, tableBlocks, what + ": inode table");
		int flags = Short.toUnsignedInt(b.getShort(at + 0x12));
		boolean csum = sb.has(Feature.GDT_CSUM) || sb.has(Feature.METADATA_CSUM);
		long unused = csum ? Short.toUnsignedInt(b.getShort(at + 0x1C))
				| (wide ? (long) Short.toUnsignedInt(b.getShort(at + 0x32)) << 16 : 0) : 0;
		return new Group(table, csum && (flags & INODE_UNINIT) != 0, unused);
	}

	private long descriptorBlock(long group) {
		long index = group / perBlock;
		if (!sb.has(Feature.META_BG) || index < sb.firstMetaBg) {
			return sb.firstDataBlock + 1 + index;
		}
		long first = index * perBlock;
		return sb.groupFirstBlock(first) + (sb.hasSuper(first) ? 1 : 0);
	}
}
