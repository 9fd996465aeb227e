package org.mapfs.store.nfs;

import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;

/** Decodes fattr3 and post_op_attr (RFC 1813, section 2.6) into {@link FileAttributes}. */
final class Fattr {
	private Fattr() {
	}

	static FileAttributes decode(XdrReader r) throws FsException {
		int t = r.getInt("ftype3");
		FileType type = switch (t) {
			case 1 -> FileType.REGULAR;
			case 2 -> FileType.DIRECTORY;
			case 3 -> FileType.BLOCK_DEVICE;
			case 4 -> FileType.CHAR_DEVICE;
			case 5 -> FileType.SYMLINK;
			case 6 -> FileType.SOCKET;
			case 7 -> FileType.FIFO;
			default -> throw r.malformed("file type " + t);
		};
		// some servers (ganesha) put the type bits into the mode word too: only the permission bits count
		int mode = r.getInt("mode") & FileAttributes.PERMISSION_BITS;
		long nlink = r.getInt("nlink") & 0xffffffffL;
		int uid = r.getInt("uid");
		int gid = r.getInt("gid");
		long size = r.getLong("size");
		long used = r.getLong("used");
		int major = r.getInt("rdev major");
		int minor = r.getInt("rdev minor");
		long fsid = r.getLong("fsid");
		long fileid = r.getLong("fileid");
		long atime = time(r, "atime");
		long mtime = time(r, "mtime");
		long ctime = time(r, "ctime");
		return new FileAttributes(type, mode, uid, gid, size, Long.divideUnsigned(used + 511, 512), nlink, fileid,
				fsid, makedev(major, minor), atime, mtime, ctime);
	}

	/** post_op_attr: the attributes, or null where the server sent none. */
	static FileAttributes decodeOptional(XdrReader r) throws FsException {
		return r.getBoolean("attributes_follow") ? decode(r) : null;
	}

	/** Skips pre_op_attr and post_op_attr (wcc_data), which say nothing the caches need. */
	static void skipWcc(XdrReader r) throws FsException {
		if (r.getBoolean("pre_op_attr follows")) {
			r.getLong("size");
			r.getLong("mtime");
			r.getLong("ctime");
		}
		decodeOptional(r);
	}

	/** nfstime3 in nanoseconds since the epoch. */
	private static long time(XdrReader r, String field) throws FsException {
		long seconds = r.getInt(field + " seconds") & 0xffffffffL;
		long nanos = r.getInt(field + " nanoseconds") & 0xffffffffL;
		if (nanos >= 1_000_000_000L) {
			throw r.malformed(field + " nanoseconds " + nanos);
		}
		return seconds * 1_000_000_000L + nanos;
	}

	/** Linux's encoding of a device number (glibc's makedev). */
	static long makedev(int major, int minor) {
		long ma = major & 0xffffffffL;
		long mi = minor & 0xffffffffL;
		return (mi & 0xff) | ((ma & 0xfff) << 8) | ((mi & ~0xffL) << 12) | ((ma & ~0xfffL) << 32);
	}

	static int major(long dev) {
		return (int) (((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL));
	}

	static int minor(long dev) {
		return (int) ((dev & 0xff) | ((dev >>> 12) & ~0xffL));
	}
}
