package org.mapfs.frontend.fuse;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.DirEntry;
import org.mapfs.api.Entry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.api.RenameMode;
import org.mapfs.api.StatFs;
import org.mapfs.api.XattrMode;

/**
 * The FUSE requests of one {@link Mount}: each request is decoded, served by the mount and answered. The kernel
 * names files by node ids ({@link InodeTable}); the mount by paths.
 * <p>
 * Errors: an {@link FsException} gives its own errno, anything else is logged and gives EIO. Caching: the kernel may
 * keep a repository-only entry and its attributes for {@code repositoryTimeout} (it cannot change under the mount:
 * every change goes through the kernel, which updates its caches itself), other entries for the configured
 * timeouts; file pages are kept across opens ({@code FOPEN_KEEP_CACHE}) for the same reason. New files belong to
 * the calling process's uid and gid; with {@code default_permissions} the kernel checks permissions.
 */
final class MapFsFuse {
	private static final System.Logger LOG = System.getLogger(MapFsFuse.class.getName());

	private static final int O_ACCMODE = 03;
	private static final int O_WRONLY = 01;
	private static final int O_RDWR = 02;
	private static final int O_EXCL = 0200;
	private static final int O_TRUNC = 01000;
	private static final int XATTR_CREATE = 1;
	private static final int XATTR_REPLACE = 2;
	private static final int RENAME_NOREPLACE = 1;
	private static final int R_OK = 4;
	private static final int W_OK = 2;
	private static final int X_OK = 1;
	private static final int NO_REPLY = Integer.MIN_VALUE;

	/**
	 * How the kernel may cache (timeouts in seconds) and the largest write it may send.
	 *
	 * @param entry names in the overlay, and names that do not exist
	 * @param attr attributes of entries in the overlay
	 * @param repository names and attributes of repository-only entries
	 * @param maxWrite bytes, at most {@link FuseKernel#MAX_DATA}
	 */
	record Settings(double entry, double attr, double repository, int maxWrite) {
	}

	/** An open directory; its listing is taken at the first READDIR, and is kept for the later ones. */
	private static final class OpenDir {
		final FsPath path;
		List<DirEntry> entries;
		long ino;
		long parentIno;

		OpenDir(FsPath path) {
			this.path = path;
		}
	}

	/** {@code created}: made by CREATE, so no write to it copies anything up. */
	private record OpenFile(long node, FileHandle handle, boolean created) {
	}

	private final Mount mount;
	private final Settings settings;
	private final InodeTable inodes;
	private final Map<Long, OpenFile> files = new ConcurrentHashMap<>();
	private final Map<Long, OpenDir> dirs = new ConcurrentHashMap<>();
	private final AtomicLong nextHandle = new AtomicLong(1);
	private final CountDownLatch initialized = new CountDownLatch(1);

	MapFsFuse(Mount mount, Settings settings) throws FsException {
		this.mount = mount;
		this.settings = settings;
		this.inodes = new InodeTable(mount.stat(FsPath.ROOT).ino());
	}

	/** The kernel's nodes: what {@link KernelCache} tells it to drop. */
	InodeTable inodes() {
		return inodes;
	}

	/** Waits until the kernel has connected (INIT answered). */
	boolean awaitInit(long timeout, TimeUnit unit) throws InterruptedException {
		return initialized.await(timeout, unit);
	}

	/** Closes the files the kernel did not release (the connection ended under them). */
	void closeAll() {
		for (Long fh : List.copyOf(files.keySet())) {
			OpenFile f = files.remove(fh);
			if (f != null) {
				try {
					f.handle().close();
				} catch (FsException | RuntimeException e) {
					LOG.log(Level.DEBUG, "closing a left-over handle", e);
				}
			}
		}
		dirs.clear();
	}

