package org.mapfs.store.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * The ext2/ext3 block map: 12 direct pointers in {@code i_block}, then a single, a double and a triple indirect
 * block, each a table of 32-bit block numbers (0 = hole).
 */
final class IndirectBlocks implements BlockMap {
	private static final int DIRECT = 12;

	private final BlockCache blocks;
	private final Inode inode;
	private final ByteBuffer iblock;
	private final long perBlock;

	IndirectBlocks(BlockCache blocks, Inode inode) {
		this.blocks = blocks;
		this.inode = inode;
		this.iblock = inode.raw.slice(Inode.I_BLOCK, Inode.I_BLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
		this.perBlock = blocks.blockSize() / 4;
	}

	@Override
	public Run find(long logical) throws FsException {
		if (logical < DIRECT) {
			return run(iblock, (int) logical, DIRECT, logical);
		}
		long rest = logical - DIRECT;
		int levels = 1;
		long span = perBlock;
		while (rest >= span) {
			rest -= span;
			if (++levels > 3) {
				throw new FsException(Errno.EIO, "inode " + inode.ino + ": block " + logical
						+ " is past what triple indirect blocks map");
			}
			span *= perBlock;
		}
		long pointer = Superblock.u32(iblock, (DIRECT + levels - 1) * 4);
		for (int level = levels;; level--) {
			span /= perBlock;
			if (pointer == 0) {
				// a missing table is a hole for all it would have mapped
				return new Run(logical, 0, span * perBlock - rest);
			}
			ByteBuffer table = blocks.block(pointer, "indirect block " + pointer + " of inode " + inode.ino);
			int index = (int) (rest / span);
			rest %= span;
			if (level == 1) {
				return run(table, index, (int) perBlock, logical);
			}
			pointer = Superblock.u32(table, index * 4);
		}
	}

	/** The run from entry {@code index} of a pointer table: following entries that continue it on disk. */
	private static Run run(ByteBuffer table, int index, int entries, long logical) {
		long first = Superblock.u32(table, index * 4);
		int n = 1;
		while (index + n < entries) {
			long next = Superblock.u32(table, (index + n) * 4);
			if (first == 0 ? next != 0 : next != first + n) {
				break;
			}
			n++;
		}
		return new Run(logical, first, n);
	}
}
