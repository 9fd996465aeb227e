package org.mapfs.store.image;

import java.nio.ByteBuffer;
import java.util.List;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * A run of CKD tracks read as one linear device: the data of their user records (R1 on), track after track.
 * The record layout (count and size, no keys) is taken from the count fields of the first track, and every track
 * read is checked to have the same, so a block maps to one track, one record and an offset by arithmetic.
 */
final class CkdPartitionDevice extends ChunkedDevice {
	private final CkdVolume volume;
	private final int first;
	private final int tracks;
	private final int perTrack;
	private final int recordSize;
	private final String name;

	CkdPartitionDevice(CkdVolume volume, int first, int last, String name) throws FsException {
		this(volume, first, last, name, firstRecords(volume, first, last, name));
	}

	private CkdPartitionDevice(CkdVolume volume, int first, int last, String name, List<CkdTrack.Record> records)
			throws FsException {
		super(records.get(0).dataLength());
		this.volume = volume;
		this.first = first;
		this.tracks = last - first + 1;
		this.name = name;
		this.perTrack = records.size();
		this.recordSize = records.get(0).dataLength();
		check(first, records);
	}

	/** The records of the first track, which set the layout every track must have. */
	private static List<CkdTrack.Record> firstRecords(CkdVolume volume, int first, int last, String name)
			throws FsException {
		if (first < 0 || last < first || last >= volume.trackCount()) {
			throw new FsException(Errno.EIO, name + ": tracks " + first + "-" + last + " are not on the volume ("
					+ volume.trackCount() + " tracks)");
		}
		List<CkdTrack.Record> records = volume.track(first).dataRecords();
		if (records.isEmpty() || records.get(0).dataLength() == 0) {
			throw new FsException(Errno.EIO, name + ": track " + first + " has no data records");
		}
		return records;
	}

	int recordSize() {
		return recordSize;
	}

	private void check(int track, List<CkdTrack.Record> records) throws FsException {
		if (records.size() != perTrack) {
			throw new FsException(Errno.EIO, name + ": track " + track + " has " + records.size() + " records, not "
					+ perTrack);
		}
		for (CkdTrack.Record r : records) {
			if (r.keyLength() != 0 || r.dataLength() != recordSize) {
				throw new FsException(Errno.EIO, name + ": track " + track + " record " + r.number() + " has a "
						+ r.keyLength() + "-byte key and " + r.dataLength() + " bytes, not " + recordSize);
			}
		}
	}

	@Override
	public long size() {
		return (long) tracks * perTrack * recordSize;
	}

	@Override
	void readChunk(long index, int offset, ByteBuffer dst) throws FsException {
		int track = first + (int) (index / perTrack);
		CkdTrack t = volume.track(track);
		List<CkdTrack.Record> records = t.dataRecords();
		check(track, records);
		dst.put(t.image, records.get((int) (index % perTrack)).dataOffset() + offset, dst.remaining());
	}

	@Override
	public String name() {
		return name;
	}

	@Override
	public void close() throws FsException {
		volume.close();
	}
}
