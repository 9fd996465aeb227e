package org.mapfs.store.local;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.DirEntry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileData;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.StatFs;
import org.mapfs.api.XattrMode;
import org.mapfs.api.store.WorkArea;
import org.mapfs.api.store.WritableStore;

/**
 * A store over a local directory.
 * <p>
 * Every path is resolved natively below an {@code O_PATH} descriptor of the root: the parent directory with
 * {@code openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)}, the last name with
 * {@code *at} system calls that do not follow it. So no symlink is followed in any component, nothing outside the
 * root is ever read or written, and paths up to PATH_MAX relative to the root work however long the root's own
 * path is. The descriptors of recently used parent directories are kept ({@link DirFds}), so a directory is not
 * resolved again for each operation in it.
 * <p>
 * Plain Java: {@link #open(String, Path, Path, boolean)} needs no OSGi framework.
 */
public final class LocalStore implements WritableStore, AutoCloseable {
	private static final int XATTR_SIZE_MAX = 65536;
	private static final int DENTS_BUFFER = 32768;

	private final LibC libc;
	private final String id;
	private final Path root;
	private final URI location;
	private final FdGuard rootFd;
	private final boolean readOnly;
	private final boolean privileged;
	private final Path workPath;
	private final LocalStore work;
	private final DirFds dirs = new DirFds(this::openDir);
	/** False once the kernel answered ENOSYS to fchmodat2 (before Linux 6.6). */
	private volatile boolean hasFchmodat2 = true;

	private LocalStore(LibC libc, String id, Path root, Path realRoot, int rootFd, boolean readOnly,
			boolean privileged, Path workPath, LocalStore work) {
		this.libc = libc;
		this.id = id;
		this.root = root;
		this.location = realRoot.toUri();
		this.rootFd = new FdGuard(rootFd);
		this.readOnly = readOnly;
		this.privileged = privileged;
		this.workPath = workPath;
		this.work = work;
	}

	/**
	 * Opens a store over the folder {@code root}.
	 *
	 * @param id the store id (in messages and the service property)
	 * @param root the store's folder; it must exist and be a directory (a symlink to one is followed here, once)
	 * @param work the work area, on the same mount as {@code root} and neither inside it nor containing it; created
	 *            if missing (not for a read-only store); null for none
	 * @param readOnly every change gives EROFS
	 * @throws FsException ENOENT, ENOTDIR, EXDEV or EINVAL naming the store and the folder at fault
	 */
	public static LocalStore open(String id, Path root, Path work, boolean readOnly) throws FsException {
		if (id == null || id.isBlank()) {
			throw new FsException(Errno.EINVAL, "a local store needs an id");
		}
		if (root == null) {
			throw new FsException(Errno.EINVAL, "store '" + id + "': no folder given");
		}
		LibC libc = Native.libc();
		Path rootPath = root.toAbsolutePath().normalize();
		int rfd = openFolder(libc, id, rootPath, "folder");
		LocalStore workStore = null;
		Path workPath = null;
		boolean ok = false;
		try {
			Path rootReal = rootPath.toRealPath();
			byte[] rootStat = statFd(libc, rfd);
			boolean privileged = libc.geteuid() == 0;
			if (work != null) {
				workPath = work.toAbsolutePath().normalize();
				Path existing = workPath;
				while (existing != null && !Files.exists(existing)) {
					existing = existing.getParent();
				}
				if (existing == null) {
					throw new FsException(Errno.ENOENT, "store '" + id + "': no part of work folder " + workPath
							+ " exists");
				}
				Path workReal = existing.toRealPath().resolve(existing.relativize(workPath)).normalize();
				if (workReal.equals(rootReal)) {
					throw new FsException(Errno.EINVAL,
							"store '" + id + "': work folder " + workPath + " is the store's folder " + rootPath);
				}
				if (workReal.startsWith(rootReal)) {
					throw new FsException(Errno.EINVAL, "store '" + id + "': work folder " + workPath
							+ " is inside the store's folder " + rootPath);
				}
				if (rootReal.startsWith(workReal)) {
					throw new FsException(Errno.EINVAL, "store '" + id + "': the store's folder " + rootPath
							+ " is inside its work folder " + workPath);
				}
				checkSameMount(libc, id, rootPath, rootStat, existing, workPath);
				if (!readOnly) {
					if (!existing.equals(workPath)) {
						try {
							Files.createDirectories(workPath);
						} catch (IOException e) {
							throw new FsException(FsException.errnoOf(e), null,
									"store '" + id + "': cannot create work folder " + workPath + ": " + e, e);
						}
					}
					int wfd = openFolder(libc, id, workPath, "work folder");
					try {
						checkSameMount(libc, id, rootPath, rootStat, workPath, workPath);
					} catch (FsException e) {
						libc.close(wfd);
						throw e;
					}
					workStore = new LocalStore(libc, id + "/work", workPath, workPath.toRealPath(), wfd, false,
							privileged, null, null);
				}
			}
			LocalStore store = new LocalStore(libc, id, rootPath, rootReal, rfd, readOnly, privileged, workPath,
					workStore);
			ok = true;
			return store;
		} catch (IOException e) {
			throw FsException.of(e, null);
		} finally {
			if (!ok) {
				libc.close(rfd);
				if (workStore != null) {
					workStore.close();
				}
			}
		}
	}