	/**
	 * Serves one request into {@code out}.
	 *
	 * @return true if {@code out} holds a reply to send (FORGET and INTERRUPT get none)
	 */
	boolean serve(Request in, Reply out) {
		int op = in.opcode();
		out.start(in.unique());
		int error;
		try {
			error = dispatch(op, in.body(), out);
		} catch (FsException e) {
			if (LOG.isLoggable(Level.TRACE)) {
				LOG.log(Level.TRACE, "FUSE op " + op + " on node " + in.nodeId() + ": " + e.getMessage());
			}
			error = -e.errno().code();
		} catch (RuntimeException | Error e) {
			LOG.log(Level.ERROR, "FUSE op " + op + " on node " + in.nodeId() + " failed", e);
			error = -Errno.EIO.code();
		}
		if (error == NO_REPLY) {
			return false;
		}
		out.finish(error);
		return true;
	}

	/**
	 * True if serving {@code in} may take long: data I/O, fsync, and what may copy a file up (a write to a file
	 * that was not created here, a truncation, a rename of a file). Its header and first fields are peeked at.
	 */
	boolean mayBlock(Request in) {
		ByteBuffer b = in.buffer;
		return switch (in.opcode()) {
			case FuseKernel.READ, FuseKernel.FSYNC, FuseKernel.RENAME, FuseKernel.RENAME2 -> true;
			case FuseKernel.WRITE -> {
				OpenFile f = files.get(b.getLong(FuseKernel.IN_HEADER));
				yield f == null || !f.created();
			}
			case FuseKernel.OPEN -> (b.getInt(FuseKernel.IN_HEADER) & O_TRUNC) != 0;
			case FuseKernel.SETATTR -> (b.getInt(FuseKernel.IN_HEADER) & FuseKernel.FATTR_SIZE) != 0;
			default -> false;
		};
	}

	private int dispatch(int op, Request in, Reply out) throws FsException {
		long node = in.nodeId();
		return switch (op) {
			case FuseKernel.INIT -> init(in, out);
			case FuseKernel.DESTROY -> 0;
			case FuseKernel.LOOKUP -> lookup(node, in.string(), out);
			case FuseKernel.FORGET -> {
				inodes.forget(node, in.u64());
				yield NO_REPLY;
			}
			case FuseKernel.BATCH_FORGET -> {
				int count = in.u32();
				in.skip(4);
				for (int i = 0; i < count; i++) {
					inodes.forget(in.u64(), in.u64());
				}
				yield NO_REPLY;
			}
			case FuseKernel.INTERRUPT -> NO_REPLY;
			case FuseKernel.GETATTR -> getattr(node, in, out);
			case FuseKernel.SETATTR -> setattr(node, in, out);
			case FuseKernel.ACCESS -> access(node, in.u32(), in.caller());
			case FuseKernel.READLINK -> {
				out.bytes(mount.readlink(inodes.path(node)).getBytes(UTF_8));
				yield 0;
			}
			case FuseKernel.STATFS -> statfs(out);
			case FuseKernel.MKNOD -> mknod(node, in, out);
			case FuseKernel.MKDIR -> {
				int mode = in.u32();
				in.skip(4);
				String name = in.string();
				mount.mkdir(inodes.child(node, name), mode & FileAttributes.PERMISSION_BITS, in.caller());
				yield lookup(node, name, out);
			}
			case FuseKernel.SYMLINK -> {
				String name = in.string();
				String target = in.string();
				mount.symlink(inodes.child(node, name), target, in.caller());
				yield lookup(node, name, out);
			}
			case FuseKernel.LINK -> {
				long existing = in.u64();
				String name = in.string();
				mount.link(inodes.path(existing), inodes.child(node, name));
				yield lookup(node, name, out);
			}
			case FuseKernel.UNLINK, FuseKernel.RMDIR -> {
				String name = in.string();
				FsPath p = inodes.child(node, name);
				if (op == FuseKernel.UNLINK) {
					mount.unlink(p);
				} else {
					mount.rmdir(p);
				}
				inodes.removed(node, name);
				yield 0;
			}
			case FuseKernel.RENAME -> rename(node, in.u64(), 0, in);
			case FuseKernel.RENAME2 -> {
				long newDir = in.u64();
				int flags = in.u32();
				in.skip(4);
				yield rename(node, newDir, flags, in);
			}
			case FuseKernel.OPEN -> open(node, in.u32(), in.u32(), in.caller(), out);
			case FuseKernel.CREATE -> create(node, in, out);
			case FuseKernel.READ -> read(in, out);
			case FuseKernel.WRITE -> write(in, out);
			case FuseKernel.FLUSH, FuseKernel.FSYNCDIR -> 0;
			case FuseKernel.FSYNC -> {
				long fh = in.u64();
				handle(fh).sync((in.u32() & FuseKernel.FSYNC_FDATASYNC) == 0);
				yield 0;
			}
			case FuseKernel.RELEASE -> {
				OpenFile f = files.remove(in.u64());
				if (f != null) {
					f.handle().close();
				}
				yield 0;
			}
			case FuseKernel.OPENDIR -> opendir(node, out);
			case FuseKernel.READDIR -> readdir(node, in, out, false);
			case FuseKernel.READDIRPLUS -> readdir(node, in, out, true);
			case FuseKernel.RELEASEDIR -> {
				dirs.remove(in.u64());
				yield 0;
			}
			case FuseKernel.SETXATTR -> setxattr(node, in);
			case FuseKernel.GETXATTR -> {
				int size = in.u32();
				in.skip(4);
				yield sized(mount.getxattr(inodes.path(node), in.string()), size, out);
			}
			case FuseKernel.LISTXATTR -> {
				int size = in.u32();
				ByteArrayOutputStream names = new ByteArrayOutputStream();
				for (String n : mount.listxattr(inodes.path(node))) {
					names.writeBytes(n.getBytes(UTF_8));
					names.write(0);
				}
				yield sized(names.toByteArray(), size, out);
			}
			case FuseKernel.REMOVEXATTR -> {
				mount.removexattr(inodes.path(node), in.string());
				yield 0;
			}
			default -> -Errno.ENOSYS.code();
		};
	}

