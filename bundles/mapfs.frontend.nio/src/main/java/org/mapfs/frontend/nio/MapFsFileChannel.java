package org.mapfs.frontend.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * A FileChannel over a file handle of the mount: positional reads and writes, a position of its own, append
 * (OpenFlag has no append: each write goes to the size), in-JVM locks ({@link FileLocks}). No memory mapping.
 * A directory opened for reading gives a channel whose reads fail, as on the JDK.
 */
final class MapFsFileChannel extends FileChannel {
	private static final int TRANSFER_BUFFER = 1 << 16;
	private final MapFsFileSystem fs;
	private final MapFsPath path;
	private final FsPath file;
	/** Null for a directory. */
	private final FileHandle handle;
	/** The file's inode number, which locks are kept by; 0 until the first lock (an open need not pay a stat). */
	private volatile long ino;
	private final long directorySize;
	private final OpenOptions options;
	private long position;
	private boolean written;

	MapFsFileChannel(MapFsFileSystem fs, MapFsPath path, FsPath file, FileHandle handle, OpenOptions options) {
		this.fs = fs;
		this.path = path;
		this.file = file;
		this.handle = handle;
		this.options = options;
		this.directorySize = 0;
	}

	/** A directory opened for reading: it has a size and can be locked, reads fail. */
	MapFsFileChannel(MapFsFileSystem fs, MapFsPath path, FsPath dir, long ino, long size, OpenOptions options) {
		this.fs = fs;
		this.path = path;
		this.file = dir;
		this.handle = null;
		this.options = options;
		this.ino = ino;
		this.directorySize = size;
	}

	private IOException error(FsException e) {
		return Errors.nio(e, path);
	}

	private void checkOpen() throws ClosedChannelException {
		if (!isOpen()) {
			throw new ClosedChannelException();
		}
	}

	private FileHandle readable() throws IOException {
		checkOpen();
		if (!options.read()) {
			throw new NonReadableChannelException();
		}
		if (handle == null) {
			throw new IOException("Is a directory");
		}
		return handle;
	}

	private FileHandle writable() throws IOException {
		checkOpen();
		if (!options.write()) {
			throw new NonWritableChannelException();
		}
		return handle;
	}

	@Override
	public synchronized int read(ByteBuffer dst) throws IOException {
		int n = read(dst, position);
		if (n > 0) {
			position += n;
		}
		return n;
	}

