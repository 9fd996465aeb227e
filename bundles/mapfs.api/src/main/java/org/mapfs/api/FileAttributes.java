package org.mapfs.api;

/**
 * What {@code lstat} reports of one file. Times are nanoseconds since the epoch; {@code mode} holds only the
 * permission bits (07777), the type is {@link #type()}.
 */
public record FileAttributes(FileType type, int mode, int uid, int gid, long size, long blocks, long nlink, long ino,
		long dev, long rdev, long atimeNs, long mtimeNs, long ctimeNs) {

	/** Mask of the permission bits, including setuid, setgid and sticky. */
	public static final int PERMISSION_BITS = 07777;

	public FileAttributes {
		if (type == null) {
			throw new IllegalArgumentException("type is null");
		}
		mode &= PERMISSION_BITS;
	}

	/** {@code st_mode}: type bits and permission bits. */
	public int stMode() {
		return type.bits() | mode;
	}

	/**
	 * The permission bits without the privileges a change by an unprivileged process drops, as Linux's
	 * file_remove_privs: setuid, and setgid where group execution is allowed (without it, setgid means locking).
	 */
	public int unprivilegedMode() {
		return mode & ~((mode & 04000) | ((mode & 02010) == 02010 ? 02000 : 0));
	}

	public boolean isDirectory() {
		return type == FileType.DIRECTORY;
	}

	public boolean isRegularFile() {
		return type == FileType.REGULAR;
	}

	public boolean isSymlink() {
		return type == FileType.SYMLINK;
	}

	/** The same attributes with another inode number and device (a mount reports its own). */
	public FileAttributes withIdentity(long ino, long dev) {
		return new FileAttributes(type, mode, uid, gid, size, blocks, nlink, ino, dev, rdev, atimeNs, mtimeNs,
				ctimeNs);
	}

	/** The same attributes with another link count. */
	public FileAttributes withNlink(long nlink) {
		return new FileAttributes(type, mode, uid, gid, size, blocks, nlink, ino, dev, rdev, atimeNs, mtimeNs,
				ctimeNs);
	}
}
