package org.mapfs.store.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/** The bzip2 decoder against the bzip2 tool: many blocks, long runs, all byte values; damage is an error. */
@Timeout(30)
class Bzip2Test {
	@TempDir
	Path dir;

	@Test
	void decodesWhatTheToolEncodes() throws Exception {
		byte[] data = sample();
		byte[] packed = compress(data);
		byte[] out = new byte[data.length];
		assertEquals(data.length, Bzip2.decompress(packed, 0, out, 0, "sample"));
		assertArrayEquals(data, out);
	}

	@Test
	void refusesDamageAndOverflow() throws Exception {
		byte[] data = sample();
		byte[] packed = compress(data);
		FsException e = assertThrows(FsException.class,
				() -> Bzip2.decompress(packed, 0, new byte[data.length - 1], 0, "short"));
		assertEquals(Errno.EIO, e.errno());
		assertThrows(FsException.class,
				() -> Bzip2.decompress(Arrays.copyOf(packed, packed.length / 2), 0, new byte[data.length], 0, "cut"));
		byte[] flipped = packed.clone();
		flipped[packed.length / 3] ^= 0x10;
		assertThrows(FsException.class, () -> Bzip2.decompress(flipped, 0, new byte[data.length], 0, "flipped"));
	}

	/** 600 KB: random bytes, runs of every length up to 300, text; with -1, six blocks of 100 KB. */
	private static byte[] sample() {
		Random random = new Random(3);
		byte[] data = new byte[600_000];
		int at = 0;
		while (at < data.length) {
			int n = Math.min(data.length - at, 1 + random.nextInt(300));
			switch (random.nextInt(3)) {
				case 0 -> Arrays.fill(data, at, at + n, (byte) random.nextInt(256));
				case 1 -> {
					for (int i = 0; i < n; i++) {
						data[at + i] = (byte) random.nextInt(256);
					}
				}
				default -> {
					for (int i = 0; i < n; i++) {
						data[at + i] = (byte) ("the quick brown fox ".charAt(i % 20));
					}
				}
			}
			at += n;
		}
		return data;
	}

	private byte[] compress(byte[] data) throws Exception {
		Path in = dir.resolve("data");
		Files.write(in, data);
		Tools.run("bzip2", "-1", "-k", in.toString());
		return Files.readAllBytes(dir.resolve("data.bz2"));
	}
}
