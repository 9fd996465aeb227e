package org.mapfs.frontend.fuse;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.DirEntry;
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

import com.kenai.jffi.MemoryIO;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The FUSE operations of one {@link Mount}, for libfuse 2's path-based high-level API through jnr-fuse.
 * <p>
 * Every operation returns 0 or {@code -errno}: an {@link FsException} gives its own errno, anything else is logged
 * and gives EIO; nothing is thrown into the FUSE threads. Open files are MapFS {@link FileHandle}s kept in a map
 * under the number stored in {@code fuse_file_info.fh}. New files belong to the calling process's uid and gid
 * ({@code fuse_get_context}); with {@code default_permissions} the kernel checks permissions as on any file system.
 * <p>
 * Use it through {@link FuseFrontEnd}, which mounts, waits until the kernel is connected, and unmounts.
 */
public final class MapFsFuse extends FuseStubFS {
	private static final System.Logger LOG = System.getLogger(MapFsFuse.class.getName());

	private static final int O_ACCMODE = 03;
	private static final int O_WRONLY = 01;
	private static final int O_RDWR = 02;
	private static final int O_EXCL = 0200;
	private static final int O_TRUNC = 01000;
	private static final long UTIME_NOW = (1L << 30) - 1;
	private static final long UTIME_OMIT = (1L << 30) - 2;
	private static final int XATTR_CREATE = 1;
	private static final int XATTR_REPLACE = 2;
	private static final int R_OK = 4;
	private static final int W_OK = 2;
	private static final int X_OK = 1;
	private static final int ENOMEM = 12;
	private static final int BLOCK_SIZE = 4096;
	private static final long NS = 1_000_000_000L;
	private static final Pattern HIDDEN = Pattern.compile("\\.fuse_hidden[0-9a-f]{16}");

	private final Mount mount;
	private final Map<Long, FileHandle> handles = new ConcurrentHashMap<>();
	private final AtomicLong nextHandle = new AtomicLong(1);
	private final CountDownLatch initialized = new CountDownLatch(1);
	private final jnr.ffi.Runtime runtime = jnr.ffi.Runtime.getSystemRuntime();
	private final int statSize;

	/**
	 * Binds libfuse.so.2 and prepares the operations.
	 *
	 * @throws UnsatisfiedLinkError if libfuse.so.2 cannot be loaded (Debian package libfuse2)
	 */
	public MapFsFuse(Mount mount) {
		this.mount = mount;
		this.statSize = Struct.size(new FileStat(runtime));
		enableUtimeOmit();
	}

	public Mount mount() {
		return mount;
	}

	/**
	 * libfuse 2 passes UTIME_NOW and UTIME_OMIT to utimens only if the operations say they understand them
	 * ({@code flag_utime_omit_ok}, bit 2 of the flag word after {@code bmap}); otherwise touch -a/-m would set the
	 * other time too. jnr-fuse maps that word as padding, so the bit is set in the struct's memory directly.
	 */
	private void enableUtimeOmit() {
		try {
			Method offset = Class.forName("jnr.ffi.Struct$Member").getDeclaredMethod("offset");
			offset.setAccessible(true);
			long off = (Long) offset.invoke(fuseOperations.flag_nullpath_ok);
			Pointer ops = Struct.getMemory(fuseOperations);
			ops.putByte(off, (byte) (ops.getByte(off) | 0x04));
		} catch (ReflectiveOperationException | RuntimeException e) {
			LOG.log(Level.WARNING, "cannot set flag_utime_omit_ok: utimensat with UTIME_OMIT sets both times", e);
		}
	}

	/**
	 * Runs libfuse's main loop (multithreaded) until the file system is unmounted. Blocks; returns libfuse's exit
	 * status (0 after a normal unmount, 1 if mounting failed).
	 */
	int runFuseMain(Path mountPoint, String[] args) {
		if (!mounted.compareAndSet(false, true)) {
			throw new IllegalStateException("already mounted at " + this.mountPoint);
		}
		this.mountPoint = mountPoint;
		try {
			return libFuse.fuse_main_real(args.length, args, fuseOperations, Struct.size(fuseOperations), null);
		} finally {
			mounted.set(false);
		}
	}

