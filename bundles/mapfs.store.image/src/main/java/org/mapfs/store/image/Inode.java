package org.mapfs.store.image;

import java.nio.ByteBuffer;

import org.mapfs.api.Errno;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;

/**
 * One on-disk inode, decoded: the fields of the 128-byte base and of the extra part ({@code i_extra_isize} bytes
 * after it) that this reader uses. {@link #raw} keeps the whole inode for {@code i_block} and in-inode xattrs.
 */
final class Inode {
	static final int INDEX_FL = 0x1000;
	static final int HUGE_FILE_FL = 0x40000;
	static final int EXTENTS_FL = 0x80000;
	/** The inode holds the value of a large xattr (ea_inode). */
	static final int EA_INODE_FL = 0x200000;
	static final int INLINE_DATA_FL = 0x10000000;
	/** Where {@code i_block} (60 bytes: block map, extent root, inline data or fast symlink) starts. */
	static final int I_BLOCK = 0x28;
	static final int I_BLOCK_SIZE = 60;
	private static final int BASE = 128;

	final long ino;
	final int mode;
	final FileType type;
	final int uid;
	final int gid;
	final long size;
	final long links;
	/** i_blocks in 512-byte units. */
	final long sectors;
	final int flags;
	final int generation;
	final long fileAcl;
	final int extraIsize;
	final long atimeNs;
	final long ctimeNs;
	final long mtimeNs;
	final ByteBuffer raw;

	Inode(long ino, ByteBuffer raw, Superblock sb, String what) throws FsException {
		this.ino = ino;
		this.raw = raw;
		mode = Short.toUnsignedInt(raw.getShort(0x0));
		type = typeOf(mode, what);
		uid = Short.toUnsignedInt(raw.getShort(0x2)) | Short.toUnsignedInt(raw.getShort(0x78)) << 16;
		gid = Short.toUnsignedInt(raw.getShort(0x18)) | Short.toUnsignedInt(raw.getShort(0x7A)) << 16;
		size = Superblock.u32(raw, 0x4) | Superblock.u32(raw, 0x6C) << 32;
		links = Short.toUnsignedInt(raw.getShort(0x1A));
		flags = raw.getInt(0x20);
		long blocks = Superblock.u32(raw, 0x1C);
		if (sb.has(Feature.HUGE_FILE)) {
			blocks |= (long) Short.toUnsignedInt(raw.getShort(0x74)) << 32;
			if ((flags & HUGE_FILE_FL) != 0) {
				blocks *= sb.blockSize / 512;
			}
		}
		sectors = blocks;
		generation = raw.getInt(0x64);
		fileAcl = Superblock.u32(raw, 0x68) | (long) Short.toUnsignedInt(raw.getShort(0x76)) << 32;
		extraIsize = raw.limit() > BASE ? Short.toUnsignedInt(raw.getShort(0x80)) : 0;
		if (extraIsize > raw.limit() - BASE || extraIsize % 4 != 0) {
			throw new FsException(Errno.EIO, what + ": bad i_extra_isize " + extraIsize);
		}
		ctimeNs = time(0xC, 0x84);
		mtimeNs = time(0x10, 0x88);
		atimeNs = time(0x8, 0x8C);
	}

	private static FileType typeOf(int mode, String what) throws FsException {
		for (FileType t : FileType.values()) {
			if (t.bits() == (mode & FileType.S_IFMT)) {
				return t;
			}
		}
		throw new FsException(Errno.EIO, what + String.format(": unknown file type in mode %06o", mode));
	}

	/**
	 * Seconds are signed 32 bits; the extra field, where the inode has room for it, adds two epoch bits above
	 * them (dates up to 2446) and 30 bits of nanoseconds.
	 */
	private long time(int at, int extraAt) {
		long seconds = raw.getInt(at);
		long nanos = 0;
		if (fits(extraAt, 4)) {
			int extra = raw.getInt(extraAt);
			seconds += (long) (extra & 3) << 32;
			nanos = extra >>> 2;
		}
		return seconds * 1_000_000_000L + nanos;
	}

	/** Whether a field of the extra part is inside {@code i_extra_isize}. */
	boolean fits(int at, int length) {
		return at + length <= BASE + extraIsize;
	}

	boolean has(int flag) {
		return (flags & flag) != 0;
	}

	/** st_rdev as glibc's makedev encodes it, from the old (16-bit, i_block[0]) or new (i_block[1]) encoding. */
	long rdev() {
		int old = raw.getInt(I_BLOCK);
		long major;
		long minor;
		if (old != 0) {
			major = (old >>> 8) & 0xFF;
			minor = old & 0xFF;
		} else {
			int dev = raw.getInt(I_BLOCK + 4);
			major = (dev & 0xFFF00) >>> 8;
			minor = (dev & 0xFF) | ((dev >>> 12) & 0xFFF00);
		}
		return (minor & 0xFF) | ((major & 0xFFF) << 8) | ((minor & ~0xFFL) << 12) | ((major & ~0xFFFL) << 32);
	}

	/** Where in-inode xattrs start: after the extra part. */
	int xattrStart() {
		return BASE + extraIsize;
	}
}
