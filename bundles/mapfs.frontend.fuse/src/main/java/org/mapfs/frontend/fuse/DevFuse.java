package org.mapfs.frontend.fuse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.mapfs.api.Errno;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Platform;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * One connection to the kernel's FUSE driver: {@code /dev/fuse} opened and mounted with mount(2). Requests are read
 * and replies written with one system call each; several threads may read at once (the kernel hands each request to
 * one of them). Closing the connection after an unmount ends it; closing it while mounted aborts the mount.
 */
final class DevFuse implements AutoCloseable {
	/** The C library calls of the connection. */
	public interface LibC {
		int open(String path, int flags);

		long read(int fd, @Out ByteBuffer buf, long count);

		long write(int fd, @In ByteBuffer buf, long count);

		int close(int fd);

		int mount(String source, String target, String type, long flags, String data);
	}

	private static final int O_RDWR = 2;
	private static final int O_CLOEXEC = 02000000;
	static final long MS_RDONLY = 1;
	static final long MS_NOSUID = 2;
	static final long MS_NODEV = 4;
	static final long MS_NOEXEC = 8;
	static final long MS_NOATIME = 1024;

	private static final int EINTR = 4;
	private static final int ENOENT = 2;
	private static final int EAGAIN = 11;
	private static final int ENODEV = 19;

	private static final class Holder {
		static final LibC LIBC = LibraryLoader.create(LibC.class).option(LibraryOption.SaveError, Boolean.TRUE)
				.failImmediately().load(Platform.getNativePlatform().getStandardCLibraryName());
		static final jnr.ffi.Runtime RUNTIME = jnr.ffi.Runtime.getRuntime(LIBC);
	}

	private final int fd;
	private volatile boolean closed;

	private DevFuse(int fd) {
		this.fd = fd;
	}

	/**
	 * Opens /dev/fuse and mounts it at {@code mountPoint}.
	 *
	 * @param source what the mount table shows as the device ({@code fsname})
	 * @param subtype the type shows as {@code fuse.<subtype>}
	 * @param flags MS_* mount flags
	 * @param options the driver's options besides {@code fd}, {@code rootmode}, {@code user_id} and
	 *            {@code group_id} (allow_other, default_permissions, max_read=N)
	 * @throws IOException if /dev/fuse cannot be opened or mount(2) fails, with the reason
	 */
	static DevFuse mount(Path mountPoint, String source, String subtype, long flags, String options)
			throws IOException {
		LibC c;
		try {
			c = Holder.LIBC;
		} catch (LinkageError e) {
			throw new IOException("cannot load the C library through jnr-ffi: " + e, e);
		}
		int fd = c.open("/dev/fuse", O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			throw new IOException("cannot open /dev/fuse: " + strerror(errno())
					+ " (is the fuse module loaded, and are you root?)");
		}
		String data = "fd=" + fd + ",rootmode=40000,user_id=" + uid() + ",group_id=" + gid()
				+ (options.isEmpty() ? "" : "," + options);
		if (c.mount(source, mountPoint.toString(), "fuse." + subtype, flags, data) != 0) {
			int e = errno();
			c.close(fd);
			throw new IOException("mount(2) of " + mountPoint + " failed: " + strerror(e)
					+ (e == 1 ? " (mounting FUSE needs root, CAP_SYS_ADMIN)" : "") + "; options " + data);
		}
		return new DevFuse(fd);
	}

	/**
	 * Reads the next request into {@code buf} (from position 0; the limit is set to its end).
	 *
	 * @return false once the file system is unmounted (or the connection aborted or closed)
	 */
	boolean read(ByteBuffer buf) throws IOException {
		while (!closed) {
			long n = Holder.LIBC.read(fd, buf.clear(), buf.capacity());
			if (n > 0) {
				buf.limit((int) n);
				return true;
			}
			int e = errno();
			if (n == 0 || e == ENODEV) {
				return false;
			}
			// ENOENT: the request was interrupted before we got it
			if (e != EINTR && e != EAGAIN && e != ENOENT) {
				if (closed) {
					return false;
				}
				throw new IOException("reading /dev/fuse: " + strerror(e));
			}
		}
		return false;
	}

	/**
	 * Writes one reply or notification: the bytes of {@code buf} from 0 to its limit. A reply to a request that was
	 * interrupted meanwhile (ENOENT) is dropped by the kernel, which is fine.
	 */
	void write(ByteBuffer buf) throws IOException {
		long n = Holder.LIBC.write(fd, buf.position(0), buf.limit());
		if (n < 0) {
			int e = errno();
			if (e != ENOENT && e != ENODEV && !closed) {
				throw new IOException("writing to /dev/fuse: " + strerror(e));
			}
		}
	}

	@Override
	public void close() {
		if (!closed) {
			closed = true;
			Holder.LIBC.close(fd);
		}
	}

	private static int errno() {
		return Holder.RUNTIME.getLastError();
	}

	private static String strerror(int errno) {
		Errno e = Errno.of(errno);
		return e.code() == errno ? e.description() + " (" + e.name() + ")" : "errno " + errno;
	}

	private static long uid() {
		return ids("Uid:");
	}

	private static long gid() {
		return ids("Gid:");
	}

	/** The effective id from /proc/self/status (Java has no getuid). */
	private static long ids(String field) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
				if (line.startsWith(field)) {
					return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[1]);
				}
			}
		} catch (IOException | RuntimeException e) {
			// fall through
		}
		return 0;
	}
}
