package org.mapfs.store.image;

import java.nio.ByteBuffer;

/**
 * CRC32C (Castagnoli) as ext4 computes it: the raw register update from a given seed, without the final
 * inversion, which java.util.zip.CRC32C cannot start from.
 */
final class Crc32c {
	private static final int[] TABLE = new int[256];

	static {
		for (int i = 0; i < 256; i++) {
			int c = i;
			for (int k = 0; k < 8; k++) {
				c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
			}
			TABLE[i] = c;
		}
	}

	private Crc32c() {
	}

	static int update(int crc, ByteBuffer b, int offset, int length) {
		int c = crc;
		for (int i = offset, end = offset + length; i < end; i++) {
			c = TABLE[(c ^ b.get(i)) & 0xFF] ^ (c >>> 8);
		}
		return c;
	}

	static int update(int crc, byte[] b) {
		return update(crc, ByteBuffer.wrap(b), 0, b.length);
	}

	/** Updates with a 32-bit value as ext4 stores it, little-endian. */
	static int updateInt(int crc, int value) {
		int c = crc;
		for (int i = 0; i < 4; i++) {
			c = TABLE[(c ^ (value >>> (8 * i))) & 0xFF] ^ (c >>> 8);
		}
		return c;
	}

	/** Updates with {@code n} zero bytes: a checksum field counted as zero. */
	static int zeros(int crc, int n) {
		int c = crc;
		for (int i = 0; i < n; i++) {
			c = TABLE[c & 0xFF] ^ (c >>> 8);
		}
		return c;
	}

	/** Updates with a 64-bit value, little-endian. */
	static int updateLong(int crc, long value) {
		return updateInt(updateInt(crc, (int) value), (int) (value >>> 32));
	}
}
