package org.mapfs.store.nfs;

import org.mapfs.api.Errno;

/** The nfsstat3 values (RFC 1813, section 2.6; MOUNT v3 uses the same numbers) and the errno each stands for. */
enum NfsStatus {
	OK(0, null),
	PERM(1, Errno.EPERM),
	NOENT(2, Errno.ENOENT),
	IO(5, Errno.EIO),
	NXIO(6, Errno.EIO),
	ACCES(13, Errno.EACCES),
	EXIST(17, Errno.EEXIST),
	XDEV(18, Errno.EXDEV),
	NODEV(19, Errno.EIO),
	NOTDIR(20, Errno.ENOTDIR),
	ISDIR(21, Errno.EISDIR),
	INVAL(22, Errno.EINVAL),
	FBIG(27, Errno.EFBIG),
	NOSPC(28, Errno.ENOSPC),
	ROFS(30, Errno.EROFS),
	MLINK(31, Errno.EMLINK),
	NAMETOOLONG(63, Errno.ENAMETOOLONG),
	NOTEMPTY(66, Errno.ENOTEMPTY),
	DQUOT(69, Errno.ENOSPC),
	STALE(70, Errno.ESTALE),
	REMOTE(71, Errno.EIO),
	// a handle the server cannot decode: as good as stale, so the path is looked up again
	BADHANDLE(10001, Errno.ESTALE),
	NOT_SYNC(10002, Errno.EIO),
	BAD_COOKIE(10003, Errno.EIO),
	NOTSUPP(10004, Errno.ENOTSUP),
	TOOSMALL(10005, Errno.EIO),
	SERVERFAULT(10006, Errno.EIO),
	BADTYPE(10007, Errno.EINVAL),
	JUKEBOX(10008, Errno.EAGAIN);

	private final int code;
	private final Errno errno;

	NfsStatus(int code, Errno errno) {
		this.code = code;
		this.errno = errno;
	}

	Errno errno() {
		return errno;
	}

	/** The status of this code; null for a value RFC 1813 does not define. */
	static NfsStatus of(int code) {
		for (NfsStatus s : values()) {
			if (s.code == code) {
				return s;
			}
		}
		return null;
	}

	@Override
	public String toString() {
		return this == OK ? "NFS3_OK" : "NFS3ERR_" + name();
	}
}
