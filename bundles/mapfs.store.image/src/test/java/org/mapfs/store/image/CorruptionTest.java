package org.mapfs.store.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mapfs.api.DirEntry;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileData;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * Seeded mutation of valid images: bytes flipped in the superblock, group descriptors, inode table, directory,
 * extent and xattr blocks. Every read of the damaged image must give the undamaged image's answer or a clean
 * FsException (with metadata_csum; without it, wrong answers are possible but must still be bounded), never a
 * hang, an OutOfMemoryError or another exception type. Each case has its own time limit.
 */
@Timeout(90)
class CorruptionTest {
	private static final int CASES = 120;
	private static final long CASE_MILLIS = 2000;
	private static final int MAX_OPERATIONS = 3000;

	@TempDir
	static Path dir;
	static Path source;
	static ExecutorService executor;

	@BeforeAll
	static void setUp() throws Exception {
		source = dir.resolve("src");
		SourceTree.build(source, 300, false);
		executor = Executors.newCachedThreadPool(r -> {
			Thread t = new Thread(r, "corruption-case");
			t.setDaemon(true);
			return t;
		});
	}

	@AfterAll
	static void tearDown() {
		executor.shutdownNow();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "ext4 -b 4096", "ext4 -b 1024 -O inline_data", "ext2 -b 1024" })
	void damagedFileSystemsFailCleanly(String options) throws Exception {
		Path img = fileSystem(options);
		byte[] image = Files.readAllBytes(img);
		mutate(options, image, fileSystemRegions(img, image), options.startsWith("ext4"));
	}

	/**
	 * A compressed CKD volume with an ext4 partition: damage to its headers, level-1 and level-2 tables and track
	 * images is found by their checks (home addresses, zlib's Adler-32, bzip2's CRCs) or by ext4's checksums.
	 */
	@ParameterizedTest(name = "cckd {0}")
	@ValueSource(strings = { "-z", "-bz2" })
	void damagedDasdVolumesFailCleanly(String compression) throws Exception {
		Path ckd = dir.resolve("vol" + compression + ".ckd");
		Tools.run("dasdinit", "-linux", ckd.toString(), "3390", "LNX001", "20");
		DasdWriter.cdl(ckd, Files.readAllBytes(fileSystem("ext4 -b 4096")), "LNX001");
		Path cckd = dir.resolve("vol" + compression + ".cckd");
		Tools.run("dasdcopy", "-q", compression, ckd.toString(), cckd.toString());
		byte[] image = Files.readAllBytes(cckd);
		mutate("cckd " + compression, image, dasdRegions(image), true);
	}

	/** A GPT disk: damage to the protective MBR, the header or the entries is caught by the tables' CRC32s. */
	@Test
	void damagedPartitionTablesFailCleanly() throws Exception {
		Path disk = dir.resolve("gpt.img");
		try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
			f.setLength(12 << 20);
		}
		Tools.run("sgdisk", "-n", "1:2048:+9M", "-t", "1:8300", disk.toString());
		Tools.run("dd", "if=" + fileSystem("ext4 -b 4096"), "of=" + disk, "bs=512", "seek=2048", "conv=notrunc",
				"status=none");
		mutate("gpt", Files.readAllBytes(disk), List.of(new long[] { 0, 34 * 512 }), true);
	}

	private static Path fileSystem(String options) throws Exception {
		Path img = dir.resolve(options.replace(' ', '_') + ".img");
		if (!Files.exists(img)) {
			List<String> cmd = new ArrayList<>(List.of("mke2fs", "-q", "-F", "-t"));
			cmd.addAll(List.of(options.split(" ")));
			cmd.addAll(List.of("-d", source.toString(), img.toString(), "8M"));
			Tools.run(cmd);
			Tools.run(List.of("e2fsck", "-fyD", img.toString()), 0, 1);
		}
		return img;
	}

	/**
	 * Flips 1 to 3 bytes of one region per case and reads everything; {@code checksummed}: whether every
	 * answer must then be the undamaged one or an error (else only the error must be clean).
	 */
	private void mutate(String what, byte[] image, List<long[]> regions, boolean checksummed) throws Exception {
		Map<String, String> baseline = walk(image);
		Random random = new Random(what.hashCode());
		int changed = 0;
		int failed = 0;
		for (int c = 0; c < CASES; c++) {
			long[] region = regions.get(random.nextInt(regions.size()));
			int flips = 1 + random.nextInt(3);
			int[] at = new int[flips];
			byte[] old = new byte[flips];
			for (int i = 0; i < flips; i++) {
				at[i] = (int) (region[0] + random.nextLong(region[1]));
				old[i] = image[at[i]];
				image[at[i]] ^= (byte) (1 + random.nextInt(255));
			}
			try {
				Map<String, String> damaged = run(image, "case " + c + " flipping " + Arrays.toString(at));
				if (checksummed) {
					for (Map.Entry<String, String> e : damaged.entrySet()) {
						String want = baseline.get(e.getKey());
						if (!e.getValue().startsWith("error ") && want != null) {
							assertEquals(want, e.getValue(), "case " + c + " " + Arrays.toString(at) + ": " + e.getKey());
						}
					}
				}
				changed += damaged.equals(baseline) ? 0 : 1;
				failed += damaged.values().stream().anyMatch(v -> v.startsWith("error ")) ? 1 : 0;
			} finally {
				for (int i = flips - 1; i >= 0; i--) {
					image[at[i]] = old[i];
				}
			}
		}
		System.out.printf("%s: %d cases, %d changed what is read, %d reported errors%n", what, CASES, changed, failed);
		assertFalse(failed == 0, "no case was detected: the mutations miss the metadata");
	}

	private Map<String, String> run(byte[] image, String what) throws Exception {
		Future<Map<String, String>> f = executor.submit(() -> walk(image));
		try {
			return f.get(CASE_MILLIS, TimeUnit.MILLISECONDS);
		} catch (TimeoutException e) {
			f.cancel(true);
			throw new AssertionError(what + ": no answer within " + CASE_MILLIS + " ms");
		} catch (java.util.concurrent.ExecutionException e) {
			throw new AssertionError(what + ": " + e.getCause(), e.getCause());
		}
	}

	/**
	 * Reads everything reachable, each operation's answer (or errno) by path. Directories are entered once per
	 * inode, so a damaged directory that names an ancestor cannot loop.
	 */
	private static Map<String, String> walk(byte[] image) throws FsException {
		Map<String, String> out = new TreeMap<>();
		ImageStore store;
		try {
			store = ImageStore.open("t", Path.of("memory").toUri(), Images.open(new MemoryDevice(image), 1 << 20), 0,
					1 << 20);
		} catch (FsException e) {
			out.put("open", error(e));
			return out;
		}
		Set<Long> seen = new HashSet<>();
		List<FsPath> todo = new ArrayList<>(List.of(FsPath.ROOT));
		int operations = 0;
		while (!todo.isEmpty() && operations++ < MAX_OPERATIONS) {
			FsPath p = todo.remove(todo.size() - 1);
			String key = p.toAbsoluteString();
			try {
				FileAttributes a = store.stat(p);
				out.put(key + " stat", a.toString());
				out.put(key + " xattrs", xattrs(store, p));
				if (a.isDirectory() && seen.add(a.ino())) {
					List<String> names = new ArrayList<>();
					for (DirEntry e : store.list(p)) {
						names.add(e.name() + ":" + e.type() + ":" + e.ino());
						todo.add(p.resolve(e.name()));
					}
					out.put(key + " list", names.toString());
				} else if (a.isRegularFile()) {
					out.put(key + " data", data(store, p));
				} else if (a.isSymlink()) {
					out.put(key + " target", store.readlink(p));
				}
			} catch (FsException e) {
				out.put(key, error(e));
			}
		}
		return out;
	}

	private static String xattrs(ImageStore store, FsPath p) throws FsException {
		StringBuilder sb = new StringBuilder();
		for (String name : store.listxattr(p)) {
			sb.append(name).append('=').append(HexFormat.of().formatHex(store.getxattr(p, name)))
					.append(' ');
		}
		return sb.toString();
	}

	private static String data(ImageStore store, FsPath p) throws FsException {
		CRC32 crc = new CRC32();
		try (FileData d = store.open(p)) {
			ByteBuffer b = ByteBuffer.allocate(1 << 16);
			long pos = 0;
			// a damaged size may claim terabytes of holes: read a bounded prefix
			while (pos < (8 << 20)) {
				b.clear();
				int n = d.read(b, pos);
				if (n < 0) {
					break;
				}
				crc.update(b.array(), 0, n);
				pos += n;
			}
			return pos + " bytes crc " + Long.toHexString(crc.getValue());
		}
	}

	/** A clean error: an FsException whose cause is not an unchecked exception caught by the store's guard. */
	private static String error(FsException e) {
		if (e.getCause() instanceof RuntimeException r) {
			throw new AssertionError("an unforeseen exception reached the guard: " + r, r);
		}
		return "error " + e.errno();
	}

	/** Where to flip bytes: {offset, length} of each metadata structure of the image. */
	private static List<long[]> fileSystemRegions(Path img, byte[] image) throws Exception {
		List<long[]> regions = new ArrayList<>();
		ImageStore store = ImageStore.open("t", Path.of("m").toUri(), Container.of(new MemoryDevice(image)), 0,
				1 << 20);
		ExtFileSystem fs = store.fileSystem();
		Superblock sb = fs.superblock();
		int bs = sb.blockSize;
		regions.add(new long[] { Superblock.OFFSET, Superblock.SIZE });
		regions.add(new long[] { (sb.firstDataBlock + 1) * bs, bs });
		GroupDescriptors groups = new GroupDescriptors(sb, fs.blocks());
		long usedInodes = sb.inodesCount - sb.freeInodes;
		regions.add(new long[] { groups.group(0).inodeTable() * bs, Math.min(usedInodes, sb.inodesPerGroup) * sb.inodeSize });
		String debugfs = Tools.run("debugfs", "-R", "stat /files/fragmented", img.toString());
		Matcher m = Pattern.compile("\\(ETB\\d+\\):(\\d+)").matcher(debugfs);
		while (m.find()) {
			regions.add(new long[] { Long.parseLong(m.group(1)) * bs, bs });
		}
		for (String d : List.of("", "/bigdir", "/files", "/links")) {
			String blocks = Tools.run("debugfs", "-R", "blocks " + (d.isEmpty() ? "/" : d), img.toString()).trim();
			for (String b : blocks.split("\\s+")) {
				if (b.matches("\\d+")) {
					regions.add(new long[] { Long.parseLong(b) * bs, bs });
				}
			}
		}
		long acl = store.fileSystem().inode(store.stat(FsPath.of("attrs/tagged")).ino()).fileAcl;
		if (acl != 0) {
			regions.add(new long[] { acl * bs, bs });
		}
		store.close();
		return regions;
	}

	/** The device headers, the level-1 table, each level-2 table and the first tracks' images. */
	private static List<long[]> dasdRegions(byte[] image) {
		List<long[]> regions = new ArrayList<>();
		regions.add(new long[] { 0, 1024 });
		ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
		int l1 = b.getInt(516);
		regions.add(new long[] { 1024, l1 * 4L });
		for (int i = 0; i < l1; i++) {
			long l2 = Integer.toUnsignedLong(b.getInt(1024 + i * 4));
			if (l2 == 0) {
				continue;
			}
			regions.add(new long[] { l2, 256 * 8 });
			for (int t = 0; t < 256 && i == 0 && t < 40; t++) {
				long pos = Integer.toUnsignedLong(b.getInt((int) l2 + t * 8));
				int len = Short.toUnsignedInt(b.getShort((int) l2 + t * 8 + 4));
				if (pos != 0 && len > 0) {
					regions.add(new long[] { pos, len });
				}
			}
		}
		return regions;
	}
}
