package org.mapfs.store.image;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The test fixture that does what fdasd, dasdfmt and dd would on a real volume, on a plain (uncompressed) CKD
 * file made by {@code dasdinit -linux}, walking the count fields it wrote. CDL: writes a partition image into
 * the 4 KiB records from track 2 on, and adds the partition's format-1 DSCB
 * ({@code LINUX.V<volser>.PART0001.NATIVE}, one extent to the last track) to the VTOC on track 1. LDL: formats
 * tracks 0 and 1 like the others (twelve 4 KiB records), puts the LNX1 label into block 2 and the partition
 * image from block 3 on.
 */
final class DasdWriter {
	private static final int HEADER = 512;
	private static final int HOME_ADDRESS = 5;
	private static final int FIRST_TRACK = 2;
	private static final int VTOC_TRACK = 1;
	private static final int RECORDS = 12;
	private static final int RECORD = 4096;

	private DasdWriter() {
	}

	/** Writes a CDL partition; returns the number of its last track. */
	static int cdl(Path volume, byte[] partition, String volser) throws IOException {
		try (RandomAccessFile f = new RandomAccessFile(volume.toFile(), "rw")) {
			int[] geometry = geometry(f);
			int heads = geometry[0];
			int trackSize = geometry[1];
			int tracks = (int) ((f.length() - HEADER) / trackSize);
			writeRecords(f, FIRST_TRACK, trackSize, partition);
			byte[] vtoc = read(f, VTOC_TRACK, trackSize);
			for (int[] r : records(vtoc)) {
				// the first free DSCB slot: a 44-byte key of zeros
				if (r[1] == 44 && vtoc[r[3]] == 0 && vtoc[r[3] - 44] == 0) {
					dscb(vtoc, r[3] - 44, volser, FIRST_TRACK, tracks - 1, heads);
					break;
				}
			}
			write(f, VTOC_TRACK, trackSize, vtoc);
			return tracks - 1;
		}
	}

	/** Makes an LDL volume: the label in block 2, the partition from block 3. */
	static void ldl(Path volume, byte[] partition, String volser) throws IOException {
		try (RandomAccessFile f = new RandomAccessFile(volume.toFile(), "rw")) {
			int[] geometry = geometry(f);
			for (int t = 0; t <= VTOC_TRACK; t++) {
				write(f, t, geometry[1], linuxTrack(t, geometry[0], geometry[1]));
			}
			byte[] blocks = new byte[3 * RECORD + partition.length];
			put(blocks, 2 * RECORD, 4, "LNX1");
			put(blocks, 2 * RECORD + 4, 6, volser);
			System.arraycopy(partition, 0, blocks, 3 * RECORD, partition.length);
			writeRecords(f, 0, geometry[1], blocks);
		}
	}

	/** {heads, track size} from the volume's header. */
	private static int[] geometry(RandomAccessFile f) throws IOException {
		byte[] header = new byte[HEADER];
		f.seek(0);
		f.readFully(header);
		ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
		return new int[] { h.getInt(8), h.getInt(12) };
	}

	/** Writes {@code data} into the user records of the tracks from {@code first} on. */
	private static void writeRecords(RandomAccessFile f, int first, int trackSize, byte[] data) throws IOException {
		int tracks = (int) ((f.length() - HEADER) / trackSize);
		int at = 0;
		for (int t = first; t < tracks && at < data.length; t++) {
			byte[] track = read(f, t, trackSize);
			for (int[] r : records(track)) {
				if (r[0] >= 1 && at < data.length) {
					System.arraycopy(data, at, track, r[3], Math.min(r[2], data.length - at));
					at += r[2];
				}
			}
			write(f, t, trackSize, track);
		}
		if (at < data.length) {
			throw new IOException("the partition image does not fit on the volume");
		}
	}

	/** A track as dasdfmt formats it for Linux: R0, then twelve keyless 4 KiB records of zeros. */
	private static byte[] linuxTrack(int track, int heads, int trackSize) {
		ByteBuffer b = ByteBuffer.allocate(trackSize);
		short cc = (short) (track / heads);
		short hh = (short) (track % heads);
		b.put((byte) 0).putShort(cc).putShort(hh);
		b.putShort(cc).putShort(hh).put((byte) 0).put((byte) 0).putShort((short) 8).put(new byte[8]);
		for (int r = 1; r <= RECORDS; r++) {
			b.putShort(cc).putShort(hh).put((byte) r).put((byte) 0).putShort((short) RECORD).put(new byte[RECORD]);
		}
		for (int i = 0; i < 8; i++) {
			b.put((byte) 0xFF);
		}
		return b.array();
	}

	/** Each record as {number, key length, data length, data offset}. */
	private static List<int[]> records(byte[] track) {
		List<int[]> list = new ArrayList<>();
		int at = HOME_ADDRESS;
		while ((track[at] & 0xFF) != 0xFF || (track[at + 1] & 0xFF) != 0xFF) {
			int keyLength = track[at + 5] & 0xFF;
			int dataLength = (track[at + 6] & 0xFF) << 8 | track[at + 7] & 0xFF;
			list.add(new int[] { track[at + 4] & 0xFF, keyLength, dataLength, at + 8 + keyLength });
			at += 8 + keyLength + dataLength;
		}
		return list;
	}

	/** A format-1 DSCB: key the data set name; data the format id, volser, dates, one extent of tracks. */
	private static void dscb(byte[] b, int at, String volser, int first, int last, int heads) {
		put(b, at, 44, "LINUX.V" + volser + ".PART0001.NATIVE");
		int d = at + 44;
		b[d] = (byte) 0xF1;
		put(b, d + 1, 6, volser);
		b[d + 8] = 1;
		b[d + 9] = 125; // created in 2025 (years since 1900), day 1
		b[d + 11] = 1;
		b[d + 15] = 1; // one extent
		put(b, d + 18, 13, "IBM LINUX");
		b[d + 38] = 0x40; // DSORG PS
		b[d + 40] = (byte) 0x88; // RECFM FB
		b[d + 42] = 0x10; // block size 4096
		int e = d + 61;
		b[e] = 0x01; // extent type: data
		cchh(b, e + 2, first, heads);
		cchh(b, e + 6, last, heads);
	}

	private static void cchh(byte[] b, int at, int track, int heads) {
		int cc = track / heads;
		int hh = track % heads;
		b[at] = (byte) (cc >>> 8);
		b[at + 1] = (byte) cc;
		b[at + 2] = (byte) (hh >>> 8);
		b[at + 3] = (byte) hh;
	}

	/** EBCDIC of letters, digits and '.', blank-padded. */
	private static void put(byte[] b, int at, int length, String s) {
		for (int i = 0; i < length; i++) {
			char c = i < s.length() ? s.charAt(i) : ' ';
			b[at + i] = (byte) (c == ' ' ? 0x40 : c == '.' ? 0x4B : c >= '0' && c <= '9' ? 0xF0 + c - '0'
					: c <= 'I' ? 0xC1 + c - 'A' : c <= 'R' ? 0xD1 + c - 'J' : 0xE2 + c - 'S');
		}
	}

	private static byte[] read(RandomAccessFile f, int track, int trackSize) throws IOException {
		byte[] b = new byte[trackSize];
		f.seek(HEADER + (long) track * trackSize);
		f.readFully(b);
		return b;
	}

	private static void write(RandomAccessFile f, int track, int trackSize, byte[] b) throws IOException {
		f.seek(HEADER + (long) track * trackSize);
		f.write(b);
	}
}