	private static int openFolder(LibC libc, String id, Path folder, String what) throws FsException {
		int fd = libc.openat(Native.AT_FDCWD, Native.cstr(folder.toString()),
				Native.O_PATH | Native.O_DIRECTORY | Native.O_CLOEXEC, 0);
		if (fd < 0) {
			int errno = Native.errno();
			Errno e = Errno.of(errno);
			String reason = switch (e) {
				case ENOENT -> what + " " + folder + " does not exist";
				case ENOTDIR -> what + " " + folder + " is not a directory";
				default -> "cannot open " + what + " " + folder + ": " + e.description();
			};
			throw new FsException(e, null, "store '" + id + "': " + reason);
		}
		return fd;
	}

	private static byte[] statFd(LibC libc, int fd) throws FsException {
		byte[] raw = new byte[Native.STATX_SIZE];
		if (libc.statx(fd, Native.EMPTY, Native.AT_EMPTY_PATH, Native.STATX_BASIC_STATS | Native.STATX_MNT_ID,
				raw) != 0) {
			throw Native.error("statx", null);
		}
		return raw;
	}

	/** EXDEV unless {@code folder} is on the same mount as the root (rename(2) between them works). */
	private static void checkSameMount(LibC libc, String id, Path rootPath, byte[] rootStat, Path folder,
			Path workPath) throws FsException {
		byte[] raw = new byte[Native.STATX_SIZE];
		if (libc.statx(Native.AT_FDCWD, Native.cstr(folder.toString()), 0,
				Native.STATX_BASIC_STATS | Native.STATX_MNT_ID, raw) != 0) {
			throw Native.error("statx", null);
		}
		FileAttributes r = Native.decodeStatx(rootStat);
		FileAttributes w = Native.decodeStatx(raw);
		long rm = Native.statxMountId(rootStat);
		long wm = Native.statxMountId(raw);
		if (r.dev() != w.dev() || (rm >= 0 && wm >= 0 && rm != wm)) {
			throw new FsException(Errno.EXDEV, "store '" + id + "': work folder " + workPath
					+ " is on a different file system than the store's folder " + rootPath);
		}
	}

	@Override
	public String id() {
		return id;
	}

	/** The {@code file:} URI of the store's folder, symlinks in the configured path resolved. */
	@Override
	public URI location() {
		return location;
	}

	/** The store's folder (absolute). */
	public Path root() {
		return root;
	}

	/** The work folder, or null. */
	public Path workFolder() {
		return workPath;
	}