	// ---------------------------------------------------------------------------------------------- life

	private int init(Request in, Reply out) {
		int major = in.u32();
		int minor = in.u32();
		int maxReadahead = in.u32();
		int flags = in.u32();
		if (major < FuseKernel.MAJOR || (major == FuseKernel.MAJOR && minor < FuseKernel.MINOR)) {
			LOG.log(Level.ERROR, "the kernel speaks FUSE " + major + "." + minor + ", MapFS needs "
					+ FuseKernel.MAJOR + "." + FuseKernel.MINOR);
			return -Errno.EIO.code();
		}
		int want = FuseKernel.ASYNC_READ | FuseKernel.ATOMIC_O_TRUNC | FuseKernel.BIG_WRITES
				| FuseKernel.DO_READDIRPLUS | FuseKernel.READDIRPLUS_AUTO | FuseKernel.PARALLEL_DIROPS
				| FuseKernel.MAX_PAGES | FuseKernel.CACHE_SYMLINKS | FuseKernel.HANDLE_KILLPRIV_V2;
		out.u32(FuseKernel.MAJOR).u32(FuseKernel.MINOR).u32(maxReadahead).u32(flags & want);
		// max_background and congestion_threshold 0: the kernel's defaults; time_gran 1 ns
		out.u32(0).u32(settings.maxWrite()).u32(1);
		out.buffer.putShort((short) ((settings.maxWrite() + 4095) / 4096)).putShort((short) 0);
		out.zeros(FuseKernel.INIT_OUT - 32);
		initialized.countDown();
		return 0;
	}

	// --------------------------------------------------------------------------------------------- names

