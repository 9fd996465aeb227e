package org.mapfs.store.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * ext4 stores POSIX ACLs compactly (version 1; entries without an id take 4 bytes); getxattr reports the Linux
 * xattr format (version 2; every entry 8 bytes, with id -1 where there is none).
 */
final class PosixAcl {
	static final String ACCESS = "system.posix_acl_access";
	static final String DEFAULT = "system.posix_acl_default";
	private static final int EXT4_VERSION = 1;
	private static final int XATTR_VERSION = 2;
	private static final int USER = 0x02;
	private static final int GROUP = 0x08;
	private static final int UNDEFINED_ID = -1;

	private PosixAcl() {
	}

	static boolean isAcl(String name) {
		return name.equals(ACCESS) || name.equals(DEFAULT);
	}

	static byte[] toXattr(byte[] ext4, String what) throws FsException {
		ByteBuffer in = ByteBuffer.wrap(ext4).order(ByteOrder.LITTLE_ENDIAN);
		if (in.remaining() < 4 || in.getInt() != EXT4_VERSION) {
			throw new FsException(Errno.EIO, what + ": not an ext4 ACL (version)");
		}
		// each entry grows to at most 8 bytes, so twice the input bounds the output
		ByteBuffer out = ByteBuffer.allocate(4 + 2 * ext4.length).order(ByteOrder.LITTLE_ENDIAN);
		out.putInt(XATTR_VERSION);
		while (in.hasRemaining()) {
			if (in.remaining() < 4) {
				throw new FsException(Errno.EIO, what + ": truncated ACL entry");
			}
			short tag = in.getShort();
			short perm = in.getShort();
			int id = UNDEFINED_ID;
			if (tag == USER || tag == GROUP) {
				if (in.remaining() < 4) {
					throw new FsException(Errno.EIO, what + ": truncated ACL entry");
				}
				id = in.getInt();
			}
			out.putShort(tag).putShort(perm).putInt(id);
		}
		byte[] result = new byte[out.position()];
		out.get(0, result);
		return result;
	}
}
