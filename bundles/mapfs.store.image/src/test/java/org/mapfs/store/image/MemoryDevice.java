package org.mapfs.store.image;

import java.nio.ByteBuffer;

import org.mapfs.api.FsException;

/** An image in memory, which tests can damage and repair between reads. */
final class MemoryDevice implements BlockDevice {
	private final byte[] image;

	MemoryDevice(byte[] image) {
		this.image = image;
	}

	@Override
	public long size() {
		return image.length;
	}

	@Override
	public void read(long position, ByteBuffer dst) throws FsException {
		checkRange(position, dst.remaining());
		dst.put(image, (int) position, dst.remaining());
	}

	@Override
	public String name() {
		return "memory image";
	}

	@Override
	public void close() {
		// nothing to release
	}
}
