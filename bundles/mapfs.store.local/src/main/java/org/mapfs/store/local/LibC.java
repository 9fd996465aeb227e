package org.mapfs.store.local;

import java.nio.ByteBuffer;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * The C library functions the local store uses, bound by jnr-ffi. Paths and names are NUL-terminated byte arrays
 * (never Java strings, whose encoding would depend on the locale). Public only because jnr-ffi generates the
 * implementation in another class loader; the package is private to the bundle.
 */
public interface LibC {
	int openat(int dirfd, @In byte[] path, int flags, int mode);

	/** syscall(SYS_openat2, dirfd, path, &how, sizeof how): {@code how} is {flags, mode, resolve}. */
	long syscall(long number, int dirfd, @In byte[] path, @In long[] how, long size);

	/** syscall(SYS_fchmodat2, dirfd, path, mode, flags). */
	long syscall(long number, int dirfd, @In byte[] path, long mode, long flags);

	int close(int fd);

	int statx(int dirfd, @In byte[] path, int flags, int mask, @Out byte[] buf);

	int mkdirat(int dirfd, @In byte[] path, int mode);

	int mknodat(int dirfd, @In byte[] path, int mode, long dev);

	int symlinkat(@In byte[] target, int newdirfd, @In byte[] linkpath);

	long readlinkat(int dirfd, @In byte[] path, @Out byte[] buf, long bufsiz);

	int linkat(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath, int flags);

	int unlinkat(int dirfd, @In byte[] path, int flags);

	int renameat2(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath, int flags);

	int fchownat(int dirfd, @In byte[] path, int uid, int gid, int flags);

	int fchown(int fd, int uid, int gid);

	int fchmod(int fd, int mode);

	int chmod(@In byte[] path, int mode);

	/** {@code times} is struct timespec[2]: atime sec, atime nsec, mtime sec, mtime nsec. */
	int utimensat(int dirfd, @In byte[] path, @In long[] times, int flags);

	long getdents64(int fd, @Out byte[] buf, long count);

	long lgetxattr(@In byte[] path, @In byte[] name, @Out byte[] value, long size);

	int lsetxattr(@In byte[] path, @In byte[] name, @In byte[] value, long size, int flags);

	long llistxattr(@In byte[] path, @Out byte[] list, long size);

	int lremovexattr(@In byte[] path, @In byte[] name);

	int fstatfs(int fd, @Out byte[] buf);

	long pread(int fd, @Out ByteBuffer buf, long count, long offset);

	long pwrite(int fd, @In ByteBuffer buf, long count, long offset);


	long lseek(int fd, long offset, int whence);

	/** copy_file_range(2) at explicit offsets: {@code offIn} and {@code offOut} hold one offset each, advanced. */
	long copy_file_range(int fdIn, @In @Out long[] offIn, int fdOut, @In @Out long[] offOut, long len, int flags);

	int ftruncate(int fd, long length);

	int fsync(int fd);

	int fdatasync(int fd);

	int geteuid();
}
