package org.mapfs.store.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/** Whole-disk images: an ext4 image written into an MBR logical partition or a GPT partition, found and read. */
@Timeout(60)
class PartitionTest {
	private static final int SECTOR = 512;

	@TempDir
	static Path dir;
	static Path source;
	static Path fs;

	@BeforeAll
	static void makeFileSystem() throws Exception {
		source = dir.resolve("src");
		SourceTree.build(source, 50, false);
		fs = dir.resolve("fs.img");
		Tools.run("mke2fs", "-q", "-F", "-t", "ext4", "-b", "4096", "-d", source.toString(), fs.toString(), "16M");
	}

	/** A disk with a FAT primary, and in the extended partition a swap and the Linux logical partition (6). */
	@Test
	void mbrWithLogicalPartitions() throws Exception {
		Path disk = disk("mbr.img", 48);
		sfdisk(disk, """
				label: dos
				start=2048, size=8192, type=c
				start=10240, size=79872, type=5
				start=12288, size=8192, type=82
				start=22528, size=40960, type=83
				""");
		place(disk, 22528);
		Container c = Images.open(disk, 1 << 20);
		assertEquals("mbr", c.kind());
		assertEquals(List.of(1, 5, 6), c.partitions().stream().map(Partition::number).toList());
		readsBack(disk, 0);
		readsBack(disk, 6);
		FsException e = assertThrows(FsException.class, () -> ImageStore.open("t", disk, 1, 1 << 20));
		assertEquals(Errno.EINVAL, e.errno(), e.getMessage());
		e = assertThrows(FsException.class, () -> ImageStore.open("t", disk, 7, 1 << 20));
		assertTrue(e.getMessage().contains("no partition 7"), e.getMessage());
	}

	@Test
	void gpt() throws Exception {
		Path disk = disk("gpt.img", 48);
		Tools.run("sgdisk", "-n", "1:2048:+4M", "-t", "1:8200", "-n", "2:0:+20M", "-t", "2:8300", "-c", "2:root",
				disk.toString());
		Container c = Images.open(disk, 1 << 20);
		assertEquals("gpt", c.kind());
		Partition root = c.partitions().get(1);
		assertTrue(root.linux() && root.type().contains("'root'"), root.toString());
		place(disk, root.start() / SECTOR);
		readsBack(disk, 0);
		readsBack(disk, 2);
	}

	private static Path disk(String name, int mib) throws Exception {
		Path disk = dir.resolve(name);
		try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
			f.setLength(mib << 20);
		}
		return disk;
	}

	private static void sfdisk(Path disk, String script) throws Exception {
		Path in = dir.resolve("sfdisk.txt");
		Files.writeString(in, script);
		Tools.run("sh", "-c", "sfdisk -q '" + disk + "' < '" + in + "'");
	}

	private static void place(Path disk, long sector) throws Exception {
		Tools.run("dd", "if=" + fs, "of=" + disk, "bs=512", "seek=" + sector, "conv=notrunc", "status=none");
	}

	private static void readsBack(Path disk, int partition) throws Exception {
		ImageStore store = ImageStore.open("t", disk, partition, 4 << 20);
		try {
			new TreeComparison(source, store, Set.of()).compareAll();
		} finally {
			store.close();
		}
	}
}