	/** LOOKUP, and the reply of every request that makes a name: the entry, counted once more. */
	private int lookup(long parent, String name, Reply out) throws FsException {
		FsPath p = inodes.child(parent, name);
		Entry e;
		try {
			e = mount.lookup(p);
		} catch (FsException x) {
			if (x.errno() != Errno.ENOENT) {
				throw x;
			}
			// a negative entry: the kernel remembers that the name does not exist
			out.entry(0, null, settings.entry(), 0);
			return 0;
		}
		entry(parent, name, e, out);
		return 0;
	}

	/** Writes the entry of a name the kernel is told about, counted once more; returns its node. */
	private long entry(long parent, String name, Entry e, Reply out) throws FsException {
		InodeTable.Inode node = inodes.found(parent, name, e.attributes());
		double t = e.placement().isRepository() ? settings.repository() : settings.entry();
		out.entry(node.nodeId, e.attributes(), t, attrTimeout(e));
		return node.nodeId;
	}

	private int mknod(long parent, Request in, Reply out) throws FsException {
		int mode = in.u32();
		long rdev = in.u32() & 0xffffffffL;
		in.skip(8);
		String name = in.string();
		FsPath p = inodes.child(parent, name);
		FileType type = (mode & FileType.S_IFMT) == 0 ? FileType.REGULAR : FileType.ofMode(mode);
		Caller c = in.caller();
		if (type == FileType.REGULAR) {
			mount.create(p, mode & FileAttributes.PERMISSION_BITS, c, true).close();
		} else {
			mount.mknod(p, type, mode & FileAttributes.PERMISSION_BITS, rdev, c);
		}
		return lookup(parent, name, out);
	}

	private int rename(long parent, long newParent, int flags, Request in) throws FsException {
		String from = in.string();
		String to = in.string();
		if ((flags & ~RENAME_NOREPLACE) != 0) {
			// RENAME_EXCHANGE and RENAME_WHITEOUT: the engine cannot do them atomically
			return -Errno.EINVAL.code();
		}
		RenameMode mode = (flags & RENAME_NOREPLACE) != 0 ? RenameMode.NOREPLACE : RenameMode.REPLACE;
		mount.rename(inodes.child(parent, from), inodes.child(newParent, to), mode);
		inodes.renamed(parent, from, newParent, to);
		return 0;
	}

	// ----------------------------------------------------------------------------------------- attributes

	private double attrTimeout(Entry e) {
		return e.placement().isRepository() ? settings.repository() : settings.attr();
	}

	private int getattr(long node, Request in, Reply out) throws FsException {
		int flags = in.u32();
		in.skip(4);
		long fh = in.u64();
		FileHandle h = (flags & FuseKernel.GETATTR_FH) != 0 ? handleOrNull(fh) : null;
		Entry e = null;
		if (h == null) {
			try {
				e = mount.lookup(inodes.path(node));
			} catch (FsException x) {
				h = x.errno() == Errno.ENOENT ? openHandleOf(node) : null;
				if (h == null) {
					throw x;
				}
			}
		}
		if (h != null) {
			// an open file answers for itself, also once unlinked (nlink 0)
			out.attrOut(h.stat(), settings.attr());
		} else {
			out.attrOut(e.attributes(), attrTimeout(e));
		}
		return 0;
	}

	/** A handle the kernel holds open on {@code node} (an unlinked file has no path left, only its handles). */
	private FileHandle openHandleOf(long node) {
		for (OpenFile f : files.values()) {
			if (f.node() == node) {
				return f.handle();
			}
		}
		return null;
	}

