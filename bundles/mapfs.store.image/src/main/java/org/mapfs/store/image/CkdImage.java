package org.mapfs.store.image;

import org.mapfs.api.FsException;

/** A plain (uncompressed) Hercules CKD file: the header, then every track in a slot of the header's track size. */
final class CkdImage implements TrackImages {
	private final BlockDevice file;
	private final int trackSize;
	private final int count;

	CkdImage(BlockDevice file, DasdHeader header) {
		this.file = file;
		this.trackSize = header.trackSize();
		this.count = (int) Math.min(Integer.MAX_VALUE, (file.size() - DasdHeader.SIZE) / trackSize);
	}

	@Override
	public int count() {
		return count;
	}

	@Override
	public byte[] track(int n) throws FsException {
		TrackImages.check(n, count, file.name());
		return file.read(DasdHeader.SIZE + (long) n * trackSize, trackSize).array();
	}

	@Override
	public void close() throws FsException {
		file.close();
	}
}