	public boolean isReadOnly() {
		return readOnly;
	}

	@Override
	public boolean isPrivileged() {
		return privileged;
	}

	/** Releases the root descriptor (after running operations end); later operations fail with EIO. */
	@Override
	public void close() {
		dirs.close();
		rootFd.close();
		if (work != null) {
			work.close();
		}
	}

	@Override
	public String toString() {
		return "LocalStore[" + id + " at " + root + (readOnly ? ", read-only]" : "]");
	}

	// ---------------------------------------------------------------------------------------------------------
	// resolution

	@FunctionalInterface
	private interface AtOp<T> {
		T apply(int dirfd, byte[] name) throws FsException;
	}

	private int enter() throws FsException {
		if (!rootFd.enter()) {
			throw new FsException(Errno.EIO, null, "store '" + id + "' is closed");
		}
		return rootFd.fd();
	}

	/** Runs {@code op} on the parent directory's fd and the last name ({@code .} for the root). */
	private <T> T at(FsPath path, AtOp<T> op) throws FsException {
		int rfd = enter();
		try {
			byte[] name = path.isRoot() ? Native.DOT : Native.cstr(path.name());
			if (path.depth() <= 1) {
				return op.apply(rfd, name);
			}
			FdGuard dir = dirs.acquireParent(path);
			try {
				return op.apply(dir.fd(), name);
			} finally {
				dir.leave();
			}
		} finally {
			rootFd.leave();
		}
	}

	/**
	 * A new O_PATH fd of the directory {@code dir} (not the root), resolved below the root; errors name
	 * {@code entry}. The caller holds the root fd.
	 */
	private int openDir(FsPath dir, FsPath entry) throws FsException {
		int rfd = rootFd.fd();
		byte[] parent = Native.cstr(dir.toString());
		long[] how = { Native.O_PATH | Native.O_DIRECTORY | Native.O_CLOEXEC, 0,
				Native.RESOLVE_BENEATH | Native.RESOLVE_NO_SYMLINKS | Native.RESOLVE_NO_MAGICLINKS };
		for (int attempt = 0;; attempt++) {
			long fd = libc.syscall(Native.SYS_OPENAT2, rfd, parent, how, 24);
			if (fd >= 0) {
				return (int) fd;
			}
			int errno = Native.errno();
			if ((errno == Native.EAGAIN || errno == Native.EINTR) && attempt < 16) {
				continue;
			}
			throw Native.error(errno, "resolve parent", entry);
		}
	}

	private void checkWritable(FsPath path) throws FsException {
		if (readOnly) {
			throw FsException.readOnly(path);
		}
	}

	private boolean setsOwner(Caller owner) {
		return privileged && owner != null && !owner.isProcess();
	}

	private byte[] statAt(int dfd, byte[] name, FsPath path) throws FsException {
		byte[] raw = new byte[Native.STATX_SIZE];
		if (libc.statx(dfd, name, Native.AT_SYMLINK_NOFOLLOW | Native.AT_NO_AUTOMOUNT, Native.STATX_BASIC_STATS,
				raw) != 0) {
			throw Native.error("lstat", path);
		}
		return raw;
	}

	// ---------------------------------------------------------------------------------------------------------
	// read side

	@Override
	public FileAttributes stat(FsPath path) throws FsException {
		return at(path, (dfd, name) -> Native.decodeStatx(statAt(dfd, name, path)));
	}

	@Override
	public List<DirEntry> list(FsPath dir) throws FsException {
		return at(dir, (dfd, name) -> {
			int fd = libc.openat(dfd, name,
					Native.O_RDONLY | Native.O_DIRECTORY | Native.O_NOFOLLOW | Native.O_CLOEXEC, 0);
			if (fd < 0) {
				int errno = Native.errno();
				if (errno == Errno.ELOOP.code()) {
					// the name is a symlink: not a directory, and never followed
					throw new FsException(Errno.ENOTDIR, dir, "readdir: symlink is not a directory");
				}
				throw Native.error(errno, "opendir", dir);
			}
			try {
				return readDir(fd, dir);
			} finally {
				libc.close(fd);
			}
		});
	}

