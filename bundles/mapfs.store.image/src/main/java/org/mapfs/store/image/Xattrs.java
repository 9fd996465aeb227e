package org.mapfs.store.image;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * Extended attributes: the entries after the inode's extra part, then those of its xattr block. Each entry
 * names its value by a prefix index and a suffix; values live in the same region, or (ea_inode) in an inode of
 * their own. Values are returned as stored (ACLs in ext4's format).
 */
final class Xattrs {
	private static final int MAGIC = 0xEA020000;
	private static final int BLOCK_HEADER = 32;
	private static final int ENTRY = 16;
	/** Linux's XATTR_SIZE_MAX: no value can be larger. */
	static final int VALUE_MAX = 65536;
	/** The attribute holding inline data past the first 60 bytes; internal, not listed. */
	static final String INLINE_DATA = "system.data";

	/** Reads the value of an attribute kept in an inode of its own. */
	interface ValueInodes {
		byte[] read(long ino, int size, String what) throws FsException;
	}

	private final BlockCache blocks;
	private final Checksums checksums;
	private final ValueInodes valueInodes;

	Xattrs(BlockCache blocks, Checksums checksums, ValueInodes valueInodes) {
		this.blocks = blocks;
		this.checksums = checksums;
		this.valueInodes = valueInodes;
	}

	/** Every attribute of the inode by its full name, in-inode ones first. */
	Map<String, byte[]> read(Inode inode) throws FsException {
		Map<String, byte[]> all = new LinkedHashMap<>();
		int start = inode.xattrStart();
		ByteBuffer raw = inode.raw;
		if (start + 4 <= raw.limit() && raw.getInt(start) == MAGIC) {
			// in-inode values are offsets from the first entry
			entries(raw, start + 4, start + 4, raw.limit(), all, "xattrs of inode " + inode.ino);
		}
		if (inode.fileAcl != 0) {
			String what = "xattr block " + inode.fileAcl + " of inode " + inode.ino;
			ByteBuffer b = blocks.block(inode.fileAcl, what);
			if (b.getInt(0) != MAGIC || b.getInt(8) != 1) {
				throw new FsException(Errno.EIO, what + ": bad header");
			}
			checksums.verifyXattrBlock(inode.fileAcl, b);
			entries(b, BLOCK_HEADER, 0, b.limit(), all, what);
		}
		return all;
	}

	private void entries(ByteBuffer b, int first, int valueBase, int end, Map<String, byte[]> out, String what)
			throws FsException {
		int at = first;
		while (true) {
			if (at + 4 > end) {
				throw new FsException(Errno.EIO, what + ": entries run past the end");
			}
			if (b.getInt(at) == 0) {
				return;
			}
			if (at + ENTRY > end) {
				throw new FsException(Errno.EIO, what + ": entries run past the end");
			}
			int nameLength = Byte.toUnsignedInt(b.get(at));
			int index = Byte.toUnsignedInt(b.get(at + 1));
			int valueOffset = Short.toUnsignedInt(b.getShort(at + 2));
			long valueInode = Superblock.u32(b, at + 4);
			long valueSize = Superblock.u32(b, at + 8);
			if (at + ENTRY + nameLength > end || valueSize > VALUE_MAX) {
				throw new FsException(Errno.EIO, what + ": bad entry at " + at);
			}
			String name = prefix(index, new String(bytes(b, at + ENTRY, nameLength), StandardCharsets.UTF_8));
			byte[] value;
			if (valueInode != 0) {
				value = valueInodes.read(valueInode, (int) valueSize, what + " '" + name + "'");
			} else {
				int from = valueBase + valueOffset;
				if (from + valueSize > end) {
					throw new FsException(Errno.EIO, what + ": value of '" + name + "' runs past the end");
				}
				value = bytes(b, from, (int) valueSize);
			}
			if (name != null) {
				out.put(name, value);
			}
			at += (ENTRY + nameLength + 3) & ~3;
		}
	}

	/** The full name for a name index; null for indexes Linux has no handler for (they are not listed). */
	private static String prefix(int index, String suffix) {
		return switch (index) {
			case 1 -> "user." + suffix;
			case 2 -> PosixAcl.ACCESS;
			case 3 -> PosixAcl.DEFAULT;
			case 4 -> "trusted." + suffix;
			case 6 -> "security." + suffix;
			case 7 -> "system." + suffix;
			case 8 -> "system.richacl";
			default -> null;
		};
	}

	private static byte[] bytes(ByteBuffer b, int at, int length) {
		byte[] v = new byte[length];
		b.get(at, v);
		return v;
	}
}
