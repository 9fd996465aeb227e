package org.mapfs.store.local;

import java.nio.ByteBuffer;

import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileData;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/** An open regular file of a local store: pread/pwrite on its own fd, closed exactly once. */
final class LocalFileData implements FileData {
	private final LibC libc;
	private final FdGuard fd;
	private final FsPath path;

	LocalFileData(LibC libc, int fd, FsPath path) {
		this.libc = libc;
		this.fd = new FdGuard(fd);
		this.path = path;
	}

	private int enter() throws FsException {
		if (!fd.enter()) {
			throw new FsException(Errno.EBADF, path, "file is closed");
		}
		return fd.fd();
	}

	/** The most a read into a heap buffer reads at once (the rest is a short read, which callers allow). */
	private static final int STAGING_MAX = 1 << 20;
	private static final ThreadLocal<ByteBuffer> STAGING = new ThreadLocal<>();

	/**
	 * A direct buffer of this thread for a read into a heap buffer, as the JDK's FileChannel does: jnr would copy
	 * the heap array into native memory it allocates for each call and back (measured: a 1 MiB file read in 64 KiB
	 * heap buffers took a quarter longer than through FileChannel).
	 */
	private static ByteBuffer staging(int want) {
		ByteBuffer b = STAGING.get();
		if (b == null || b.capacity() < Math.min(want, STAGING_MAX)) {
			b = ByteBuffer.allocateDirect(Math.min(Math.max(want, 64 << 10), STAGING_MAX));
			STAGING.set(b);
		}
		return b.clear();
	}

	@Override
	public int read(ByteBuffer dst, long position) throws FsException {
		if (position < 0) {
			throw new FsException(Errno.EINVAL, path, "negative position " + position);
		}
		int want = dst.remaining();
		if (want == 0) {
			return 0;
		}
		int f = enter();
		try {
			long n;
			ByteBuffer into = dst.isDirect() ? dst : staging(want);
			int count = Math.min(want, into.remaining());
			do {
				n = libc.pread(f, into, count, position);
			} while (n < 0 && Native.errno() == Native.EINTR);
			if (n > 0) {
				if (into == dst) {
					dst.position(dst.position() + (int) n);
				} else {
					dst.put(into.limit((int) n));
				}
			}
			if (n < 0) {
				throw Native.error("pread", path);
			}
			return n == 0 ? -1 : (int) n;
		} finally {
			fd.leave();
		}
	}

	@Override
	public int write(ByteBuffer src, long position) throws FsException {
		if (position < 0) {
			throw new FsException(Errno.EINVAL, path, "negative position " + position);
		}
		int total = src.remaining();
		if (total == 0) {
			return 0;
		}
		int f = enter();
		try {
			ByteBuffer buf = src;
			if (!src.isDirect() && !src.hasArray()) {
				// a read-only heap buffer: jnr-ffi needs the array, so copy it
				byte[] tmp = new byte[total];
				src.duplicate().get(tmp);
				buf = ByteBuffer.wrap(tmp);
			}
			int done = 0;
			while (done < total) {
				long n = libc.pwrite(f, buf, total - done, position + done);
				if (n < 0) {
					if (Native.errno() == Native.EINTR) {
						continue;
					}
					FsException e = Native.error("pwrite", path);
					if (buf != src) {
						src.position(src.position() + done);
					}
					throw e;
				}
				done += (int) n;
				buf.position(buf.position() + (int) n);
			}
			if (buf != src) {
				src.position(src.position() + total);
			}
			return total;
		} finally {
			fd.leave();
		}
	}

	private static final int SEEK_DATA = 3;
	private static final int SEEK_HOLE = 4;
	private static final long BLOCK = 4096;

