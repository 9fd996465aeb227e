package org.mapfs.api;

/**
 * The POSIX error numbers that cross MapFS boundaries, with their Linux values so a FUSE front-end can
 * return {@code -code()} unchanged.
 */
public enum Errno {
	EPERM(1, "Operation not permitted"),
	ENOENT(2, "No such file or directory"),
	EIO(5, "Input/output error"),
	EBADF(9, "Bad file descriptor"),
	EAGAIN(11, "Resource temporarily unavailable"),
	EACCES(13, "Permission denied"),
	EBUSY(16, "Device or resource busy"),
	EEXIST(17, "File exists"),
	EXDEV(18, "Invalid cross-device link"),
	ENOTDIR(20, "Not a directory"),
	EISDIR(21, "Is a directory"),
	EINVAL(22, "Invalid argument"),
	EFBIG(27, "File too large"),
	ENOSPC(28, "No space left on device"),
	EROFS(30, "Read-only file system"),
	EMLINK(31, "Too many links"),
	ERANGE(34, "Numerical result out of range"),
	ENAMETOOLONG(36, "File name too long"),
	ENOSYS(38, "Function not implemented"),
	ENOTEMPTY(39, "Directory not empty"),
	ELOOP(40, "Too many levels of symbolic links"),
	ENODATA(61, "No data available"),
	ENOTSUP(95, "Operation not supported"),
	ENOTCONN(107, "Transport endpoint is not connected"),
	ESTALE(116, "Stale file handle");

	private final int code;
	private final String description;

	Errno(int code, String description) {
		this.code = code;
		this.description = description;
	}

	/** The Linux errno value. */
	public int code() {
		return code;
	}

	/** The C library's text for this errno (strerror). */
	public String description() {
		return description;
	}

	/** The errno with this Linux value; unknown values map to {@link #EIO}, never to success. */
	public static Errno of(int code) {
		for (Errno e : values()) {
			if (e.code == code) {
				return e;
			}
		}
		return EIO;
	}
}