	private List<DirEntry> readDir(int fd, FsPath dir) throws FsException {
		List<DirEntry> entries = new ArrayList<>();
		byte[] buf = new byte[DENTS_BUFFER];
		ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
		for (;;) {
			long n = libc.getdents64(fd, buf, buf.length);
			if (n < 0) {
				if (Native.errno() == Native.EINTR) {
					continue;
				}
				throw Native.error("getdents64", dir);
			}
			if (n == 0) {
				return entries;
			}
			int off = 0;
			while (off < n) {
				long ino = b.getLong(off);
				int reclen = b.getShort(off + 16) & 0xffff;
				int dtype = buf[off + 18] & 0xff;
				int start = off + 19;
				int end = start;
				while (end < off + reclen && buf[end] != 0) {
					end++;
				}
				off += reclen;
				int len = end - start;
				if ((len == 1 && buf[start] == '.') || (len == 2 && buf[start] == '.' && buf[start + 1] == '.')) {
					continue;
				}
				String name = new String(buf, start, len, StandardCharsets.UTF_8);
				FileType type = Native.ofDirentType(dtype);
				if (type == null) {
					byte[] raw = new byte[Native.STATX_SIZE];
					byte[] cname = new byte[len + 1];
					System.arraycopy(buf, start, cname, 0, len);
					if (libc.statx(fd, cname, Native.AT_SYMLINK_NOFOLLOW | Native.AT_NO_AUTOMOUNT,
							Native.STATX_BASIC_STATS, raw) != 0) {
						if (Native.errno() == Errno.ENOENT.code()) {
							continue; // removed meanwhile
						}
						throw Native.error("lstat", dir.resolve(name));
					}
					type = FileType.ofMode(Native.statxMode(raw));
				}
				entries.add(new DirEntry(name, type, ino));
			}
		}
	}

	@Override
	public FileData open(FsPath path) throws FsException {
		return openRegular(path, Native.O_RDONLY, "open");
	}

	/**
	 * Opens the regular file {@code path}: an O_PATH|O_NOFOLLOW fd first (no side effects on devices or fifos,
	 * never follows), its type checked, then reopened through /proc/self/fd with the access mode.
	 */
	private LocalFileData openRegular(FsPath path, int access, String op) throws FsException {
		int fd = at(path, (dfd, name) -> {
			int pfd = libc.openat(dfd, name, Native.O_PATH | Native.O_NOFOLLOW | Native.O_CLOEXEC, 0);
			if (pfd < 0) {
				throw Native.error(op, path);
			}
			try {
				byte[] raw = new byte[Native.STATX_SIZE];
				if (libc.statx(pfd, Native.EMPTY, Native.AT_EMPTY_PATH, Native.STATX_BASIC_STATS, raw) != 0) {
					throw Native.error(op, path);
				}
				FileType type = FileType.ofMode(Native.statxMode(raw));
				switch (type) {
					case REGULAR:
						break;
					case DIRECTORY:
						throw new FsException(Errno.EISDIR, path, op + ": is a directory");
					case SYMLINK:
						throw new FsException(Errno.ELOOP, path, op + ": is a symlink (never followed)");
					default:
						throw new FsException(Errno.EINVAL, path, op + ": not a regular file but a " + type);
				}
				int f = libc.openat(Native.AT_FDCWD, Native.cstr("/proc/self/fd/" + pfd),
						access | Native.O_CLOEXEC | Native.O_NOCTTY, 0);
				if (f < 0) {
					throw Native.error(op, path);
				}
				return f;
			} finally {
				libc.close(pfd);
			}
		});
		return new LocalFileData(libc, fd, path);
	}