	private int setattr(long node, Request in, Reply out) throws FsException {
		int valid = in.u32();
		in.skip(4);
		long fh = in.u64();
		long size = in.u64();
		in.skip(8);
		long atime = in.u64();
		long mtime = in.u64();
		in.skip(8);
		int atimensec = in.u32();
		int mtimensec = in.u32();
		in.skip(4);
		int mode = in.u32();
		in.skip(4);
		int uid = in.u32();
		int gid = in.u32();
		FileHandle h = (valid & FuseKernel.FATTR_FH) != 0 ? handleOrNull(fh) : null;
		FsPath path = h == null ? inodes.path(node) : null;
		if ((valid & FuseKernel.FATTR_SIZE) != 0) {
			if (h != null) {
				h.truncate(size);
			} else {
				mount.truncate(path, size);
			}
		}
		Integer newMode = (valid & FuseKernel.FATTR_MODE) != 0 ? mode & FileAttributes.PERMISSION_BITS : null;
		if (newMode == null && (valid & FuseKernel.FATTR_KILL_SUIDGID) != 0) {
			FileAttributes a = h != null ? h.stat() : mount.stat(path);
			newMode = a.unprivilegedMode() != a.mode() ? a.unprivilegedMode() : null;
		}
		AttributeChange change = new AttributeChange(newMode,
				(valid & FuseKernel.FATTR_UID) != 0 ? uid : null, (valid & FuseKernel.FATTR_GID) != 0 ? gid : null,
				time(valid, FuseKernel.FATTR_ATIME, FuseKernel.FATTR_ATIME_NOW, atime, atimensec),
				time(valid, FuseKernel.FATTR_MTIME, FuseKernel.FATTR_MTIME_NOW, mtime, mtimensec));
		if (!change.isEmpty()) {
			mount.setattr(path != null ? path : inodes.path(node), change);
		}
		if (h != null) {
			out.attrOut(h.stat(), settings.attr());
		} else {
			Entry e = mount.lookup(path);
			out.attrOut(e.attributes(), attrTimeout(e));
		}
		return 0;
	}

	private static Long time(int valid, int set, int now, long sec, int nsec) {
		if ((valid & now) != 0) {
			return AttributeChange.NOW;
		}
		return (valid & set) != 0 ? sec * 1_000_000_000L + nsec : null;
	}

	/** Reached only without default_permissions (the kernel checks otherwise). */
	private int access(long node, int mask, Caller c) throws FsException {
		FileAttributes a = mount.stat(inodes.path(node));
		if ((mask & W_OK) != 0 && mount.isReadOnly()) {
			return -Errno.EROFS.code();
		}
		int mode = a.mode();
		if (c.uid() == 0) {
			boolean exec = (mask & X_OK) == 0 || a.isDirectory() || (mode & 0111) != 0;
			return exec ? 0 : -Errno.EACCES.code();
		}
		int bits = c.uid() == a.uid() ? mode >> 6 : c.gid() == a.gid() ? mode >> 3 : mode;
		int want = mask & (R_OK | W_OK | X_OK);
		return (bits & want) == want ? 0 : -Errno.EACCES.code();
	}

	private int statfs(Reply out) throws FsException {
		StatFs s = mount.statfs();
		out.u64(s.totalBlocks()).u64(s.freeBlocks()).u64(s.availableBlocks()).u64(s.totalFiles())
				.u64(s.freeFiles());
		out.u32((int) s.blockSize()).u32(s.nameMax() > 0 ? (int) s.nameMax() : FsPath.NAME_MAX)
				.u32((int) s.blockSize()).u32(0).zeros(24);
		return 0;
	}

	// ---------------------------------------------------------------------------------------------- files

	private FileHandle handle(long fh) throws FsException {
		FileHandle h = handleOrNull(fh);
		if (h == null) {
			throw new FsException(Errno.EBADF, "no open file " + fh);
		}
		return h;
	}

	private FileHandle handleOrNull(long fh) {
		OpenFile f = files.get(fh);
		return f == null ? null : f.handle();
	}

