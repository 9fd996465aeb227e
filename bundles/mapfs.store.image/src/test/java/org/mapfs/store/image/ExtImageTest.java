package org.mapfs.store.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileData;
import org.mapfs.api.FsPath;
import org.mapfs.api.StatFs;

/**
 * ext2, ext3 and ext4 images made by {@code mke2fs -d} from {@link SourceTree}, with 1 KiB and 4 KiB blocks and
 * feature variations, read back through the store and compared with the tree and with debugfs.
 */
@Timeout(60)
class ExtImageTest {
	static final long CACHE = 16L << 20;

	@TempDir
	static Path shared;

	/**
	 * One way to make the file system: mke2fs options, the size of the big directory (mke2fs -d inserts entries
	 * linearly: 10,000 take seconds, so only one layout has them), whether debugfs can preallocate unwritten
	 * extents in it (not with indirect blocks, nor inline data, where mke2fs keeps an all-zero file inline),
	 * and whether inodes have room for nanoseconds; {@code mke2fsBug}: a file whose size mke2fs 1.47.0 records
	 * wrongly (with inline_data, a sparse file loses its last MiB), checked against debugfs only.
	 */
	record Layout(String name, int entries, boolean prealloc, boolean nanoseconds, List<String> mke2fs,
			Set<String> mke2fsBug) {
		Layout(String name, int entries, boolean prealloc, boolean nanoseconds, List<String> mke2fs) {
			this(name, entries, prealloc, nanoseconds, mke2fs, Set.of());
		}

		@Override
		public String toString() {
			return name;
		}
	}

	static Stream<Arguments> layouts() {
		return Stream.of(
				new Layout("ext2 1k 128-byte inodes", 1000, false, false,
						List.of("-t", "ext2", "-b", "1024", "-I", "128")),
				new Layout("ext3 1k", 1000, false, true, List.of("-t", "ext3", "-b", "1024")),
				new Layout("ext4 4k defaults 4 groups", SourceTree.BIG_DIR_ENTRIES, true, true,
						List.of("-t", "ext4", "-b", "4096", "-g", "8192")),
				new Layout("ext4 1k inline_data metadata_csum_seed large_dir orphan_file", 1000, false, true,
						List.of("-t", "ext4", "-b", "1024", "-O", "inline_data,metadata_csum_seed,large_dir,orphan_file"),
						Set.of("files/sparse-70m")),
				new Layout("ext4 4k indirect blocks", 1000, false, true,
						List.of("-t", "ext4", "-b", "4096", "-g", "8192", "-O", "^extent,^64bit")),
				// 100 groups of 24 inodes: the files reach past the first meta group (32 descriptors per block)
				new Layout("ext4 1k meta_bg 32-byte descriptors uninit_bg", 1000, true, true,
						List.of("-t", "ext4", "-b", "1024", "-g", "1024", "-N", "2400", "-O",
								"meta_bg,^resize_inode,^64bit,^metadata_csum,uninit_bg")))
				.map(Arguments::of);
	}

	/** The source tree with a big directory of {@code entries}, built once per size. */
	static synchronized Path source(int entries) throws Exception {
		Path source = shared.resolve("src-" + entries);
		if (!Files.isDirectory(source)) {
			SourceTree.build(source, entries, true);
		}
		return source;
	}

	/** Makes the image: mke2fs -d, htree with e2fsck -fyD, then a preallocated (unwritten) extent where extents are. */
	static Path image(Path dir, Layout layout) throws Exception {
		Path img = dir.resolve("fs.img");
		List<String> cmd = new ArrayList<>(List.of("mke2fs", "-q", "-F", "-N", "16384", "-L", "mapfs-test", "-d",
				source(layout.entries()).toString()));
		cmd.addAll(layout.mke2fs());
		cmd.addAll(List.of(img.toString(), "100M"));
		Tools.run(cmd);
		Tools.run(List.of("e2fsck", "-fyD", img.toString()), 0, 1);
		if (layout.prealloc()) {
			debugfs(img, true, "fallocate /files/prealloc 0 99");
		}
		if (layout.nanoseconds()) {
			// mke2fs -d keeps whole seconds only: set nanoseconds and the epoch bits (2100) directly
			debugfs(img, true, "sif /modes/future mtime 0xF4865700");
			debugfs(img, true, "sif /modes/future mtime_extra " + ((500_000_000L << 2) | 1));
			debugfs(img, true, "sif /modes/old mtime_extra " + (123_456_789L << 2));
		}
		Tools.run("e2fsck", "-fn", img.toString());
		return img;
	}

