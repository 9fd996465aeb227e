package org.mapfs.store.image;

import java.nio.ByteBuffer;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * A compressed FBA volume (CFBA) as a linear device: its 512-byte sectors, stored in compressed groups of 120
 * (a 5-byte header before each group's data).
 */
final class FbaImage extends ChunkedDevice {
	static final int SECTOR = 512;
	static final int GROUP_SECTORS = 120;
	static final int GROUP = SECTOR * GROUP_SECTORS;

	private final String name;
	private final TrackImages groups;
	private final long size;
	private final LruCache<Integer, byte[]> cache;

	FbaImage(String name, CckdImage groups, long cacheBudget) {
		super(GROUP);
		this.name = name;
		this.groups = groups;
		this.size = groups.units() * SECTOR;
		this.cache = new LruCache<>(cacheBudget, b -> b.length + 64);
	}

	/** The image Hercules gives a group it does not store: zeros. */
	static byte[] nullGroup(int group) {
		byte[] image = new byte[CckdImage.TRACK_HEADER + GROUP];
		ByteBuffer.wrap(image).putInt(1, group);
		return image;
	}

	@Override
	public long size() {
		return size;
	}

	@Override
	void readChunk(long index, int offset, ByteBuffer dst) throws FsException {
		byte[] image = cache.get((int) index, groups::track);
		if (image.length != CckdImage.TRACK_HEADER + GROUP) {
			throw new FsException(Errno.EIO, name + ": block group " + index + " holds " + image.length + " bytes");
		}
		dst.put(image, CckdImage.TRACK_HEADER + offset, dst.remaining());
	}

	@Override
	public String name() {
		return name;
	}

	@Override
	public void close() throws FsException {
		groups.close();
	}
}
