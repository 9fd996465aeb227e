package org.mapfs.store.image;

import java.nio.ByteBuffer;

/** CRC-16 (poly 0x8005, reflected) of the uninit_bg group descriptor checksum, which predates metadata_csum. */
final class Crc16 {
	private static final int[] TABLE = new int[256];

	static {
		for (int i = 0; i < 256; i++) {
			int c = i;
			for (int k = 0; k < 8; k++) {
				c = (c & 1) != 0 ? (c >>> 1) ^ 0xA001 : c >>> 1;
			}
			TABLE[i] = c;
		}
	}

	private Crc16() {
	}

	static int update(int crc, ByteBuffer b, int offset, int length) {
		int c = crc & 0xFFFF;
		for (int i = offset, end = offset + length; i < end; i++) {
			c = TABLE[(c ^ b.get(i)) & 0xFF] ^ (c >>> 8);
		}
		return c;
	}
}
