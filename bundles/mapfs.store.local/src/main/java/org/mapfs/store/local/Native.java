package org.mapfs.store.local;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Platform;

/** The loaded C library, the Linux constants the store needs, and the decoding of native structures. */
final class Native {
	private Native() {
	}

	// open(2) flags: the generic values, with the ones that differ on arm64 chosen below
	static final int O_RDONLY = 0;
	static final int O_WRONLY = 01;
	static final int O_RDWR = 02;
	static final int O_CREAT = 0100;
	static final int O_EXCL = 0200;
	static final int O_NOCTTY = 0400;
	static final int O_NONBLOCK = 04000;
	static final int O_CLOEXEC = 02000000;
	static final int O_PATH = 010000000;
	static final int O_DIRECTORY;
	static final int O_NOFOLLOW;

	static final int AT_FDCWD = -100;
	static final int AT_SYMLINK_NOFOLLOW = 0x100;
	static final int AT_REMOVEDIR = 0x200;
	static final int AT_NO_AUTOMOUNT = 0x800;
	static final int AT_EMPTY_PATH = 0x1000;

	static final long RESOLVE_NO_MAGICLINKS = 0x02;
	static final long RESOLVE_NO_SYMLINKS = 0x04;
	static final long RESOLVE_BENEATH = 0x08;
	/** openat2 has the same number on x86_64 and on the generic table (arm64 and others). */
	static final long SYS_OPENAT2 = 437;
	/** fchmodat2 (Linux 6.6), the same number on x86_64 and on the generic table. */
	static final long SYS_FCHMODAT2 = 452;

	static final int RENAME_NOREPLACE = 1;
	static final int XATTR_CREATE = 1;
	static final int XATTR_REPLACE = 2;
	static final long UTIME_OMIT = (1L << 30) - 2;
	static final long UTIME_NOW = (1L << 30) - 1;

	static final int STATX_BASIC_STATS = 0x7ff;
	static final int STATX_MNT_ID = 0x1000;
	static final int STATX_SIZE = 256;
	static final int STATFS_SIZE = 120;

	// d_type values of getdents64
	static final int DT_UNKNOWN = 0;
	static final int DT_FIFO = 1;
	static final int DT_CHR = 2;
	static final int DT_DIR = 4;
	static final int DT_BLK = 6;
	static final int DT_REG = 8;
	static final int DT_LNK = 10;
	static final int DT_SOCK = 12;

	static final int EINTR = 4;
	static final int ENXIO = 6;
	static final int EXDEV = 18;
	static final int EINVAL = 22;
	static final int EAGAIN = 11;
	static final int ERANGE = 34;
	static final int ENOSYS = 38;
	static final int ENOTSUP = 95;

	static {
		String arch = System.getProperty("os.arch", "");
		if (arch.equals("aarch64") || arch.equals("arm64")) {
			O_DIRECTORY = 040000;
			O_NOFOLLOW = 0100000;
		} else {
			O_DIRECTORY = 0200000;
			O_NOFOLLOW = 0400000;
		}
	}

	private static final class Holder {
		static final LibC LIBC;
		static final jnr.ffi.Runtime RUNTIME;
		static final Throwable FAILURE;

		static {
			LibC libc = null;
			jnr.ffi.Runtime runtime = null;
			Throwable failure = null;
			try {
				String os = System.getProperty("os.name", "");
				String arch = System.getProperty("os.arch", "");
				if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
					throw new UnsupportedOperationException(
							"the local store runs on Linux x86_64 and aarch64, not on " + os + " " + arch);
				}
				libc = LibraryLoader.create(LibC.class)
						.option(LibraryOption.SaveError, Boolean.TRUE)
						.failImmediately()
						.load(Platform.getNativePlatform().getStandardCLibraryName());
				runtime = jnr.ffi.Runtime.getRuntime(libc);
			} catch (Throwable t) {
				failure = t;
			}
			LIBC = libc;
			RUNTIME = runtime;
			FAILURE = failure;
		}
	}

	/** The C library; EIO naming the cause if it could not be loaded (no jffi native code for this machine). */
	static LibC libc() throws FsException {
		LibC libc = Holder.LIBC;
		if (libc == null) {
			throw new FsException(Errno.EIO, null, "cannot load the C library through jnr-ffi: " + Holder.FAILURE,
					Holder.FAILURE);
		}
		return libc;
	}

	/** errno of the last failed call on this thread. */
	static int errno() {
		return Holder.RUNTIME.getLastError();
	}

	/** The FsException for the errno of the last failed call. */
	static FsException error(String op, FsPath path) {
		return error(errno(), op, path);
	}

	static FsException error(int errno, String op, FsPath path) {
		Errno e = Errno.of(errno);
		String reason = e == Errno.EIO && errno != Errno.EIO.code() ? op + ": errno " + errno
				: op + ": " + e.description();
		return new FsException(e, path, reason);
	}

	/** NUL-terminated UTF-8 bytes. */
	static byte[] cstr(String s) {
		byte[] b = s.getBytes(StandardCharsets.UTF_8);
		byte[] c = new byte[b.length + 1];
		System.arraycopy(b, 0, c, 0, b.length);
		return c;
	}

	static final byte[] EMPTY = { 0 };
	static final byte[] DOT = { '.', 0 };

	/** dev_t as glibc's makedev encodes it, so values equal what stat(2) reports. */
	static long makedev(long major, long minor) {
		major &= 0xffffffffL;
		minor &= 0xffffffffL;
		return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12)
				| (minor & 0xffL);
	}

	/** Decodes a struct statx (its layout is the same on every architecture). */
	static FileAttributes decodeStatx(byte[] raw) throws FsException {
		ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
		long nlink = b.getInt(16) & 0xffffffffL;
		int uid = b.getInt(20);
		int gid = b.getInt(24);
		int mode = b.getShort(28) & 0xffff;
		long ino = b.getLong(32);
		long size = b.getLong(40);
		long blocks = b.getLong(48);
		long atime = time(b, 64);
		long ctime = time(b, 96);
		long mtime = time(b, 112);
		long rdev = makedev(b.getInt(128), b.getInt(132));
		long dev = makedev(b.getInt(136), b.getInt(140));
		return new FileAttributes(FileType.ofMode(mode), mode, uid, gid, size, blocks, nlink, ino, dev, rdev, atime,
				mtime, ctime);
	}

	static int statxMode(byte[] raw) {
		return ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder()).getShort(28) & 0xffff;
	}

	/** stx_mnt_id, or -1 when the kernel did not report it. */
	static long statxMountId(byte[] raw) {
		ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
		return (b.getInt(0) & STATX_MNT_ID) != 0 ? b.getLong(144) : -1;
	}

	private static long time(ByteBuffer b, int off) {
		return b.getLong(off) * 1_000_000_000L + (b.getInt(off + 8) & 0xffffffffL);
	}

	/** The type a d_type value stands for, or null for DT_UNKNOWN (and anything else). */
	static FileType ofDirentType(int dtype) {
		return switch (dtype) {
			case DT_FIFO -> FileType.FIFO;
			case DT_CHR -> FileType.CHAR_DEVICE;
			case DT_DIR -> FileType.DIRECTORY;
			case DT_BLK -> FileType.BLOCK_DEVICE;
			case DT_REG -> FileType.REGULAR;
			case DT_LNK -> FileType.SYMLINK;
			case DT_SOCK -> FileType.SOCKET;
			default -> null;
		};
	}
}