	@Override
	public String readlink(FsPath path) throws FsException {
		return at(path, (dfd, name) -> {
			byte[] buf = new byte[FsPath.PATH_MAX + 1];
			long n = libc.readlinkat(dfd, name, buf, buf.length);
			if (n < 0) {
				throw Native.error("readlink", path);
			}
			return new String(buf, 0, (int) n, StandardCharsets.UTF_8);
		});
	}

	/** The path of an entry for the l*xattr calls: through the parent fd in /proc, the last name not followed. */
	private static byte[] procPath(int dfd, byte[] name) {
		byte[] prefix = ("/proc/self/fd/" + dfd + "/").getBytes(StandardCharsets.US_ASCII);
		byte[] p = new byte[prefix.length + name.length];
		System.arraycopy(prefix, 0, p, 0, prefix.length);
		System.arraycopy(name, 0, p, prefix.length, name.length);
		return p;
	}

	@Override
	public byte[] getxattr(FsPath path, String name) throws FsException {
		byte[] xname = xattrName(path, name);
		return at(path, (dfd, n) -> {
			byte[] p = procPath(dfd, n);
			int size = 256;
			for (int attempt = 0;; attempt++) {
				byte[] buf = new byte[size];
				long r = libc.lgetxattr(p, xname, buf, buf.length);
				if (r >= 0) {
					byte[] value = new byte[(int) r];
					System.arraycopy(buf, 0, value, 0, (int) r);
					return value;
				}
				int errno = Native.errno();
				if (errno != Native.ERANGE || attempt > 8) {
					throw Native.error(errno, "getxattr " + name, path);
				}
				long needed = libc.lgetxattr(p, xname, new byte[0], 0);
				if (needed < 0) {
					throw Native.error("getxattr " + name, path);
				}
				size = (int) Math.min(Math.max(needed, size * 2L), XATTR_SIZE_MAX);
			}
		});
	}

	@Override
	public List<String> listxattr(FsPath path) throws FsException {
		return at(path, (dfd, n) -> {
			byte[] p = procPath(dfd, n);
			int size = 1024;
			for (int attempt = 0;; attempt++) {
				byte[] buf = new byte[size];
				long r = libc.llistxattr(p, buf, buf.length);
				if (r >= 0) {
					List<String> names = new ArrayList<>();
					int start = 0;
					for (int i = 0; i < r; i++) {
						if (buf[i] == 0) {
							if (i > start) {
								names.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
							}
							start = i + 1;
						}
					}
					return Collections.unmodifiableList(names);
				}
				int errno = Native.errno();
				if (errno != Native.ERANGE || attempt > 8) {
					throw Native.error(errno, "listxattr", path);
				}
				long needed = libc.llistxattr(p, new byte[0], 0);
				if (needed < 0) {
					throw Native.error("listxattr", path);
				}
				size = (int) Math.min(Math.max(needed, size * 2L), XATTR_SIZE_MAX);
			}
		});
	}

	private static byte[] xattrName(FsPath path, String name) throws FsException {
		if (name == null || name.isEmpty() || name.indexOf('\0') >= 0) {
			throw new FsException(Errno.EINVAL, path, "bad extended attribute name");
		}
		return Native.cstr(name);
	}

	@Override
	public StatFs statfs() throws FsException {
		int rfd = enter();
		try {
			byte[] raw = new byte[Native.STATFS_SIZE];
			if (libc.fstatfs(rfd, raw) != 0) {
				throw Native.error("statfs", FsPath.ROOT);
			}
			ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
			long bsize = b.getLong(8);
			long frsize = b.getLong(72);
			return new StatFs(frsize > 0 ? frsize : bsize, b.getLong(16), b.getLong(24), b.getLong(32),
					b.getLong(40), b.getLong(48), (int) b.getLong(64));
		} finally {
			rootFd.leave();
		}
	}

	// ---------------------------------------------------------------------------------------------------------
	// write side

	@Override
	public FileData openWritable(FsPath path) throws FsException {
		checkWritable(path);
		return openRegular(path, Native.O_RDWR, "open");
	}

