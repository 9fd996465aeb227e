package org.mapfs.store.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/** File systems this reader must refuse, each with a message that names the reason. */
@Timeout(30)
class FeatureTest {
	@TempDir
	Path dir;

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "casefold, 8M", "encrypt, 8M", "bigalloc, 32M" })
	void refusesFeature(String feature, String size) throws Exception {
		Path img = dir.resolve("fs.img");
		Tools.run("mke2fs", "-q", "-F", "-t", "ext4", "-O", feature, img.toString(), size);
		assertRefused(img, Errno.ENOTSUP, feature);
	}

	@Test
	void refusesAJournalThatNeedsRecovery() throws Exception {
		Path img = ext4();
		Tools.run("debugfs", "-w", "-R", "feature needs_recovery", img.toString());
		assertRefused(img, Errno.ENOTSUP, "needs_recovery");
	}

	@Test
	void refusesAnUnknownIncompatibleFeature() throws Exception {
		Path img = ext4();
		patchSuperblock(img, sb -> sb.putInt(Feature.Set.INCOMPAT.offset, sb.getInt(Feature.Set.INCOMPAT.offset)
				| 1 << 31), true);
		assertRefused(img, Errno.ENOTSUP, "FEATURE_I31");
	}

	@Test
	void refusesASuperblockWithABadChecksum() throws Exception {
		Path img = ext4();
		patchSuperblock(img, sb -> sb.put(0x78, (byte) 'X'), false);
		assertRefused(img, Errno.EIO, "superblock checksum mismatch");
	}

	@Test
	void refusesWhatIsNoFileSystem() throws Exception {
		Path img = dir.resolve("zeros.img");
		try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
			f.setLength(1 << 20);
		}
		assertRefused(img, Errno.EINVAL, "no ext2/ext3/ext4 file system");
	}

	private Path ext4() throws Exception {
		Path img = dir.resolve("fs.img");
		Tools.run("mke2fs", "-q", "-F", "-t", "ext4", img.toString(), "8M");
		return img;
	}

	interface Patch {
		void apply(ByteBuffer superblock);
	}

	/** Changes the superblock in place; {@code fixChecksum}: recompute its crc32c as a tool would. */
	private static void patchSuperblock(Path img, Patch patch, boolean fixChecksum) throws Exception {
		try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
			byte[] b = new byte[Superblock.SIZE];
			f.seek(Superblock.OFFSET);
			f.readFully(b);
			ByteBuffer sb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
			patch.apply(sb);
			if (fixChecksum) {
				sb.putInt(0x3FC, Crc32c.update(~0, sb, 0, 0x3FC));
			}
			f.seek(Superblock.OFFSET);
			f.write(b);
		}
	}

	private static void assertRefused(Path img, Errno errno, String text) {
		FsException e = assertThrows(FsException.class, () -> ImageStore.open("t", img, 0, 1 << 20));
		assertEquals(errno, e.errno(), e.getMessage());
		assertTrue(e.getMessage().contains(text), e.getMessage());
	}
}