	private static Set<OpenFlag> openFlags(int flags) {
		Set<OpenFlag> open = EnumSet.noneOf(OpenFlag.class);
		switch (flags & O_ACCMODE) {
			case O_WRONLY -> open.add(OpenFlag.WRITE);
			case O_RDWR -> {
				open.add(OpenFlag.READ);
				open.add(OpenFlag.WRITE);
			}
			default -> open.add(OpenFlag.READ);
		}
		if ((flags & O_TRUNC) != 0 && open.contains(OpenFlag.WRITE)) {
			open.add(OpenFlag.TRUNCATE);
		}
		return open;
	}

	/** fuse_open_out; pages stay cached across opens, as every change goes through the kernel. */
	private void opened(long node, FileHandle h, boolean created, Reply out) {
		long fh = nextHandle.getAndIncrement();
		files.put(fh, new OpenFile(node, h, created));
		out.u64(fh).u32(FuseKernel.FOPEN_KEEP_CACHE).u32(0);
	}

	private int open(long node, int flags, int openFlags, Caller c, Reply out) throws FsException {
		FsPath path = inodes.path(node);
		FileHandle h = mount.open(path, openFlags(flags), c);
		if ((openFlags & FuseKernel.OPEN_KILL_SUIDGID) != 0 && (flags & O_TRUNC) != 0) {
			try {
				dropPrivileges(path);
			} catch (FsException | RuntimeException e) {
				h.close();
				throw e;
			}
		}
		opened(node, h, false, out);
		return 0;
	}

	/**
	 * Clears setuid, and setgid where group execution is allowed, as Linux does when an unprivileged process
	 * changes a file. With FUSE_HANDLE_KILLPRIV_V2 the kernel leaves that to the file system (it then need not ask
	 * for security.capability before every write); a write does it in the engine.
	 */
	private void dropPrivileges(FsPath path) throws FsException {
		FileAttributes a = mount.stat(path);
		if (a.unprivilegedMode() != a.mode()) {
			mount.setattr(path, AttributeChange.mode(a.unprivilegedMode()));
		}
	}

	private int create(long parent, Request in, Reply out) throws FsException {
		int flags = in.u32();
		int mode = in.u32();
		in.skip(8);
		String name = in.string();
		FileHandle h = mount.create(inodes.child(parent, name), mode & FileAttributes.PERMISSION_BITS, in.caller(),
				(flags & O_EXCL) != 0);
		long node;
		try {
			if ((flags & O_TRUNC) != 0) {
				h.truncate(0);
			}
			node = entry(parent, name, mount.lookup(inodes.child(parent, name)), out);
		} catch (FsException | RuntimeException e) {
			h.close();
			throw e;
		}
		opened(node, h, true, out);
		return 0;
	}

	private int read(Request in, Reply out) throws FsException {
		FileHandle h = handle(in.u64());
		long offset = in.u64();
		int size = in.u32();
		ByteBuffer dst = out.room(size);
		int total = 0;
		while (dst.hasRemaining()) {
			int n = h.read(dst, offset + total);
			if (n <= 0) {
				break;
			}
			total += n;
		}
		out.advance(total);
		return 0;
	}

	private int write(Request in, Reply out) throws FsException {
		FileHandle h = handle(in.u64());
		long offset = in.u64();
		int size = in.u32();
		in.skip(FuseKernel.WRITE_IN - 20);
		ByteBuffer src = in.data(size);
		int done = 0;
		while (src.hasRemaining()) {
			int n = h.write(src, offset + done);
			if (n <= 0) {
				throw new FsException(Errno.EIO, "write made no progress at " + (offset + done));
			}
			done += n;
		}
		out.u32(done).u32(0);
		return 0;
	}

	// ---------------------------------------------------------------------------------------- directories

	/**
	 * The kernel may keep a listing across opens ({@code FOPEN_CACHE_DIR}) and drops it when the directory changes
	 * through it; then it opens the directory but reads nothing, so the listing is taken only at the first READDIR.
	 * It is taken once: offsets into it stay stable however many getdents calls read it.
	 */
	private int opendir(long node, Reply out) throws FsException {
		FsPath p = inodes.path(node);
		if (!mount.stat(p).isDirectory()) {
			return -Errno.ENOTDIR.code();
		}
		long fh = nextHandle.getAndIncrement();
		dirs.put(fh, new OpenDir(p));
		out.u64(fh).u32(FuseKernel.FOPEN_KEEP_CACHE | FuseKernel.FOPEN_CACHE_DIR).u32(0);
		return 0;
	}