	/** Waits until the kernel has connected (FUSE INIT). */
	boolean awaitInit(long timeout, TimeUnit unit) throws InterruptedException {
		return initialized.await(timeout, unit);
	}

	/** Closes the handles the kernel did not release (the file system was unmounted under them). */
	void closeAll() {
		for (Long fh : List.copyOf(handles.keySet())) {
			FileHandle h = handles.remove(fh);
			if (h != null) {
				try {
					h.close();
				} catch (FsException | RuntimeException e) {
					LOG.log(Level.DEBUG, "closing a left-over handle", e);
				}
			}
		}
	}

	int openHandles() {
		return handles.size();
	}

	// -------------------------------------------------------------------------------------------- plumbing

	private interface Op {
		int run() throws Exception;
	}

	/** Runs one operation: 0 or a positive count on success, {@code -errno} on failure, never an exception. */
	private static int call(String op, String path, Op body) {
		try {
			return body.run();
		} catch (FsException e) {
			if (LOG.isLoggable(Level.TRACE)) {
				LOG.log(Level.TRACE, op + " " + path + ": " + e.getMessage());
			}
			return -e.errno().code();
		} catch (Throwable t) {
			try {
				LOG.log(Level.ERROR, "FUSE " + op + " " + path + " failed", t);
			} catch (Throwable ignored) {
				// never into the FUSE thread
			}
			return -Errno.EIO.code();
		}
	}

	private Caller caller() {
		FuseContext ctx = getContext();
		return new Caller((int) ctx.uid.get(), (int) ctx.gid.get());
	}

	private FileHandle handle(FuseFileInfo fi) throws FsException {
		FileHandle h = fi == null ? null : handles.get(fi.fh.get());
		if (h == null) {
			throw new FsException(Errno.EBADF, "no open file " + (fi == null ? "" : fi.fh.get()));
		}
		return h;
	}

	private long register(FileHandle h, FuseFileInfo fi) {
		long fh = nextHandle.getAndIncrement();
		handles.put(fh, h);
		fi.fh.set(fh);
		return fh;
	}

	private static void fill(FileStat st, FileAttributes a) {
		st.st_mode.set(a.stMode());
		st.st_nlink.set(a.nlink());
		st.st_uid.set(a.uid());
		st.st_gid.set(a.gid());
		st.st_size.set(a.size());
		st.st_blocks.set(a.blocks());
		st.st_blksize.set(BLOCK_SIZE);
		st.st_ino.set(a.ino());
		st.st_dev.set(a.dev());
		st.st_rdev.set(a.rdev());
		time(st.st_atim, a.atimeNs());
		time(st.st_mtim, a.mtimeNs());
		time(st.st_ctim, a.ctimeNs());
	}

	private static void time(Timespec t, long ns) {
		t.tv_sec.set(Math.floorDiv(ns, NS));
		t.tv_nsec.set(Math.floorMod(ns, NS));
	}

	private static Long time(Timespec t) {
		long nsec = t.tv_nsec.longValue();
		if (nsec == UTIME_OMIT) {
			return null;
		}
		if (nsec == UTIME_NOW) {
			return AttributeChange.NOW;
		}
		return t.tv_sec.get() * NS + nsec;
	}

	/** The FUSE buffer as a ByteBuffer over the same memory (no copy), or null if it is not native memory. */
	private static ByteBuffer direct(Pointer buf, long size) {
		if (!buf.isDirect() || size > Integer.MAX_VALUE) {
			return null;
		}
		return MemoryIO.getInstance().newDirectByteBuffer(buf.address(), (int) size);
	}

	/** The size protocol of getxattr/listxattr/readlink-like calls: size 0 asks for the length. */
	private static int copyOut(byte[] value, Pointer dst, long size) {
		if (size == 0) {
			return value.length;
		}
		if (size < value.length) {
			return -Errno.ERANGE.code();
		}
		dst.put(0, value, 0, value.length);
		return value.length;
	}

	// ----------------------------------------------------------------------------------------- attributes

	@Override
	public int getattr(String path, FileStat stat) {
		return call("getattr", path, () -> {
			fill(stat, mount.stat(FsPath.of(path)));
			return 0;
		});
	}

