package org.mapfs.api;

import java.io.Closeable;
import java.nio.ByteBuffer;

/** An open file's data: positional reads and writes, as pread/pwrite. */
public interface FileData extends Closeable {
	/** Reads into {@code dst} from {@code position}; returns the bytes read, or -1 at end of file. */
	int read(ByteBuffer dst, long position) throws FsException;

	/** Writes all of {@code src} at {@code position}; returns the bytes written. */
	int write(ByteBuffer src, long position) throws FsException;

	long size() throws FsException;

	void truncate(long size) throws FsException;

	/**
	 * Makes this file, which is empty, a copy of the data of {@code src}: the same bytes at the same offsets and the
	 * same size, with holes where {@code src} has them. A store overrides it to copy within the kernel where it
	 * can (copy_file_range(2) within one machine). The default copies through a buffer and leaves a hole for
	 * every chunk of zeros, so a sparse file stays sparse whatever store it comes from.
	 *
	 * @return the size of the copy
	 */
	default long copyFrom(FileData src) throws FsException {
		ByteBuffer buf = CopyBuffer.get();
		long pos = 0;
		while (true) {
			buf.clear();
			int n = src.read(buf, pos);
			if (n < 0) {
				break;
			}
			buf.flip();
			if (!CopyBuffer.isZero(buf)) {
				write(buf, pos);
			}
			pos += n;
		}
		truncate(pos); // the size, with any trailing hole
		return pos;
	}

	/**
	 * The file data this one passes its calls to, where it wraps another (the engine's place of a store that may
	 * be swapped does), so that {@link #copyFrom} can see two files of one store; this one by default.
	 */
	default FileData unwrap() throws FsException {
		return this;
	}

	/** fsync, or fdatasync when {@code metadata} is false. */
	void sync(boolean metadata) throws FsException;

	@Override
	void close() throws FsException;
}