	static String debugfs(Path img, boolean write, String request) throws Exception {
		List<String> cmd = new ArrayList<>(List.of("debugfs"));
		if (write) {
			cmd.add("-w");
		}
		cmd.addAll(List.of("-R", request, img.toString()));
		return Tools.run(cmd);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("layouts")
	void readsBackTheTree(Layout layout, @TempDir Path dir) throws Exception {
		Path img = image(dir, layout);
		ImageStore store = ImageStore.open("test", img, 0, CACHE);
		try {
			int compared = new TreeComparison(source(layout.entries()), store, layout.mke2fsBug()).compareAll();
			assertTrue(compared > layout.entries(), "compared " + compared);

			if (layout.nanoseconds()) {
				assertEquals(4_102_444_800_500_000_000L, store.stat(FsPath.of("modes/future")).mtimeNs());
				assertEquals(946_684_799_123_456_789L, store.stat(FsPath.of("modes/old")).mtimeNs());
			}

			FileAttributes target = store.stat(FsPath.of("links/target.txt"));
			assertEquals(target.ino(), store.stat(FsPath.of("links/hard1")).ino());
			assertEquals(3, target.nlink());

			long bigDir = store.stat(FsPath.of("bigdir")).ino();
			assertTrue(store.fileSystem().inode(bigDir).has(Inode.INDEX_FL), "bigdir is an htree");
			Superblock sb = store.fileSystem().superblock();
			if (sb.has(Feature.META_BG)) {
				long last = store.list(FsPath.of("bigdir")).stream().mapToLong(e -> e.ino()).max().orElse(0);
				long perMetaGroup = sb.blockSize / sb.descSize;
				assertTrue((last - 1) / sb.inodesPerGroup >= perMetaGroup, "inode " + last + " is past meta group 0");
			}

			if (layout.prealloc()) {
				assertTrue(debugfs(img, false, "ex /files/prealloc").contains("Uninit"), "an unwritten extent");
				try (FileData data = store.open(FsPath.of("files/prealloc"))) {
					ByteBuffer b = ByteBuffer.allocate(SourceTree.PREALLOC);
					assertEquals(SourceTree.PREALLOC, data.read(b, 0));
					assertEquals(ByteBuffer.allocate(SourceTree.PREALLOC), b.flip(), "unwritten extents read as zeros");
				}
			}

			for (String path : List.of("files/size-61", "files/sparse-70m", "files/fragmented", "links/slow",
					"links/fast", "special/wide", "modes/wide-owner", "attrs/acl-dir", "bigdir")) {
				compareWithDebugfs(img, store, path);
			}
			compareStatfs(img, store.statfs());
		} finally {
			store.close();
		}
	}

	/** With ea_inode, a value too large for the xattr block lives in an inode of its own. */
	@Test
	void readsXattrValuesFromTheirOwnInodes(@TempDir Path dir) throws Exception {
		Path src = Files.createDirectories(dir.resolve("src"));
		Path file = Files.writeString(src.resolve("f"), "x");
		byte[] value = new byte[3000];
		new Random(5).nextBytes(value);
		Tools.run("setfattr", "-n", "user.big", "-v", "0x" + HexFormat.of().formatHex(value),
				file.toString());
		Path img = dir.resolve("fs.img");
		Tools.run("mke2fs", "-q", "-F", "-t", "ext4", "-b", "1024", "-O", "ea_inode", "-d", src.toString(),
				img.toString(), "16M");
		ImageStore store = ImageStore.open("t", img, 0, CACHE);
		try {
			assertEquals(List.of("user.big"), store.listxattr(FsPath.of("f")));
			assertArrayEquals(value, store.getxattr(FsPath.of("f"), "user.big"));
		} finally {
			store.close();
		}
	}

	private static final Pattern STAT = Pattern.compile(
			"Inode: (\\d+)\\s+Type:.*?Mode:\\s+(\\d+).*?User:\\s+(\\d+)\\s+Group:\\s+(\\d+).*?Size: (\\d+).*?"
					+ "Links: (\\d+)",
			Pattern.DOTALL);

	private static void compareWithDebugfs(Path img, ImageStore store, String path) throws Exception {
		String out = debugfs(img, false, "stat /" + path);
		Matcher m = STAT.matcher(out);
		assertTrue(m.find(), "debugfs stat of " + path + ":\n" + out);
		FileAttributes a = store.stat(FsPath.of(path));
		assertEquals(Long.parseLong(m.group(1)), a.ino(), path + " ino");
		assertEquals(Integer.parseInt(m.group(2), 8), a.mode(), path + " mode");
		assertEquals(Integer.parseInt(m.group(3)), a.uid(), path + " uid");
		assertEquals(Integer.parseInt(m.group(4)), a.gid(), path + " gid");
		assertEquals(Long.parseLong(m.group(5)), a.size(), path + " size");
		assertEquals(Long.parseLong(m.group(6)), a.nlink(), path + " links");
	}

	private static void compareStatfs(Path img, StatFs statfs) throws Exception {
		String out = Tools.run("dumpe2fs", "-h", img.toString());
		assertEquals(field(out, "Block count"), statfs.totalBlocks());
		assertEquals(field(out, "Free blocks"), statfs.freeBlocks());
		assertEquals(field(out, "Inode count"), statfs.totalFiles());
		assertEquals(field(out, "Free inodes"), statfs.freeFiles());
		assertEquals(field(out, "Block size"), statfs.blockSize());
	}

	private static long field(String dumpe2fs, String name) {
		Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\d+)").matcher(dumpe2fs);
		assertTrue(m.find(), name);
		return Long.parseLong(m.group(1));
	}
}
