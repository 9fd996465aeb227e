package org.mapfs.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;

/**
 * A tree as a sorted map from path to a line describing the entry: type, mode, owner, link count, size, content
 * digest or link target, and user extended attributes. Two trees are equal when the file systems show the same
 * thing. {@link #links} gives which names are one file.
 */
final class Tree {
	private Tree() {
	}

	/** A plain directory, read with java.nio, never through MapFS; with modification times if asked. */
	static Map<String, String> of(Path root, boolean withTimes) throws IOException {
		Map<String, String> out = new TreeMap<>();
		try (Stream<Path> walk = Files.walk(root)) {
			for (Path p : (Iterable<Path>) walk::iterator) {
				if (p.equals(root)) {
					continue;
				}
				Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
				int mode = (Integer) a.get("mode");
				String type = typeOf(mode);
				StringBuilder sb = new StringBuilder(type).append(' ').append(Integer.toOctalString(mode & 07777))
						.append(' ').append(a.get("uid")).append(':').append(a.get("gid")).append(" n")
						.append(a.get("nlink"));
				switch (type) {
					case "f" -> sb.append(' ').append(a.get("size")).append(' ').append(digest(Files.readAllBytes(p)));
					case "l" -> sb.append(" -> ").append(Files.readSymbolicLink(p));
					case "c", "b" -> sb.append(' ').append(a.get("rdev"));
					default -> {
					}
				}
				if (withTimes && !type.equals("l")) {
					sb.append(" mtime=").append(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant());
				}
				if (!type.equals("l")) {
					sb.append(xattrs(p));
				}
				out.put(root.relativize(p).toString(), sb.toString());
			}
		}
		return out;
	}

	/** A mount, read through the Mount API. */
	static Map<String, String> of(Mount mount) throws FsException {
		Map<String, String> out = new TreeMap<>();
		walk(mount, FsPath.ROOT, out);
		return out;
	}

	private static void walk(Mount mount, FsPath dir, Map<String, String> out) throws FsException {
		for (var e : mount.list(dir)) {
			FsPath p = dir.resolve(e.name());
			FileAttributes a = mount.stat(p);
			String type = typeOf(a.stMode());
			StringBuilder sb = new StringBuilder(type).append(' ').append(Integer.toOctalString(a.mode()))
					.append(' ').append(a.uid()).append(':').append(a.gid()).append(" n").append(a.nlink());
			switch (type) {
				case "f" -> sb.append(' ').append(a.size()).append(' ').append(digest(read(mount, p)));
				case "l" -> sb.append(" -> ").append(mount.readlink(p));
				case "c", "b" -> sb.append(' ').append(a.rdev());
				default -> {
				}
			}
			if (!type.equals("l")) {
				StringBuilder x = new StringBuilder();
				for (String name : new java.util.TreeSet<>(mount.listxattr(p))) {
					if (name.startsWith("user.")) {
						x.append(' ').append(name).append('=').append(HexFormat.of().formatHex(mount.getxattr(p, name)));
					}
				}
				sb.append(x);
			}
			out.put(p.toString(), sb.toString());
			if (a.isDirectory()) {
				walk(mount, p, out);
			}
		}
	}

	/**
	 * The tree without the link counts of directories: the kernel's overlayfs reports 1 for a merged directory,
	 * where MapFS counts subdirectories as a plain directory does.
	 */
	static Map<String, String> withoutDirectoryLinks(Map<String, String> tree) {
		Map<String, String> out = new TreeMap<>();
		tree.forEach((k, v) -> out.put(k, v.startsWith("d ") ? v.replaceFirst(" n\\d+", "") : v));
		return out;
	}

	/** The names that are one file (hard links), as groups of two or more, from st_ino. */
	static Set<List<String>> links(Path root) throws IOException {
		Map<Object, List<String>> byIno = new TreeMap<>((x, y) -> x.toString().compareTo(y.toString()));
		try (Stream<Path> walk = Files.walk(root)) {
			for (Path p : (Iterable<Path>) walk::iterator) {
				if (!p.equals(root) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
					byIno.computeIfAbsent(Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS),
							k -> new java.util.ArrayList<>()).add(root.relativize(p).toString());
				}
			}
		}
		return groups(byIno.values());
	}

	static Set<List<String>> links(Mount mount) throws FsException {
		Map<Long, List<String>> byIno = new TreeMap<>();
		for (Map.Entry<String, Long> e : inodes(mount).entrySet()) {
			byIno.computeIfAbsent(e.getValue(), k -> new java.util.ArrayList<>()).add(e.getKey());
		}
		return groups(byIno.values());
	}

	/** st_ino of every entry but directories, by path. */
	static Map<String, Long> inodes(Mount mount) throws FsException {
		Map<String, Long> out = new TreeMap<>();
		for (String path : of(mount).keySet()) {
			FileAttributes a = mount.stat(FsPath.of(path));
			if (!a.isDirectory()) {
				out.put(path, a.ino());
			}
		}
		return out;
	}

	private static Set<List<String>> groups(java.util.Collection<List<String>> all) {
		Set<List<String>> out = new java.util.TreeSet<>((x, y) -> x.toString().compareTo(y.toString()));
		for (List<String> g : all) {
			if (g.size() > 1) {
				java.util.Collections.sort(g);
				out.add(g);
			}
		}
		return out;
	}

	/** A path of the tests, written short. */
	static FsPath p(String path) throws FsException {
		return FsPath.of(path);
	}

	static String text(Mount mount, String path) throws FsException {
		return new String(read(mount, p(path)), java.nio.charset.StandardCharsets.UTF_8);
	}

	static byte[] read(Mount mount, FsPath p) throws FsException {
		try (FileHandle h = mount.open(p, Set.of(OpenFlag.READ))) {
			ByteBuffer buf = ByteBuffer.allocate((int) h.size());
			while (buf.hasRemaining() && h.read(buf, buf.position()) >= 0) {
				// read on until full or end of file
			}
			return buf.array();
		}
	}

	private static String xattrs(Path p) throws IOException {
		var view = Files.getFileAttributeView(p, java.nio.file.attribute.UserDefinedFileAttributeView.class);
		List<String> names = new java.util.ArrayList<>(view.list());
		java.util.Collections.sort(names);
		StringBuilder sb = new StringBuilder();
		for (String n : names) {
			ByteBuffer b = ByteBuffer.allocate(view.size(n));
			view.read(n, b);
			sb.append(" user.").append(n).append('=').append(HexFormat.of().formatHex(b.array()));
		}
		return sb.toString();
	}

	private static String typeOf(int stMode) {
		return switch (stMode & 0170000) {
			case 0100000 -> "f";
			case 0040000 -> "d";
			case 0120000 -> "l";
			case 0020000 -> "c";
			case 0060000 -> "b";
			case 0010000 -> "p";
			default -> "s";
		};
	}

	static String digest(byte[] data) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)).substring(0, 16);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
