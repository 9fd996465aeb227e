package org.mapfs.frontend.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The small repository tree the tests use, and ways to describe a tree through any provider so two trees (or one
 * tree before and after) can be compared.
 */
final class TestTree {
	static final FileTime MTIME = FileTime.fromMillis(1_600_000_000_123L);
	/** Later than now and than MTIME, so that relatime never moves it when a test reads a file. */
	static final FileTime ATIME = FileTime.fromMillis(4_000_000_000_000L);
	static final byte[] BINARY = new byte[10_000];
	static {
		new Random(42).nextBytes(BINARY);
	}

	private TestTree() {
	}

	/** Writes the tree into the empty folder {@code dir} (of the default file system). */
	static void create(Path dir) throws IOException {
		file(dir, "a.txt", "alpha\n", "rw-r--r--");
		Files.write(dir.resolve("b.bin"), BINARY);
		perms(dir.resolve("b.bin"), "rw-------");
		file(dir, "exec.sh", "#!/bin/sh\necho hi\n", "rwxr-xr-x");
		file(dir, "ro.txt", "read only\n", "r--r--r--");
		file(dir, ".hidden", "h", "rw-r--r--");
		Files.createDirectories(dir.resolve("sub/deep"));
		file(dir, "sub/c.txt", "charlie\n", "rw-r--r--");
		file(dir, "sub/deep/d.txt", "delta\n", "rw-rw-r--");
		Files.createDirectory(dir.resolve("empty"));
		perms(dir.resolve("empty"), "rwx------");
		Files.createSymbolicLink(dir.resolve("link-a"), Path.of("a.txt"));
		Files.createSymbolicLink(dir.resolve("link-sub"), Path.of("sub"));
		Files.createSymbolicLink(dir.resolve("dangling"), Path.of("nowhere"));
		Files.createSymbolicLink(dir.resolve("sub/up"), Path.of("../a.txt"));
		Files.createSymbolicLink(dir.resolve("loop1"), Path.of("loop2"));
		Files.createSymbolicLink(dir.resolve("loop2"), Path.of("loop1"));
		file(dir, "hard1", "same inode\n", "rw-r--r--");
		Files.createLink(dir.resolve("hard2"), dir.resolve("hard1"));
		file(dir, "xattr.txt", "with attributes\n", "rw-r--r--");
		UserDefinedFileAttributeView user = Files.getFileAttributeView(dir.resolve("xattr.txt"),
				UserDefinedFileAttributeView.class);
		user.write("color", StandardCharsets.UTF_8.encode("blue"));
		user.write("empty", ByteBuffer.allocate(0));
		try (Stream<Path> all = Files.walk(dir)) {
			for (Path p : all.toList()) {
				Files.getFileAttributeView(p, java.nio.file.attribute.BasicFileAttributeView.class,
						LinkOption.NOFOLLOW_LINKS).setTimes(MTIME, ATIME, null);
			}
		}
	}

	private static void file(Path dir, String name, String content, String perms) throws IOException {
		Path p = dir.resolve(name);
		Files.writeString(p, content);
		perms(p, perms);
	}

	private static void perms(Path p, String perms) throws IOException {
		Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
	}

	/** Copies a tree as {@code cp -a} does: modes, owners, times, links, hard links and xattrs. */
	static void copy(Path from, Path to) throws IOException, InterruptedException {
		Process p = new ProcessBuilder("cp", "-a", from + "/.", to.toString()).inheritIO().start();
		if (p.waitFor() != 0) {
			throw new IOException("cp -a failed");
		}
	}

	/**
	 * Each entry below {@code root} (through any provider, links not followed) by relative path: type,
	 * permissions, owner, size, content digest or link target, user xattrs, link count of files; with
	 * {@code times} the modification time.
	 */
	static Map<String, String> describe(Path root, boolean times) throws IOException {
		Map<String, String> out = new TreeMap<>();
		Files.walkFileTree(root, new SimpleFileVisitor<>() {
			@Override
			public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
				out.put(relative(root, dir), entry(dir, times));
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
				out.put(relative(root, file), entry(file, times));
				return FileVisitResult.CONTINUE;
			}
		});
		return out;
	}

	private static String relative(Path root, Path p) {
		return root.relativize(p).toString();
	}

	private static String entry(Path p, boolean times) throws IOException {
		PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
		StringBuilder sb = new StringBuilder();
		sb.append(a.isDirectory() ? "dir" : a.isSymbolicLink() ? "link" : a.isRegularFile() ? "file" : "other");
		if (!a.isSymbolicLink()) {
			sb.append(' ').append(PosixFilePermissions.toString(a.permissions()));
		}
		sb.append(' ').append(a.owner().getName()).append(':').append(a.group().getName());
		if (a.isRegularFile()) {
			sb.append(" size=").append(a.size()).append(" sha=").append(sha(Files.readAllBytes(p)));
			sb.append(" nlink=").append(Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS));
		}
		if (a.isSymbolicLink()) {
			sb.append(" -> ").append(Files.readSymbolicLink(p));
		} else {
			UserDefinedFileAttributeView user = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
			for (String name : user.list().stream().sorted().toList()) {
				ByteBuffer v = ByteBuffer.allocate(user.size(name));
				user.read(name, v);
				sb.append(" user.").append(name).append('=').append(HexFormat.of().formatHex(v.array()));
			}
		}
		if (times) {
			sb.append(" mtime=").append(a.lastModifiedTime());
		}
		return sb.toString();
	}

	/** A digest of everything {@link #describe} says of the tree, with times. */
	static String hash(Path root) throws IOException {
		return sha(describe(root, true).toString().getBytes(StandardCharsets.UTF_8));
	}

	static String sha(byte[] data) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	static List<String> names(Path dir) throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.map(p -> p.getFileName().toString()).sorted().toList();
		}
	}
}