	/**
	 * From another file of a local store (also behind a wrapper: {@link FileData#unwrap}): copy_file_range(2) for
	 * each run of data (SEEK_DATA/SEEK_HOLE), so the kernel copies page to page with no trip through this process,
	 * and holes stay holes. Where the kernel cannot (another file system type: EXDEV), through a buffer.
	 */
	@Override
	public long copyFrom(FileData src) throws FsException {
		if (!(src.unwrap() instanceof LocalFileData from)) {
			return FileData.super.copyFrom(src);
		}
		int in = from.enter();
		try {
			int out = enter();
			try {
				long size = from.stat().size();
				long end = copyRanges(in, out, size);
				if (end < 0) {
					return FileData.super.copyFrom(src);
				}
				if (end != size) {
					// a hole at the end (or the source shrank meanwhile)
					truncate(size);
				}
				return size;
			} finally {
				fd.leave();
			}
		} finally {
			from.fd.leave();
		}
	}

	/**
	 * Copies the data runs of the first {@code size} bytes; returns where the last copied byte ends, or -1 if the
	 * kernel cannot copy between these two files (before anything was copied). A file of one block is copied as
	 * one run: looking for its holes costs more than copying it.
	 */
	private long copyRanges(int in, int out, long size) throws FsException {
		long[] offIn = new long[1];
		long[] offOut = new long[1];
		long pos = 0;
		long end = 0;
		while (pos < size) {
			long data = pos;
			long hole = size;
			if (size > BLOCK) {
				data = libc.lseek(in, pos, SEEK_DATA);
				if (data < 0) {
					if (Native.errno() == Native.ENXIO) {
						break; // only a hole is left
					}
					throw Native.error("lseek", path);
				}
				hole = libc.lseek(in, data, SEEK_HOLE);
				if (hole < 0) {
					throw Native.error("lseek", path);
				}
			}
			offIn[0] = data;
			offOut[0] = data;
			while (offIn[0] < hole) {
				long n = libc.copy_file_range(in, offIn, out, offOut, hole - offIn[0], 0);
				if (n < 0) {
					int errno = Native.errno();
					if (errno == Native.EINTR) {
						continue;
					}
					if (pos == 0 && offIn[0] == data && (errno == Native.EXDEV || errno == Native.EINVAL
							|| errno == Native.ENOSYS || errno == Native.ENOTSUP)) {
						return -1;
					}
					throw Native.error(errno, "copy_file_range", path);
				}
				if (n == 0) {
					break; // the source shrank meanwhile
				}
			}
			end = offOut[0];
			pos = hole;
		}
		return end;
	}

	@Override
	public long size() throws FsException {
		return stat().size();
	}

	FileAttributes stat() throws FsException {
		int f = enter();
		try {
			byte[] raw = new byte[Native.STATX_SIZE];
			if (libc.statx(f, Native.EMPTY, Native.AT_EMPTY_PATH, Native.STATX_BASIC_STATS, raw) != 0) {
				throw Native.error("fstat", path);
			}
			return Native.decodeStatx(raw);
		} finally {
			fd.leave();
		}
	}

	@Override
	public void truncate(long size) throws FsException {
		if (size < 0) {
			throw new FsException(Errno.EINVAL, path, "negative size " + size);
		}
		int f = enter();
		try {
			int r;
			do {
				r = libc.ftruncate(f, size);
			} while (r != 0 && Native.errno() == Native.EINTR);
			if (r != 0) {
				throw Native.error("ftruncate", path);
			}
		} finally {
			fd.leave();
		}
	}

	@Override
	public void sync(boolean metadata) throws FsException {
		int f = enter();
		try {
			int r;
			do {
				r = metadata ? libc.fsync(f) : libc.fdatasync(f);
			} while (r != 0 && Native.errno() == Native.EINTR);
			if (r != 0) {
				throw Native.error(metadata ? "fsync" : "fdatasync", path);
			}
		} finally {
			fd.leave();
		}
	}

	@Override
	public void close() throws FsException {
		int err = fd.close();
		if (err > 0 && err != Native.EINTR) {
			throw Native.error(err, "close", path);
		}
	}

	@Override
	public String toString() {
		return "LocalFileData[" + path.toAbsoluteString() + ", fd " + fd.fd() + (fd.isClosed() ? ", closed]" : "]");
	}
}
