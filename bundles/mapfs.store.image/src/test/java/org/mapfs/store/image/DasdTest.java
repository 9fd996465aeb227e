package org.mapfs.store.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * Mainframe DASD volumes made by Hercules' own tools: a 3390 from {@code dasdinit -linux} (CDL) with a partition
 * written by {@link DasdWriter} and seen by {@code dasdls}, the same volume in LDL layout, an FBA volume from {@code dasdinit -r}, both also
 * compressed by {@code dasdcopy} and checked by {@code cckdcdsk}; each read back byte for byte as the partition
 * image, then as a store.
 */
@Timeout(120)
class DasdTest {
	private static final String VOLSER = "LNX001";

	@TempDir
	static Path dir;
	static Path source;
	static byte[] partition;

	@BeforeAll
	static void makePartitionImage() throws Exception {
		source = dir.resolve("src");
		SourceTree.build(source, 50, false);
		Path img = dir.resolve("part.img");
		Tools.run("mke2fs", "-q", "-F", "-t", "ext4", "-b", "4096", "-d", source.toString(), img.toString(), "16M");
		partition = Files.readAllBytes(img);
	}

	/** A CDL volume as dasdinit made it, and as dasdcopy compresses it ({@code -z} zlib, {@code -bz2} bzip2). */
	@ParameterizedTest(name = "compression {0}")
	@ValueSource(strings = { "none", "-z", "-bz2" })
	void ckdCdl(String compression) throws Exception {
		Path ckd = dir.resolve("cdl" + compression + ".ckd");
		Tools.run("dasdinit", "-linux", ckd.toString(), "3390", VOLSER, "30");
		int last = DasdWriter.cdl(ckd, partition, VOLSER);
		assertTrue(Tools.run("dasdls", ckd.toString()).contains("LINUX.V" + VOLSER + ".PART0001.NATIVE"),
				"dasdls lists the partition");
		Path volume = ckd;
		if (!compression.equals("none")) {
			volume = dir.resolve("cdl" + compression + ".cckd");
			Tools.run("dasdcopy", "-q", compression, ckd.toString(), volume.toString());
			Tools.run("cckdcdsk", "-3", volume.toString());
		}
		Container c = Images.open(volume, 1 << 20);
		assertEquals("ckd 3390 cdl volser " + VOLSER, c.kind());
		assertEquals(1, c.partitions().size());
		assertTrue(c.partitions().get(0).type().contains("tracks 2-" + last), c.partitions().get(0).type());
		c.close();
		String info = ImageInfo.describe(volume, 0);
		assertTrue(info.contains("container:       ckd 3390 cdl volser " + VOLSER)
				&& info.contains("partition 1:     start 98304") && info.contains("file system:     ext4"), info);
		readsBack(volume);
	}

	@Test
	void ckdLdl() throws Exception {
		Path ckd = dir.resolve("ldl.ckd");
		Tools.run("dasdinit", "-linux", ckd.toString(), "3390", VOLSER, "30");
		DasdWriter.ldl(ckd, partition, VOLSER);
		Container c = Images.open(ckd, 1 << 20);
		assertEquals("ckd 3390 ldl volser " + VOLSER, c.kind());
		c.close();
		readsBack(ckd);
	}

	/** A volume that dasdinit made compressed from the start: its empty tracks are null tracks. */
	@Test
	void nullTracksReadAsFormatted() throws Exception {
		Path cckd = dir.resolve("null.cckd");
		Tools.run("dasdinit", "-z", "-linux", cckd.toString(), "3390", "LNX002", "10");
		Container c = Images.open(cckd, 1 << 20);
		assertEquals("ckd 3390 cdl volser LNX002", c.kind());
		FsException e = assertThrows(FsException.class, () -> c.select(0));
		assertEquals(Errno.ENOENT, e.errno());
		c.close();
		Container again = Images.open(cckd, 1 << 20);
		BlockDevice device = new CkdPartitionDevice(volume(cckd), 2, 149, "tracks");
		assertEquals(148L * 12 * 4096, device.size());
		assertEquals(ByteBuffer.allocate(4096), device.read(100L * 4096, 4096));
		device.close();
		again.close();
	}

	@Test
	void fbaPlainAndCompressed() throws Exception {
		Path fba = dir.resolve("vol.fba");
		Tools.run("dasdinit", "-r", fba.toString(), "9336", "40000");
		// Linux's partition of an unlabelled FBA volume starts at block 2
		Tools.run("dd", "if=" + dir.resolve("part.img"), "of=" + fba, "bs=512", "seek=2", "conv=notrunc",
				"status=none");
		Container c = Images.open(fba, 1 << 20);
		assertEquals("unlabelled fba", c.kind());
		c.close();
		readsBack(fba);
		for (String compression : List.of("-z", "-bz2")) {
			Path cfba = dir.resolve("vol" + compression + ".cfba");
			Tools.run("dasdcopy", "-q", compression, fba.toString(), cfba.toString());
			Tools.run("cckdcdsk", "-3", cfba.toString());
			Container cc = Images.open(cfba, 1 << 20);
			assertEquals("cfba unlabelled fba", cc.kind());
			cc.close();
			readsBack(cfba);
		}
	}

	private static CkdVolume volume(Path image) throws Exception {
		FileDevice file = FileDevice.open(image);
		DasdHeader header = DasdHeader.read(file);
		TrackImages tracks = header.kind().equals(DasdHeader.CKD) ? new CkdImage(file, header)
				: new CckdImage(file, header.trackSize(), cylinders -> cylinders * header.heads(),
						(track, format) -> CkdTrack.nullTrack(track, header.heads(), format));
		return new CkdVolume(image.toString(), header, tracks, 1 << 20);
	}

	/** The default partition holds the partition image byte for byte, and the store shows the source tree. */
	private static void readsBack(Path image) throws Exception {
		Container c = Images.open(image, 4 << 20);
		try {
			BlockDevice device = c.select(0);
			assertTrue(device.size() >= partition.length, "partition of " + device.size() + " bytes");
			assertArrayEquals(partition, device.read(0, partition.length).array(), image + ": partition data");
		} finally {
			c.close();
		}
		ImageStore store = ImageStore.open("dasd", image, 0, 8 << 20);
		try {
			new TreeComparison(source, store, Set.of()).compareAll();
		} finally {
			store.close();
		}
	}
}
