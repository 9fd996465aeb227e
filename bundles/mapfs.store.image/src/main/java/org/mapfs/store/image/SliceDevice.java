package org.mapfs.store.image;

import java.nio.ByteBuffer;

import org.mapfs.api.FsException;

/** A window of another device: a partition. Closing it closes the device under it. */
final class SliceDevice implements BlockDevice {
	private final BlockDevice base;
	private final long start;
	private final long length;
	private final String name;

	SliceDevice(BlockDevice base, long start, long length, String name) throws FsException {
		base.checkRange(start, length);
		this.base = base;
		this.start = start;
		this.length = length;
		this.name = name;
	}

	@Override
	public long size() {
		return length;
	}

	@Override
	public void read(long position, ByteBuffer dst) throws FsException {
		checkRange(position, dst.remaining());
		base.read(start + position, dst);
	}

	@Override
	public String name() {
		return name;
	}

	@Override
	public void close() throws FsException {
		base.close();
	}
}