	private void list(OpenDir dir) throws FsException {
		FsPath p = dir.path;
		dir.ino = mount.stat(p).ino();
		dir.parentIno = p.isRoot() ? dir.ino : mount.stat(p.parent()).ino();
		dir.entries = mount.list(p);
	}

	/** {@code fuse_dirent}s (or {@code fuse_direntplus}) from {@code offset}, as many as fit. */
	private int readdir(long node, Request in, Reply out, boolean plus) throws FsException {
		long fh = in.u64();
		long offset = in.u64();
		int size = in.u32();
		OpenDir dir = dirs.get(fh);
		if (dir == null) {
			throw new FsException(Errno.EBADF, "no open directory " + fh);
		}
		// the kernel sends one READDIR of an open directory at a time, but not always to the same thread
		synchronized (dir) {
			if (dir.entries == null) {
				list(dir);
			}
		}
		int limit = out.buffer.position() + Math.min(size, out.remaining());
		int count = dir.entries.size() + 2;
		for (long i = offset; i < count; i++) {
			String name;
			FileType type;
			long ino;
			if (i < 2) {
				name = i == 0 ? "." : "..";
				type = FileType.DIRECTORY;
				ino = i == 0 ? dir.ino : dir.parentIno;
			} else {
				DirEntry d = dir.entries.get((int) (i - 2));
				name = d.name();
				type = d.type();
				ino = d.ino();
			}
			byte[] b = name.getBytes(UTF_8);
			int len = FuseKernel.DIRENT + ((b.length + 7) & ~7) + (plus ? FuseKernel.ENTRY_OUT : 0);
			if (out.buffer.position() + len > limit) {
				break;
			}
			if (plus) {
				Entry e = i < 2 ? null : lookupQuietly(node, name);
				if (e == null) {
					out.entry(0, null, 0, 0);
				} else {
					entry(node, name, e, out);
					ino = e.attributes().ino();
					type = e.attributes().type();
				}
			}
			// d_type is the file type's mode bits shifted down, as in the kernel's dirent
			out.u64(ino).u64(i + 1).u32(b.length).u32(type.bits() >>> 12).bytes(b)
					.zeros(((b.length + 7) & ~7) - b.length);
		}
		return 0;
	}

	/** An entry for readdirplus; null if it went away since opendir (then the kernel looks it up itself). */
	private Entry lookupQuietly(long parent, String name) throws FsException {
		try {
			return mount.lookup(inodes.child(parent, name));
		} catch (FsException e) {
			if (e.errno() == Errno.ENOENT || e.errno() == Errno.ENAMETOOLONG) {
				return null;
			}
			throw e;
		}
	}

	// --------------------------------------------------------------------------------- extended attributes

	private int setxattr(long node, Request in) throws FsException {
		int size = in.u32();
		int flags = in.u32();
		String name = in.string();
		byte[] value = in.bytes(size);
		XattrMode mode = (flags & XATTR_CREATE) != 0 ? XattrMode.CREATE
				: (flags & XATTR_REPLACE) != 0 ? XattrMode.REPLACE : XattrMode.SET;
		mount.setxattr(inodes.path(node), name, value, mode);
		return 0;
	}

	/** The size protocol of getxattr and listxattr: size 0 asks for the length. */
	private static int sized(byte[] value, int size, Reply out) {
		if (size == 0) {
			out.u32(value.length).u32(0);
			return 0;
		}
		if (size < value.length) {
			return -Errno.ERANGE.code();
		}
		out.bytes(value);
		return 0;
	}
}