	@Override
	public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
		return call("fgetattr", path, () -> {
			FileHandle h = fi == null ? null : handles.get(fi.fh.get());
			fill(stat, h != null ? h.stat() : mount.stat(FsPath.of(path)));
			return 0;
		});
	}

	@Override
	public int access(String path, int mask) {
		return call("access", path, () -> {
			FileAttributes a = mount.stat(FsPath.of(path));
			if ((mask & W_OK) != 0 && mount.isReadOnly()) {
				return -Errno.EROFS.code();
			}
			// Reached only without default_permissions (the kernel checks otherwise): a plain owner/group/other
			// check of the caller's uid and primary gid; root passes, except execution of a file nobody may run.
			Caller c = caller();
			int mode = a.mode();
			if (c.uid() == 0) {
				boolean exec = (mask & X_OK) == 0 || a.isDirectory() || (mode & 0111) != 0;
				return exec ? 0 : -Errno.EACCES.code();
			}
			int bits = c.uid() == a.uid() ? mode >> 6 : c.gid() == a.gid() ? mode >> 3 : mode;
			int want = mask & (R_OK | W_OK | X_OK);
			return (bits & want) == want ? 0 : -Errno.EACCES.code();
		});
	}

	@Override
	public int chmod(String path, long mode) {
		return call("chmod", path, () -> {
			mount.setattr(FsPath.of(path), AttributeChange.mode((int) mode));
			return 0;
		});
	}

	@Override
	public int chown(String path, long uid, long gid) {
		return call("chown", path, () -> setattr(path, AttributeChange.owner((int) uid, (int) gid)));
	}

	@Override
	public int utimens(String path, Timespec[] timespec) {
		return call("utimens", path, () -> setattr(path, AttributeChange.times(time(timespec[0]), time(timespec[1]))));
	}

	/** A change that changes nothing (chown -1 -1, both times omitted) still needs the entry to exist. */
	private int setattr(String path, AttributeChange change) throws FsException {
		FsPath p = FsPath.of(path);
		if (change.isEmpty()) {
			mount.stat(p);
		} else {
			mount.setattr(p, change);
		}
		return 0;
	}

	@Override
	public int truncate(String path, long size) {
		return call("truncate", path, () -> {
			mount.truncate(FsPath.of(path), size);
			return 0;
		});
	}

	@Override
	public int ftruncate(String path, long size, FuseFileInfo fi) {
		return call("ftruncate", path, () -> {
			FileHandle h = fi == null ? null : handles.get(fi.fh.get());
			if (h != null) {
				h.truncate(size);
			} else {
				mount.truncate(FsPath.of(path), size);
			}
			return 0;
		});
	}

	@Override
	public int statfs(String path, Statvfs st) {
		return call("statfs", path, () -> {
			StatFs s = mount.statfs();
			st.f_bsize.set(s.blockSize());
			st.f_frsize.set(s.blockSize());
			st.f_blocks.set(s.totalBlocks());
			st.f_bfree.set(s.freeBlocks());
			st.f_bavail.set(s.availableBlocks());
			st.f_files.set(s.totalFiles());
			st.f_ffree.set(s.freeFiles());
			st.f_favail.set(s.freeFiles());
			st.f_namemax.set(s.nameMax() > 0 ? s.nameMax() : FsPath.NAME_MAX);
			return 0;
		});
	}

	// --------------------------------------------------------------------------------------------- names

	@Override
	public int readlink(String path, Pointer buf, long size) {
		return call("readlink", path, () -> {
			byte[] target = mount.readlink(FsPath.of(path)).getBytes(UTF_8);
			if (size <= 0) {
				return -Errno.EINVAL.code();
			}
			int n = (int) Math.min(target.length, size - 1);
			buf.put(0, target, 0, n);
			buf.putByte(n, (byte) 0);
			return 0;
		});
	}

	@Override
	public int mknod(String path, long mode, long rdev) {
		return call("mknod", path, () -> {
			FsPath p = FsPath.of(path);
			int m = (int) mode;
			FileType type = (m & FileType.S_IFMT) == 0 ? FileType.REGULAR : FileType.ofMode(m);
			Caller c = caller();
			if (type == FileType.REGULAR) {
				mount.create(p, m & FileAttributes.PERMISSION_BITS, c, true).close();
			} else {
				mount.mknod(p, type, m & FileAttributes.PERMISSION_BITS, rdev, c);
			}
			return 0;
		});
	}

	@Override
	public int mkdir(String path, long mode) {
		return call("mkdir", path, () -> {
			mount.mkdir(FsPath.of(path), (int) mode & FileAttributes.PERMISSION_BITS, caller());
			return 0;
		});
	}

	@Override
	public int unlink(String path) {
		return call("unlink", path, () -> {
			mount.unlink(FsPath.of(path));
			return 0;
		});
	}

	@Override
	public int rmdir(String path) {
		return call("rmdir", path, () -> {
			mount.rmdir(FsPath.of(path));
			return 0;
		});
	}

	@Override
	public int symlink(String target, String link) {
		return call("symlink", link, () -> {
			mount.symlink(FsPath.of(link), target, caller());
			return 0;
		});
	}

	/**
	 * rename(2). libfuse 2 has no renameat2 flags, so {@link RenameMode#NOREPLACE} is never asked for: the kernel
	 * answers RENAME_EXCHANGE with EINVAL, RENAME_NOREPLACE with EEXIST for an existing target and EINVAL otherwise
	 * (callers such as mv fall back to a plain rename).
	 */
	@Override
	public int rename(String from, String to) {
		return call("rename", from, () -> {
			mount.rename(FsPath.of(from), FsPath.of(to), RenameMode.REPLACE);
			return 0;
		});
	}

	@Override
	public int link(String existing, String link) {
		return call("link", link, () -> {
			mount.link(FsPath.of(existing), FsPath.of(link));
			return 0;
		});
	}

	// ---------------------------------------------------------------------------------------- directories

	@Override
	public int opendir(String path, FuseFileInfo fi) {
		return call("opendir", path, () -> mount.stat(FsPath.of(path)).isDirectory() ? 0 : -Errno.ENOTDIR.code());
	}

	/**
	 * The whole listing in one call with offsets 0: libfuse keeps it for the open directory, so the listing is
	 * one snapshot ({@link Mount#list}) however many getdents calls read it.
	 */
	@Override
	public int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
		return call("readdir", path, () -> {
			FsPath dir = FsPath.of(path);
			List<DirEntry> entries = mount.list(dir);
			Pointer mem = Memory.allocateDirect(runtime, statSize, true);
			FileStat st = FileStat.of(mem);
			st.st_mode.set(FileType.DIRECTORY.bits());
			st.st_ino.set(mount.stat(dir).ino());
			if (filler.apply(buf, name("."), mem, 0) != 0) {
				return -ENOMEM;
			}
			st.st_ino.set(mount.stat(dir.parent()).ino());
			filler.apply(buf, name(".."), mem, 0);
			for (DirEntry e : entries) {
				if (isHidden(e.name())) {
					continue;
				}
				st.st_mode.set(e.type().bits());
				st.st_ino.set(e.ino());
				if (filler.apply(buf, name(e.name()), mem, 0) != 0) {
					return -ENOMEM;
				}
			}
			return 0;
		});
	}

	/**
	 * libfuse 2 renames a file that is unlinked while open to {@code .fuse_hidden<16 hex digits>} and removes it
	 * at its last close (so fstat reports nlink 0 meanwhile); listings do not show such names.
	 */
	static boolean isHidden(String name) {
		return name.length() == 28 && name.startsWith(".fuse_hidden") && HIDDEN.matcher(name).matches();
	}

	private static ByteBuffer name(String name) {
		byte[] b = name.getBytes(UTF_8);
		byte[] z = new byte[b.length + 1];
		System.arraycopy(b, 0, z, 0, b.length);
		return ByteBuffer.wrap(z);
	}

	@Override
	public int releasedir(String path, FuseFileInfo fi) {
		return 0;
	}

	@Override
	public int fsyncdir(String path, FuseFileInfo fi) {
		return 0;
	}

	// ---------------------------------------------------------------------------------------------- files

	@Override
	public int open(String path, FuseFileInfo fi) {
		return call("open", path, () -> {
			int flags = fi.flags.get();
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
			register(mount.open(FsPath.of(path), open, caller()), fi);
			return 0;
		});
	}

	@Override
	public int create(String path, long mode, FuseFileInfo fi) {
		return call("create", path, () -> {
			int flags = fi.flags.get();
			FileHandle h = mount.create(FsPath.of(path), (int) mode & FileAttributes.PERMISSION_BITS, caller(),
					(flags & O_EXCL) != 0);
			try {
				if ((flags & O_TRUNC) != 0) {
					h.truncate(0);
				}
			} catch (FsException | RuntimeException e) {
				h.close();
				throw e;
			}
			register(h, fi);
			return 0;
		});
	}

	@Override
	public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
		return call("read", path, () -> {
			FileHandle h = handle(fi);
			ByteBuffer dst = direct(buf, size);
			if (dst == null) {
				dst = ByteBuffer.allocate((int) size);
			}
			int total = 0;
			while (total < size) {
				dst.limit((int) size).position(total);
				int n = h.read(dst, offset + total);
				if (n <= 0) {
					break;
				}
				total += n;
			}
			if (!dst.isDirect()) {
				buf.put(0, dst.array(), 0, total);
			}
			return total;
		});
	}

	@Override
	public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
		return call("write", path, () -> {
			FileHandle h = handle(fi);
			ByteBuffer src = direct(buf, size);
			if (src == null) {
				byte[] b = new byte[(int) size];
				buf.get(0, b, 0, b.length);
				src = ByteBuffer.wrap(b);
			}
			int done = 0;
			while (done < size) {
				src.limit((int) size).position(done);
				int n = h.write(src, offset + done);
				if (n <= 0) {
					throw new FsException(Errno.EIO, "write made no progress at " + (offset + done));
				}
				done += n;
			}
			return done;
		});
	}

	@Override
	public int flush(String path, FuseFileInfo fi) {
		return 0;
	}

	@Override
	public int release(String path, FuseFileInfo fi) {
		return call("release", path, () -> {
			FileHandle h = handles.remove(fi.fh.get());
			if (h != null) {
				h.close();
			}
			return 0;
		});
	}

	@Override
	public int fsync(String path, int isdatasync, FuseFileInfo fi) {
		return call("fsync", path, () -> {
			handle(fi).sync(isdatasync == 0);
			return 0;
		});
	}

	// --------------------------------------------------------------------------------- extended attributes

	@Override
	public int setxattr(String path, String name, Pointer value, long size, int flags) {
		return call("setxattr", path, () -> {
			byte[] v = new byte[(int) size];
			if (size > 0) {
				value.get(0, v, 0, v.length);
			}
			XattrMode mode = (flags & XATTR_CREATE) != 0 ? XattrMode.CREATE
					: (flags & XATTR_REPLACE) != 0 ? XattrMode.REPLACE : XattrMode.SET;
			mount.setxattr(FsPath.of(path), name, v, mode);
			return 0;
		});
	}

	@Override
	public int getxattr(String path, String name, Pointer value, long size) {
		return call("getxattr", path, () -> copyOut(mount.getxattr(FsPath.of(path), name), value, size));
	}

	@Override
	public int listxattr(String path, Pointer list, long size) {
		return call("listxattr", path, () -> {
			ByteArrayOutputStream names = new ByteArrayOutputStream();
			for (String n : mount.listxattr(FsPath.of(path))) {
				names.writeBytes(n.getBytes(UTF_8));
				names.write(0);
			}
			return copyOut(names.toByteArray(), list, size);
		});
	}

	@Override
	public int removexattr(String path, String name) {
		return call("removexattr", path, () -> {
			mount.removexattr(FsPath.of(path), name);
			return 0;
		});
	}

	// ---------------------------------------------------------------------------------------------- life

	@Override
	public Pointer init(Pointer conn) {
		initialized.countDown();
		return null;
	}

	@Override
	public void destroy(Pointer initResult) {
		// the handles are closed by FuseFrontEnd once the loop has ended
	}
}
