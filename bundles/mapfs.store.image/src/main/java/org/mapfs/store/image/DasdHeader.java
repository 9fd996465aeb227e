package org.mapfs.store.image;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * The 512-byte header of a Hercules DASD image (CKDDASD_DEVHDR): its kind ({@code CKD_P370} plain CKD,
 * {@code CKD_C370} compressed CKD, {@code FBA_C370} compressed FBA), heads per cylinder and track size
 * (little-endian), device type. A plain FBA image has no header: it is a row of 512-byte sectors.
 */
record DasdHeader(String kind, int heads, int trackSize, int deviceType) {
	static final int SIZE = 512;
	static final String CKD = "CKD_P370";
	static final String CCKD = "CKD_C370";
	static final String CFBA = "FBA_C370";
	/** A track holds at least its home address, R0 and the end-of-track mark; none is larger than 3390-9's. */
	private static final int MAX_TRACK = 1 << 20;

	/** The header of a Hercules image, or null if the device does not start with one. */
	static DasdHeader read(BlockDevice device) throws FsException {
		if (device.size() < SIZE) {
			return null;
		}
		ByteBuffer b = device.read(0, SIZE);
		String kind = new String(b.array(), 0, 8, StandardCharsets.US_ASCII);
		if (!kind.equals(CKD) && !kind.equals(CCKD) && !kind.equals(CFBA)) {
			return null;
		}
		int heads = b.getInt(8);
		int trackSize = b.getInt(12);
		int fileSeq = Byte.toUnsignedInt(b.get(17));
		if (fileSeq != 0) {
			throw new FsException(Errno.ENOTSUP, device.name() + ": file " + fileSeq
					+ " of a multi-file DASD volume; only single-file volumes are read");
		}
		if (!kind.equals(CFBA) && (heads <= 0 || heads > 0xFFFF || trackSize < 32 || trackSize > MAX_TRACK)) {
			throw new FsException(Errno.EIO, device.name() + ": bad CKD header: " + heads + " heads, tracks of "
					+ trackSize + " bytes");
		}
		return new DasdHeader(kind, heads, trackSize, Byte.toUnsignedInt(b.get(16)));
	}

	/** The device type as IBM names it (0x90: 3390). */
	String deviceName() {
		return switch (deviceType) {
			case 0x90 -> "3390";
			case 0x80 -> "3380";
			case 0x50 -> "3350";
			case 0x40 -> "3340";
			case 0x30 -> "3330";
			case 0x75 -> "3375";
			case 0x11 -> "2311";
			case 0x14 -> "2314";
			case 0x45 -> "9345";
			default -> kind.equals(CFBA) ? "FBA" : String.format("type %02x", deviceType);
		};
	}
}
