package org.mapfs.store.image;

import org.mapfs.api.FsException;

/** A CKD volume: its geometry and its tracks, parsed and kept in a bounded cache. */
final class CkdVolume {
	private final String name;
	private final DasdHeader header;
	private final TrackImages images;
	private final LruCache<Integer, CkdTrack> tracks;

	CkdVolume(String name, DasdHeader header, TrackImages images, long cacheBudget) {
		this.name = name;
		this.header = header;
		this.images = images;
		this.tracks = new LruCache<>(cacheBudget, t -> t.image.length + 64L * t.records.size());
	}

	String name() {
		return name;
	}

	DasdHeader header() {
		return header;
	}

	int heads() {
		return header.heads();
	}

	int trackCount() {
		return images.count();
	}

	CkdTrack track(int n) throws FsException {
		return tracks.get(n, t -> CkdTrack.parse(images.track(t), t, header.heads(), name));
	}

	void close() throws FsException {
		images.close();
	}
}