	@Override
	public FileData create(FsPath path, int mode, Caller owner) throws FsException {
		checkWritable(path);
		int perm = mode & FileAttributes.PERMISSION_BITS;
		int fd = at(path, (dfd, name) -> {
			int f = libc.openat(dfd, name,
					Native.O_CREAT | Native.O_EXCL | Native.O_RDWR | Native.O_NOFOLLOW | Native.O_CLOEXEC, perm);
			if (f < 0) {
				throw Native.error("create", path);
			}
			try {
				// owner first: chown clears setuid/setgid, the exact mode is applied after it
				if (setsOwner(owner) && libc.fchown(f, owner.uid(), owner.gid()) != 0) {
					throw Native.error("chown", path);
				}
				if (libc.fchmod(f, perm) != 0) {
					throw Native.error("chmod", path);
				}
				return f;
			} catch (FsException e) {
				libc.close(f);
				libc.unlinkat(dfd, name, 0);
				throw e;
			}
		});
		return new LocalFileData(libc, fd, path);
	}

	@Override
	public void mkdir(FsPath path, int mode, Caller owner) throws FsException {
		checkWritable(path);
		int perm = mode & FileAttributes.PERMISSION_BITS;
		at(path, (dfd, name) -> {
			if (libc.mkdirat(dfd, name, perm) != 0) {
				throw Native.error("mkdir", path);
			}
			int f = libc.openat(dfd, name, Native.O_RDONLY | Native.O_DIRECTORY | Native.O_NOFOLLOW | Native.O_CLOEXEC,
					0);
			if (f < 0) {
				throw Native.error("mkdir", path);
			}
			try {
				if (setsOwner(owner) && libc.fchown(f, owner.uid(), owner.gid()) != 0) {
					throw Native.error("chown", path);
				}
				if (libc.fchmod(f, perm) != 0) {
					throw Native.error("chmod", path);
				}
			} catch (FsException e) {
				libc.unlinkat(dfd, name, Native.AT_REMOVEDIR);
				throw e;
			} finally {
				libc.close(f);
			}
			return null;
		});
	}

	@Override
	public void mknod(FsPath path, FileType type, int mode, long rdev, Caller owner) throws FsException {
		checkWritable(path);
		if (type == FileType.DIRECTORY || type == FileType.SYMLINK) {
			throw new FsException(Errno.EINVAL, path, "mknod cannot make a " + type + ": use mkdir or symlink");
		}
		int perm = mode & FileAttributes.PERMISSION_BITS;
		at(path, (dfd, name) -> {
			if (libc.mknodat(dfd, name, type.bits() | perm, rdev) != 0) {
				throw Native.error("mknod", path);
			}
			try {
				if (setsOwner(owner) && libc.fchownat(dfd, name, owner.uid(), owner.gid(),
						Native.AT_SYMLINK_NOFOLLOW) != 0) {
					throw Native.error("chown", path);
				}
				chmodAt(dfd, name, perm, path);
			} catch (FsException e) {
				libc.unlinkat(dfd, name, 0);
				throw e;
			}
			return null;
		});
	}

	@Override
	public void symlink(FsPath link, String target, Caller owner) throws FsException {
		checkWritable(link);
		if (target == null || target.isEmpty() || target.indexOf('\0') >= 0) {
			throw new FsException(Errno.EINVAL, link, "symlink: empty target or target with NUL");
		}
		byte[] t = Native.cstr(target);
		if (t.length > FsPath.PATH_MAX) {
			throw new FsException(Errno.ENAMETOOLONG, link, "symlink: target longer than PATH_MAX");
		}
		at(link, (dfd, name) -> {
			if (libc.symlinkat(t, dfd, name) != 0) {
				throw Native.error("symlink", link);
			}
			if (setsOwner(owner)
					&& libc.fchownat(dfd, name, owner.uid(), owner.gid(), Native.AT_SYMLINK_NOFOLLOW) != 0) {
				FsException e = Native.error("chown", link);
				libc.unlinkat(dfd, name, 0);
				throw e;
			}
			return null;
		});
	}