	@Override
	public synchronized long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
		long total = 0;
		for (int i = offset; i < offset + length; i++) {
			if (!dsts[i].hasRemaining()) {
				continue;
			}
			int n = read(dsts[i]);
			if (n < 0) {
				return total == 0 ? -1 : total;
			}
			total += n;
			if (dsts[i].hasRemaining()) {
				break;
			}
		}
		return total;
	}

	@Override
	public int read(ByteBuffer dst, long at) throws IOException {
		if (at < 0) {
			throw new IllegalArgumentException("negative position");
		}
		FileHandle h = readable();
		if (!dst.hasRemaining()) {
			return 0;
		}
		try {
			return h.read(dst, at);
		} catch (FsException e) {
			throw error(e);
		}
	}

	@Override
	public synchronized int write(ByteBuffer src) throws IOException {
		FileHandle h = writable();
		try {
			long at = options.append() ? h.size() : position;
			int n = write(h, src, at);
			position = at + n;
			return n;
		} catch (FsException e) {
			throw error(e);
		}
	}

	@Override
	public synchronized long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
		long total = 0;
		for (int i = offset; i < offset + length; i++) {
			total += write(srcs[i]);
		}
		return total;
	}

	@Override
	public int write(ByteBuffer src, long at) throws IOException {
		if (at < 0) {
			throw new IllegalArgumentException("negative position");
		}
		FileHandle h = writable();
		try {
			return write(h, src, at);
		} catch (FsException e) {
			throw error(e);
		}
	}

	private int write(FileHandle h, ByteBuffer src, long at) throws FsException {
		if (!src.hasRemaining()) {
			return 0;
		}
		int n = h.write(src, at);
		if (options.sync() || options.dsync()) {
			h.sync(options.sync());
		}
		changed();
		return n;
	}

	/** Watch services of the file's directory see a write at once (as inotify's IN_MODIFY), not at their poll. */
	private void changed() {
		written = true;
		fs.changed(file.parent());
	}

	@Override
	public synchronized long position() throws IOException {
		checkOpen();
		return options.append() ? size() : position;
	}

	@Override
	public synchronized FileChannel position(long newPosition) throws IOException {
		if (newPosition < 0) {
			throw new IllegalArgumentException("negative position");
		}
		checkOpen();
		position = newPosition;
		return this;
	}

	@Override
	public long size() throws IOException {
		checkOpen();
		if (handle == null) {
			return directorySize;
		}
		try {
			return handle.size();
		} catch (FsException e) {
			throw error(e);
		}
	}

	@Override
	public synchronized FileChannel truncate(long size) throws IOException {
		if (size < 0) {
			throw new IllegalArgumentException("negative size");
		}
		FileHandle h = writable();
		try {
			if (size < h.size()) {
				h.truncate(size);
				changed();
			}
		} catch (FsException e) {
			throw error(e);
		}
		if (position > size) {
			position = size;
		}
		return this;
	}

	@Override
	public void force(boolean metaData) throws IOException {
		checkOpen();
		if (handle == null) {
			return;
		}
		try {
			handle.sync(metaData);
		} catch (FsException e) {
			throw error(e);
		}
	}

	@Override
	public long transferTo(long at, long count, WritableByteChannel target) throws IOException {
		if (at < 0 || count < 0) {
			throw new IllegalArgumentException("negative position or count");
		}
		readable();
		ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(TRANSFER_BUFFER, Math.max(count, 1)));
		long done = 0;
		while (done < count) {
			buffer.clear().limit((int) Math.min(buffer.capacity(), count - done));
			int n = read(buffer, at + done);
			if (n <= 0) {
				break;
			}
			buffer.flip();
			while (buffer.hasRemaining()) {
				target.write(buffer);
			}
			done += n;
		}
		return done;
	}

	@Override
	public long transferFrom(ReadableByteChannel src, long at, long count) throws IOException {
		if (at < 0 || count < 0) {
			throw new IllegalArgumentException("negative position or count");
		}
		writable();
		if (at > size()) {
			return 0;
		}
		ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(TRANSFER_BUFFER, Math.max(count, 1)));
		long done = 0;
		while (done < count) {
			buffer.clear().limit((int) Math.min(buffer.capacity(), count - done));
			int n = src.read(buffer);
			if (n <= 0) {
				break;
			}
			buffer.flip();
			done += write(buffer, at + done);
		}
		return done;
	}

	@Override
	public MappedByteBuffer map(MapMode mode, long at, long size) {
		throw new UnsupportedOperationException("MapFS files cannot be mapped into memory");
	}

	@Override
	public FileLock lock(long at, long size, boolean shared) throws IOException {
		return tryLock(at, size, shared);
	}

	private synchronized long ino() throws IOException {
		if (ino == 0) {
			try {
				ino = handle.stat().ino();
			} catch (FsException e) {
				throw error(e);
			}
		}
		return ino;
	}

	@Override
	public FileLock tryLock(long at, long size, boolean shared) throws IOException {
		if (at < 0 || size < 0 || at + size < 0) {
			throw new IllegalArgumentException("negative position or size");
		}
		checkOpen();
		if (shared && !options.read()) {
			throw new NonReadableChannelException();
		}
		if (!shared && !options.write()) {
			throw new NonWritableChannelException();
		}
		return fs.locks().lock(this, ino(), at, size, shared);
	}

	@Override
	protected void implCloseChannel() throws IOException {
		if (ino != 0) {
			fs.locks().closed(this, ino);
		}
		fs.closed(this);
		try {
			if (handle != null) {
				handle.close();
			}
		} catch (FsException e) {
			throw error(e);
		} finally {
			if (written) {
				changed();
			}
		}
	}
}
