package org.mapfs.store.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.mapfs.api.DirEntry;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileData;
import org.mapfs.api.FsPath;
import org.mapfs.api.store.Store;

/** Compares what a store shows with the source tree it was imaged from: names, types, metadata, data, xattrs. */
final class TreeComparison {
	private final Path source;
	private final Store store;
	private final Map<String, Map<String, byte[]>> xattrs;
	/** Files whose size and data the image is known not to keep (a bug of the tool that made it). */
	private final Set<String> sizeUnknown;
	private int compared;

	TreeComparison(Path source, Store store, Set<String> sizeUnknown) throws IOException, InterruptedException {
		this.source = source;
		this.store = store;
		this.sizeUnknown = sizeUnknown;
		this.xattrs = sourceXattrs(source);
	}

	/** Compares every file under the source; returns how many were compared. */
	int compareAll() throws Exception {
		compareDir(source, FsPath.ROOT);
		return compared;
	}

	private void compareDir(Path dir, FsPath at) throws Exception {
		Set<String> expected = new TreeSet<>();
		try (Stream<Path> s = Files.list(dir)) {
			s.forEach(p -> expected.add(p.getFileName().toString()));
		}
		Set<String> actual = new TreeSet<>();
		for (DirEntry e : store.list(at)) {
			actual.add(e.name());
			assertEquals(store.stat(at.resolve(e.name())).type(), e.type(), "type in the listing of " + at);
			assertEquals(store.stat(at.resolve(e.name())).ino(), e.ino(), "ino in the listing of " + at);
		}
		if (at.isRoot()) {
			actual.remove("lost+found");
		}
		assertEquals(expected, actual, "names in " + at);
		for (String name : expected) {
			Path p = dir.resolve(name);
			FsPath fp = at.resolve(name);
			compareFile(p, fp);
			if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
				compareDir(p, fp);
			}
		}
	}

	private void compareFile(Path p, FsPath fp) throws Exception {
		compared++;
		Map<String, Object> want = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
		FileAttributes got = store.stat(fp);
		String what = fp.toString();
		int mode = (Integer) want.get("mode");
		assertEquals(mode & 0170000, got.type().bits(), what + " type");
		assertEquals(mode & 07777, got.mode(), what + " mode");
		assertEquals(want.get("uid"), got.uid(), what + " uid");
		assertEquals(want.get("gid"), got.gid(), what + " gid");
		assertEquals(((Integer) want.get("nlink")).longValue(), got.nlink(), what + " nlink");
		assertEquals(want.get("rdev"), got.rdev(), what + " rdev");
		// mke2fs 1.47.0 -d copies whole seconds, in 32 bits: nanoseconds and dates past 2038 are checked apart
		long mtime = ((FileTime) want.get("lastModifiedTime")).toInstant().getEpochSecond();
		if (mtime < Integer.MAX_VALUE) {
			assertEquals(mtime, Math.floorDiv(got.mtimeNs(), 1_000_000_000L), what + " mtime");
		}
		if (sizeUnknown.contains(what)) {
			return;
		}
		if (!got.isDirectory()) {
			assertEquals(want.get("size"), got.size(), what + " size");
		}
		if (got.isRegularFile()) {
			compareData(p, fp);
		} else if (got.isSymlink()) {
			assertEquals(Files.readSymbolicLink(p).toString(), store.readlink(fp), what + " target");
		}
		Map<String, byte[]> wantXattrs = xattrs.getOrDefault(p.toString(), Map.of());
		Map<String, String> gotXattrs = new TreeMap<>();
		for (String name : store.listxattr(fp)) {
			gotXattrs.put(name, HexFormat.of().formatHex(store.getxattr(fp, name)));
		}
		Map<String, String> wantHex = new TreeMap<>();
		wantXattrs.forEach((k, v) -> wantHex.put(k, HexFormat.of().formatHex(v)));
		assertEquals(wantHex, gotXattrs, what + " xattrs");
	}

	private void compareData(Path p, FsPath fp) throws IOException {
		try (InputStream in = Files.newInputStream(p); FileData data = store.open(fp)) {
			ByteBuffer buf = ByteBuffer.allocate(1 << 20);
			long pos = 0;
			while (true) {
				buf.clear();
				int n = data.read(buf, pos);
				byte[] want = in.readNBytes(1 << 20);
				if (n < 0) {
					assertEquals(0, want.length, fp + " ends early at " + pos);
					return;
				}
				assertArrayEquals(want, Arrays.copyOf(buf.array(), n), fp + " data at " + pos);
				pos += n;
			}
		}
	}

	/** The source's xattrs as getfattr shows them (ACLs in the Linux xattr format). */
	private static Map<String, Map<String, byte[]>> sourceXattrs(Path root) throws IOException, InterruptedException {
		String out = Tools.run("getfattr", "-h", "-R", "-d", "-m", "-", "-e", "hex", "--absolute-names",
				root.toString());
		Map<String, Map<String, byte[]>> all = new HashMap<>();
		Map<String, byte[]> current = null;
		for (String line : out.split("\n")) {
			if (line.startsWith("# file: ")) {
				current = new HashMap<>();
				all.put(line.substring(8), current);
			} else if (current != null && line.contains("=0x")) {
				int eq = line.indexOf("=0x");
				current.put(line.substring(0, eq), HexFormat.of().parseHex(line.substring(eq + 3)));
			} else if (current != null && line.endsWith("=\"\"")) {
				current.put(line.substring(0, line.length() - 3), new byte[0]);
			}
		}
		return all;
	}
}