	@Override
	public void link(FsPath existing, FsPath link) throws FsException {
		checkWritable(link);
		at(existing, (edfd, ename) -> at(link, (ldfd, lname) -> {
			if (libc.linkat(edfd, ename, ldfd, lname, 0) != 0) {
				throw Native.error("link " + existing.toAbsoluteString() + " ->", link);
			}
			return null;
		}));
	}

	@Override
	public void unlink(FsPath path) throws FsException {
		checkWritable(path);
		at(path, (dfd, name) -> {
			if (libc.unlinkat(dfd, name, 0) != 0) {
				throw Native.error("unlink", path);
			}
			return null;
		});
	}

	@Override
	public void rmdir(FsPath path) throws FsException {
		checkWritable(path);
		if (path.isRoot()) {
			throw new FsException(Errno.EBUSY, path, "rmdir: the store's root");
		}
		try {
			at(path, (dfd, name) -> {
				if (libc.unlinkat(dfd, name, Native.AT_REMOVEDIR) != 0) {
					throw Native.error("rmdir", path);
				}
				return null;
			});
		} finally {
			dirs.invalidate(path);
		}
	}

	@Override
	public void rename(FsPath from, FsPath to, boolean replace) throws FsException {
		checkWritable(to);
		if (from.isRoot() || to.isRoot()) {
			throw new FsException(Errno.EBUSY, from.isRoot() ? from : to, "rename: the store's root");
		}
		try {
			at(from, (fdfd, fname) -> at(to, (tdfd, tname) -> {
				if (libc.renameat2(fdfd, fname, tdfd, tname, replace ? 0 : Native.RENAME_NOREPLACE) != 0) {
					throw Native.error("rename " + from.toAbsoluteString() + " ->", to);
				}
				return null;
			}));
		} finally {
			dirs.invalidate(from);
			dirs.invalidate(to);
		}
	}

	@Override
	public void setattr(FsPath path, AttributeChange change) throws FsException {
		checkWritable(path);
		if (change.isEmpty()) {
			return;
		}
		at(path, (dfd, name) -> {
			// owner first (chown clears setuid/setgid), then mode, then times (chmod and chown change only ctime)
			if (change.changesOwner()) {
				int uid = change.uid() != null ? change.uid() : -1;
				int gid = change.gid() != null ? change.gid() : -1;
				if (libc.fchownat(dfd, name, uid, gid, Native.AT_SYMLINK_NOFOLLOW) != 0) {
					throw Native.error("chown", path);
				}
			}
			if (change.mode() != null) {
				chmodAt(dfd, name, change.mode() & FileAttributes.PERMISSION_BITS, path);
			}
			if (change.changesTimes()) {
				long[] ts = new long[4];
				timespec(change.atimeNs(), ts, 0);
				timespec(change.mtimeNs(), ts, 2);
				if (libc.utimensat(dfd, name, ts, Native.AT_SYMLINK_NOFOLLOW) != 0) {
					throw Native.error("utimens", path);
				}
			}
			return null;
		});
	}

	private static void timespec(Long ns, long[] ts, int i) {
		if (ns == null) {
			ts[i] = 0;
			ts[i + 1] = Native.UTIME_OMIT;
		} else if (ns == AttributeChange.NOW) {
			ts[i] = 0;
			ts[i + 1] = Native.UTIME_NOW;
		} else {
			ts[i] = Math.floorDiv(ns, 1_000_000_000L);
			ts[i + 1] = Math.floorMod(ns, 1_000_000_000L);
		}
	}

