package org.mapfs.frontend.fuse;

/**
 * The parts of the kernel's FUSE protocol ({@code include/uapi/linux/fuse.h}) that MapFS speaks: request codes,
 * flags and the sizes of the fixed parts of messages. MapFS answers as protocol 7.33, which every kernel since 5.11
 * understands; newer kernels talk down to it.
 */
final class FuseKernel {
	private FuseKernel() {
	}

	static final int MAJOR = 7;
	static final int MINOR = 33;

	static final long ROOT_ID = 1;

	// requests
	static final int LOOKUP = 1;
	static final int FORGET = 2;
	static final int GETATTR = 3;
	static final int SETATTR = 4;
	static final int READLINK = 5;
	static final int SYMLINK = 6;
	static final int MKNOD = 8;
	static final int MKDIR = 9;
	static final int UNLINK = 10;
	static final int RMDIR = 11;
	static final int RENAME = 12;
	static final int LINK = 13;
	static final int OPEN = 14;
	static final int READ = 15;
	static final int WRITE = 16;
	static final int STATFS = 17;
	static final int RELEASE = 18;
	static final int FSYNC = 20;
	static final int SETXATTR = 21;
	static final int GETXATTR = 22;
	static final int LISTXATTR = 23;
	static final int REMOVEXATTR = 24;
	static final int FLUSH = 25;
	static final int INIT = 26;
	static final int OPENDIR = 27;
	static final int READDIR = 28;
	static final int RELEASEDIR = 29;
	static final int FSYNCDIR = 30;
	static final int ACCESS = 34;
	static final int CREATE = 35;
	static final int INTERRUPT = 36;
	static final int DESTROY = 38;
	static final int BATCH_FORGET = 42;
	static final int READDIRPLUS = 44;
	static final int RENAME2 = 45;

	// INIT flags
	static final int ASYNC_READ = 1;
	static final int ATOMIC_O_TRUNC = 1 << 3;
	static final int BIG_WRITES = 1 << 5;
	static final int DO_READDIRPLUS = 1 << 13;
	static final int READDIRPLUS_AUTO = 1 << 14;
	static final int PARALLEL_DIROPS = 1 << 18;
	static final int MAX_PAGES = 1 << 22;
	static final int CACHE_SYMLINKS = 1 << 23;
	static final int HANDLE_KILLPRIV_V2 = 1 << 28;

	// fuse_open_out.open_flags
	static final int FOPEN_KEEP_CACHE = 1 << 1;
	static final int FOPEN_CACHE_DIR = 1 << 3;

	// fuse_setattr_in.valid
	static final int FATTR_MODE = 1;
	static final int FATTR_UID = 1 << 1;
	static final int FATTR_GID = 1 << 2;
	static final int FATTR_SIZE = 1 << 3;
	static final int FATTR_ATIME = 1 << 4;
	static final int FATTR_MTIME = 1 << 5;
	static final int FATTR_FH = 1 << 6;
	static final int FATTR_ATIME_NOW = 1 << 7;
	static final int FATTR_MTIME_NOW = 1 << 8;
	static final int FATTR_KILL_SUIDGID = 1 << 11;

	// fuse_open_in.open_flags
	static final int OPEN_KILL_SUIDGID = 1;

	static final int GETATTR_FH = 1;
	static final int FSYNC_FDATASYNC = 1;

	// notifications (written unasked, unique 0, the code in the error field)
	static final int NOTIFY_INVAL_INODE = 2;
	static final int NOTIFY_INVAL_ENTRY = 3;

	// sizes of the fixed parts
	static final int IN_HEADER = 40;
	static final int OUT_HEADER = 16;
	static final int ATTR = 88;
	static final int ENTRY_OUT = 40 + ATTR;
	static final int ATTR_OUT = 16 + ATTR;
	static final int OPEN_OUT = 16;
	static final int INIT_OUT = 64;
	static final int STATFS_OUT = 80;
	static final int WRITE_IN = 40;
	static final int DIRENT = 24;

	/** Largest request data (a write) and reply data (a read): 256 pages. */
	static final int MAX_DATA = 1 << 20;
	/** A request buffer: the largest write and its headers (the kernel wants a page more than max_write). */
	static final int BUFFER = MAX_DATA + 4096;
}
