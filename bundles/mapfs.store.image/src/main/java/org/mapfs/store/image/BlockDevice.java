package org.mapfs.store.image;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * A linear run of bytes a file system lives on: an image file, a block device, a partition of one, or the data
 * records of a DASD volume. Reads are positional and may run concurrently.
 */
interface BlockDevice extends Closeable {
	long size();

	/** Fills {@code dst} from {@code position}; EIO if the device ends first. */
	void read(long position, ByteBuffer dst) throws FsException;

	/** What the device is, for messages. */
	String name();

	@Override
	void close() throws FsException;

	/** Reads {@code length} bytes at {@code position} into a new little-endian buffer. */
	default ByteBuffer read(long position, int length) throws FsException {
		ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
		read(position, b);
		return b.flip();
	}

	/** Refuses a read outside the device before it is tried. */
	default void checkRange(long position, long length) throws FsException {
		if (position < 0 || length < 0 || position > size() - length) {
			throw new FsException(Errno.EIO, name() + ": read of " + length + " bytes at " + position
					+ " is outside the device (" + size() + " bytes)");
		}
	}
}