	/**
	 * chmod of {@code name} without following it: fchmodat2(AT_SYMLINK_NOFOLLOW), one system call, where the
	 * kernel has it; else an O_PATH|O_NOFOLLOW fd, chmod through /proc/self/fd (what glibc's
	 * fchmodat(AT_SYMLINK_NOFOLLOW) does). A symlink's mode cannot be changed on Linux: ignored.
	 */
	private void chmodAt(int dfd, byte[] name, int mode, FsPath path) throws FsException {
		if (hasFchmodat2) {
			if (libc.syscall(Native.SYS_FCHMODAT2, dfd, name, mode, Native.AT_SYMLINK_NOFOLLOW) == 0) {
				return;
			}
			int errno = Native.errno();
			if (errno == Native.ENOSYS) {
				hasFchmodat2 = false;
			} else if (errno != Native.ENOTSUP) {
				throw Native.error(errno, "chmod", path);
			}
			// ENOTSUP: a symlink, or a file system that refuses it this way: the long way tells which
		}
		int pfd = libc.openat(dfd, name, Native.O_PATH | Native.O_NOFOLLOW | Native.O_CLOEXEC, 0);
		if (pfd < 0) {
			throw Native.error("chmod", path);
		}
		try {
			byte[] raw = new byte[Native.STATX_SIZE];
			if (libc.statx(pfd, Native.EMPTY, Native.AT_EMPTY_PATH, Native.STATX_BASIC_STATS, raw) != 0) {
				throw Native.error("chmod", path);
			}
			if ((Native.statxMode(raw) & FileType.S_IFMT) == FileType.SYMLINK.bits()) {
				return;
			}
			if (libc.chmod(Native.cstr("/proc/self/fd/" + pfd), mode) != 0) {
				throw Native.error("chmod", path);
			}
		} finally {
			libc.close(pfd);
		}
	}

	@Override
	public void truncate(FsPath path, long size) throws FsException {
		checkWritable(path);
		if (size < 0) {
			throw new FsException(Errno.EINVAL, path, "truncate: negative size " + size);
		}
		try (LocalFileData data = openRegular(path, Native.O_WRONLY, "truncate")) {
			data.truncate(size);
		}
	}

	@Override
	public void setxattr(FsPath path, String name, byte[] value, XattrMode mode) throws FsException {
		checkWritable(path);
		byte[] xname = xattrName(path, name);
		if (value.length > XATTR_SIZE_MAX) {
			throw new FsException(Errno.ERANGE, path, "setxattr " + name + ": value over 64 KiB");
		}
		int flags = switch (mode == null ? XattrMode.SET : mode) {
			case SET -> 0;
			case CREATE -> Native.XATTR_CREATE;
			case REPLACE -> Native.XATTR_REPLACE;
		};
		at(path, (dfd, n) -> {
			byte[] v = value.length == 0 ? new byte[1] : value;
			if (libc.lsetxattr(procPath(dfd, n), xname, v, value.length, flags) != 0) {
				throw Native.error("setxattr " + name, path);
			}
			return null;
		});
	}

	@Override
	public void removexattr(FsPath path, String name) throws FsException {
		checkWritable(path);
		byte[] xname = xattrName(path, name);
		at(path, (dfd, n) -> {
			if (libc.lremovexattr(procPath(dfd, n), xname) != 0) {
				throw Native.error("removexattr " + name, path);
			}
			return null;
		});
	}

	@Override
	public WritableStore work() throws FsException {
		return WorkArea.of(id, readOnly, work);
	}

	@Override
	public void publish(FsPath staged, FsPath target) throws FsException {
		checkWritable(target);
		LocalStore w = (LocalStore) work();
		WorkArea.checkPublish(staged, target);
		try {
			w.at(staged, (sdfd, sname) -> at(target, (tdfd, tname) -> {
				if (libc.renameat2(sdfd, sname, tdfd, tname, 0) != 0) {
					throw Native.error("publish work:" + staged.toAbsoluteString() + " ->", target);
				}
				return null;
			}));
		} finally {
			w.dirs.invalidate(staged);
			dirs.invalidate(target);
		}
	}
}
