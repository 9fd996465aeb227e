package org.mapfs.store.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * An ext4 extent tree: a 12-byte header, then index entries (inner nodes) or extents (leaves); the root is the
 * inode's {@code i_block}, the other nodes are blocks with a checksum tail. Each lookup descends from the root.
 */
final class ExtentTree implements BlockMap {
	private static final int MAGIC = 0xF30A;
	private static final int MAX_DEPTH = 5;
	private static final int HEADER = 12;
	private static final int ENTRY = 12;
	/** ee_len above this marks an unwritten extent of ee_len - 32768 blocks. */
	private static final int INIT_MAX_LEN = 32768;

	private final BlockCache blocks;
	private final Checksums checksums;
	private final Inode inode;
	private final ByteBuffer root;

	ExtentTree(BlockCache blocks, Checksums checksums, Inode inode) {
		this.blocks = blocks;
		this.checksums = checksums;
		this.inode = inode;
		this.root = inode.raw.slice(Inode.I_BLOCK, Inode.I_BLOCK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
	}

	@Override
	public Run find(long logical) throws FsException {
		ByteBuffer node = root;
		int depth = header(node, -1, "extent root of inode " + inode.ino);
		long end = Long.MAX_VALUE;
		while (depth > 0) {
			int i = search(node, logical);
			if (i < 0) {
				return hole(logical, Math.min(end, first(node)));
			}
			if (i + 1 < entries(node)) {
				end = Math.min(end, first(node, i + 1));
			}
			int at = HEADER + i * ENTRY;
			long child = Superblock.u32(node, at + 4) | (long) Short.toUnsignedInt(node.getShort(at + 8)) << 32;
			String what = "extent block " + child + " of inode " + inode.ino;
			node = blocks.block(child, what);
			int childDepth = header(node, depth - 1, what);
			checksums.verifyExtentBlock(inode.ino, inode.generation, child, node,
					Short.toUnsignedInt(node.getShort(4)));
			depth = childDepth;
		}
		int i = search(node, logical);
		if (i >= 0) {
			int at = HEADER + i * ENTRY;
			long start = first(node, i);
			int len = Short.toUnsignedInt(node.getShort(at + 4));
			boolean unwritten = len > INIT_MAX_LEN;
			if (unwritten) {
				len -= INIT_MAX_LEN;
			}
			if (logical < start + len) {
				long physical = Superblock.u32(node, at + 8) | (long) Short.toUnsignedInt(node.getShort(at + 6)) << 32;
				long offset = logical - start;
				return new Run(logical, unwritten ? 0 : physical + offset, len - offset);
			}
		}
		int next = i + 1;
		return hole(logical, next < entries(node) ? Math.min(end, first(node, next)) : end);
	}

	private static Run hole(long logical, long end) {
		return new Run(logical, 0, Math.max(1, end - logical));
	}

	/** Checks a node's header; returns its depth, which must be one less than its parent's. */
	private int header(ByteBuffer node, int expectedDepth, String what) throws FsException {
		int magic = Short.toUnsignedInt(node.getShort(0));
		int entries = Short.toUnsignedInt(node.getShort(2));
		int max = Short.toUnsignedInt(node.getShort(4));
		int depth = Short.toUnsignedInt(node.getShort(6));
		if (magic != MAGIC) {
			throw corrupt(what, String.format("bad magic %04x", magic));
		}
		if (entries > max || HEADER + max * ENTRY > node.limit()) {
			throw corrupt(what, entries + " entries, room for " + max);
		}
		if (expectedDepth < 0 ? depth > MAX_DEPTH : depth != expectedDepth) {
			throw corrupt(what, "depth " + depth);
		}
		return depth;
	}

	/** The last entry whose first logical block is at most {@code logical}, or -1. */
	private static int search(ByteBuffer node, long logical) {
		int lo = 0;
		int hi = entries(node) - 1;
		int found = -1;
		while (lo <= hi) {
			int mid = (lo + hi) >>> 1;
			if (first(node, mid) <= logical) {
				found = mid;
				lo = mid + 1;
			} else {
				hi = mid - 1;
			}
		}
		return found;
	}

	private static int entries(ByteBuffer node) {
		return Short.toUnsignedInt(node.getShort(2));
	}

	private static long first(ByteBuffer node, int i) {
		return Superblock.u32(node, HEADER + i * ENTRY);
	}

	private static long first(ByteBuffer node) {
		return entries(node) == 0 ? Long.MAX_VALUE : first(node, 0);
	}

	private static FsException corrupt(String what, String why) {
		return new FsException(Errno.EIO, what + ": " + why);
	}
}
