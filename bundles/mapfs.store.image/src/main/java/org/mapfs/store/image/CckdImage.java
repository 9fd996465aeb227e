package org.mapfs.store.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.LongUnaryOperator;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * A compressed Hercules DASD file (CCKD for CKD, CFBA for FBA): after the device header, the compressed device
 * header (CCKDDASD_DEVHDR: byte order, table sizes, cylinders or sectors, null track format), the level-1 table
 * of level-2 table offsets, and per track a level-2 entry (offset, length) of its image: a 5-byte header whose
 * low bits name the compression (none, zlib, bzip2), then the data. A track without an image is a null track,
 * made up in the format its entry (or the header) names.
 */
final class CckdImage implements TrackImages {
	private static final int CDEVHDR = DasdHeader.SIZE;
	private static final int L1 = 2 * DasdHeader.SIZE;
	private static final int BIG_ENDIAN = 0x02;
	private static final int L2_ENTRY = 8;
	private static final long NO_TABLE = 0xFFFFFFFFL;
	static final int TRACK_HEADER = 5;

	/** Makes a null track: its image in a given null format. */
	interface NullTracks {
		byte[] make(int track, int format) throws FsException;
	}

	private final BlockDevice file;
	private final ByteOrder order;
	private final int perL2;
	private final long[] l1;
	private final int count;
	private final long units;
	private final int trackSize;
	private final int nullFormat;
	private final NullTracks nullTracks;
	private final LruCache<Integer, ByteBuffer> l2Tables;

	/**
	 * {@code tracksOf}: how many tracks the header's size makes (it counts cylinders of CKD, sectors of FBA).
	 */
	CckdImage(BlockDevice file, int trackSize, LongUnaryOperator tracksOf, NullTracks nullTracks) throws FsException {
		this.file = file;
		this.trackSize = trackSize;
		this.nullTracks = nullTracks;
		ByteBuffer h = file.read(CDEVHDR, DasdHeader.SIZE);
		order = (h.get(3) & BIG_ENDIAN) != 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
		h.order(order);
		long numL1 = Integer.toUnsignedLong(h.getInt(4));
		perL2 = h.getInt(8);
		units = Integer.toUnsignedLong(h.getInt(0x28));
		nullFormat = Byte.toUnsignedInt(h.get(0x2C));
		long tracks = tracksOf.applyAsLong(units);
		if (perL2 <= 0 || perL2 > 65536 || numL1 * L2_ENTRY > file.size() || tracks > numL1 * perL2) {
			throw new FsException(Errno.EIO, file.name() + ": bad compressed DASD header: " + numL1 + " x " + perL2
					+ " table entries for " + tracks + " tracks");
		}
		count = (int) tracks;
		ByteBuffer table = file.read(L1, (int) numL1 * 4).order(order);
		l1 = new long[(int) numL1];
		for (int i = 0; i < l1.length; i++) {
			l1[i] = Integer.toUnsignedLong(table.getInt(i * 4));
		}
		l2Tables = new LruCache<>(1 << 20, b -> b.capacity() + 64);
	}

	/** The device's size as the header gives it: cylinders of a CKD volume, sectors of an FBA one. */
	long units() {
		return units;
	}

	@Override
	public int count() {
		return count;
	}

	@Override
	public byte[] track(int n) throws FsException {
		TrackImages.check(n, count, file.name());
		long table = l1[n / perL2];
		if (table == 0 || table == NO_TABLE) {
			return nullTracks.make(n, nullFormat);
		}
		ByteBuffer l2 = l2Tables.get(n / perL2, i -> file.read(table, perL2 * L2_ENTRY).order(order));
		int at = (n % perL2) * L2_ENTRY;
		long pos = Integer.toUnsignedLong(l2.getInt(at));
		int length = Short.toUnsignedInt(l2.getShort(at + 4));
		if (pos == 0 || pos == NO_TABLE) {
			// an absent track: its entry's length names its null format, 0 the volume's
			return nullTracks.make(n, length == 0 ? nullFormat : length);
		}
		if (length < TRACK_HEADER || length > trackSize) {
			throw new FsException(Errno.EIO, file.name() + ": track " + n + ": image of " + length + " bytes");
		}
		byte[] stored = file.read(pos, length).array();
		String what = file.name() + ": track " + n;
		int compression = stored[0] & 0x03;
		if (compression == 0) {
			return stored;
		}
		// the image: the header (now saying uncompressed), then the data as it was before compression
		byte[] image = new byte[trackSize];
		System.arraycopy(stored, 1, image, 1, TRACK_HEADER - 1);
		int data = switch (compression) {
			case 1 -> inflate(stored, image, what);
			case 2 -> Bzip2.decompress(stored, TRACK_HEADER, image, TRACK_HEADER, what);
			default -> throw new FsException(Errno.EIO, what + ": unknown compression");
		};
		return data == trackSize - TRACK_HEADER ? image : Arrays.copyOf(image, TRACK_HEADER + data);
	}

	/** Inflates the data after the header into {@code image}; returns its length. */
	private static int inflate(byte[] stored, byte[] image, String what) throws FsException {
		Inflater inflater = new Inflater();
		try {
			inflater.setInput(stored, TRACK_HEADER, stored.length - TRACK_HEADER);
			int length = inflater.inflate(image, TRACK_HEADER, image.length - TRACK_HEADER);
			if (!inflater.finished()) {
				throw new FsException(Errno.EIO, what + ": does not inflate to at most " + image.length + " bytes");
			}
			return length;
		} catch (DataFormatException e) {
			throw new FsException(Errno.EIO, null, what + ": " + e.getMessage(), e);
		} finally {
			inflater.end();
		}
	}

	@Override
	public void close() throws FsException {
		file.close();
	}
}
