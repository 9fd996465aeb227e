package org.mapfs.store.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * One CKD track image: a 5-byte home address (flag, CC, HH), then records, each an 8-byte count field (CC, HH,
 * R, key length, data length; big-endian), its key and its data, up to an end-of-track mark of 8 x 0xFF. The
 * records are found by walking the count fields: their number and sizes are whatever the track was formatted with.
 */
final class CkdTrack {
	private static final int HOME_ADDRESS = 5;
	private static final int COUNT = 8;
	/** Linux's record size on a null track of format 2 (dasdfmt'ed, 12 records of 4 KiB per 3390 track). */
	private static final int LINUX_RECORD = 4096;
	private static final int LINUX_RECORDS = 12;

	/** A record: its number, and where its key and data are in the track image. */
	record Record(int number, int keyLength, int dataLength, int dataOffset) {
	}

	final byte[] image;
	final List<Record> records;

	private CkdTrack(byte[] image, List<Record> records) {
		this.image = image;
		this.records = records;
	}

	static CkdTrack parse(byte[] image, int track, int heads, String what) throws FsException {
		if (image.length < HOME_ADDRESS + COUNT) {
			throw corrupt(what, track, "shorter than its home address");
		}
		if (trackOf(u16(image, 1), u16(image, 3), heads) != track) {
			throw corrupt(what, track, "its home address names track " + trackOf(u16(image, 1), u16(image, 3), heads));
		}
		List<Record> records = new ArrayList<>();
		int at = HOME_ADDRESS;
		while (true) {
			if (at + COUNT > image.length) {
				throw corrupt(what, track, "no end-of-track mark");
			}
			if (isEnd(image, at)) {
				return new CkdTrack(image, records);
			}
			int keyLength = Byte.toUnsignedInt(image[at + 5]);
			int dataLength = u16(image, at + 6);
			int dataOffset = at + COUNT + keyLength;
			if (dataOffset + dataLength > image.length) {
				throw corrupt(what, track, "record at " + at + " runs past the track");
			}
			records.add(new Record(Byte.toUnsignedInt(image[at + 4]), keyLength, dataLength, dataOffset));
			at = dataOffset + dataLength;
		}
	}

	/**
	 * The image Hercules gives a track it does not store: format 0 has R0 and an empty R1 (end of file),
	 * format 1 R0 only, format 2 R0 and twelve zeroed 4 KiB records (a dasdfmt'ed Linux track).
	 */
	static byte[] nullTrack(int track, int heads, int format) throws FsException {
		if (format < 0 || format > 2) {
			throw new FsException(Errno.EIO, "track " + track + ": unknown null track format " + format);
		}
		int records = format == 0 ? 1 : format == 1 ? 0 : LINUX_RECORDS;
		int dataLength = format == 2 ? LINUX_RECORD : 0;
		byte[] image = new byte[HOME_ADDRESS + COUNT + 8 + records * (COUNT + dataLength) + COUNT];
		int cc = track / heads;
		int hh = track % heads;
		put16(image, 1, cc);
		put16(image, 3, hh);
		int at = count(image, HOME_ADDRESS, cc, hh, 0, 8) + 8;
		for (int r = 1; r <= records; r++) {
			at = count(image, at, cc, hh, r, dataLength) + dataLength;
		}
		Arrays.fill(image, at, at + COUNT, (byte) 0xFF);
		return image;
	}

	private static int count(byte[] image, int at, int cc, int hh, int r, int dataLength) {
		put16(image, at, cc);
		put16(image, at + 2, hh);
		image[at + 4] = (byte) r;
		put16(image, at + 6, dataLength);
		return at + COUNT;
	}

	/**
	 * The track number of a cylinder and head as stored (CC, HH): past cylinder 65520 (extended address
	 * volumes) the cylinder's high 12 bits are in the head's high bits.
	 */
	static long trackOf(int cc, int hh, int heads) {
		long cylinder = cc | (long) (hh & 0xFFF0) << 12;
		return cylinder * heads + (hh & 0xF);
	}

	/** The user data records (R1 on), without R0, which belongs to the track's housekeeping. */
	List<Record> dataRecords() {
		return records.isEmpty() || records.get(0).number() != 0 ? records : records.subList(1, records.size());
	}

	private static boolean isEnd(byte[] image, int at) {
		for (int i = 0; i < COUNT; i++) {
			if (image[at + i] != (byte) 0xFF) {
				return false;
			}
		}
		return true;
	}

	private static int u16(byte[] b, int at) {
		return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
	}

	private static void put16(byte[] b, int at, int v) {
		b[at] = (byte) (v >>> 8);
		b[at + 1] = (byte) v;
	}

	private static FsException corrupt(String what, int track, String why) {
		return new FsException(Errno.EIO, what + ": track " + track + ": " + why);
	}
}
