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

	/** fsync, or fdatasync when {@code metadata} is false. */
	void sync(boolean metadata) throws FsException;

	@Override
	void close() throws FsException;
}
