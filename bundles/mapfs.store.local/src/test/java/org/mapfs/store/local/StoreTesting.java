package org.mapfs.store.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.mapfs.api.Errno;
import org.mapfs.api.FileData;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/** Helpers shared by the local store tests. */
final class StoreTesting {
	private StoreTesting() {
	}

	interface FsAction {
		void run() throws Exception;
	}

	/** Asserts that {@code action} fails with one of {@code expected}; returns the exception. */
	static FsException assertErrno(FsAction action, Errno... expected) {
		try {
			action.run();
		} catch (FsException e) {
			for (Errno x : expected) {
				if (e.errno() == x) {
					return e;
				}
			}
			fail("expected " + List.of(expected) + " but got " + e.errno() + ": " + e.getMessage(), e);
		} catch (Exception e) {
			fail("expected an FsException " + List.of(expected) + " but got " + e, e);
		}
		fail("expected " + List.of(expected) + " but the call succeeded");
		return null;
	}

	static FsPath p(String s) {
		try {
			return FsPath.of(s);
		} catch (FsException e) {
			throw new IllegalArgumentException(e);
		}
	}

	static byte[] bytes(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

	static void writeAll(FileData data, byte[] content, long position) throws FsException {
		assertEquals(content.length, data.write(ByteBuffer.wrap(content), position));
	}

	static byte[] readAll(FileData data) throws FsException {
		long size = data.size();
		ByteBuffer buf = ByteBuffer.allocate((int) size + 16);
		long pos = 0;
		for (;;) {
			int n = data.read(buf, pos);
			if (n < 0) {
				break;
			}
			pos += n;
		}
		buf.flip();
		byte[] b = new byte[buf.remaining()];
		buf.get(b);
		return b;
	}

	static long nanos(Path p, String attr) throws IOException {
		return ((FileTime) Files.getAttribute(p, "unix:" + attr, LinkOption.NOFOLLOW_LINKS)).to(TimeUnit.NANOSECONDS);
	}

	static Object unix(Path p, String attr) throws IOException {
		return Files.getAttribute(p, "unix:" + attr, LinkOption.NOFOLLOW_LINKS);
	}

	/**
	 * A digest of everything observable in a tree, never following symlinks: names, types, modes, owners, sizes,
	 * mtimes and ctimes, contents, link targets and user.* xattrs.
	 */
	static String treeDigest(Path root) {
		try (Stream<Path> walk = Files.walk(root)) {
			MessageDigest md = MessageDigest.getInstance("SHA-256");
			for (Path f : walk.sorted().collect(Collectors.toList())) {
				StringBuilder sb = new StringBuilder(root.relativize(f).toString());
				sb.append('|').append(unix(f, "mode")).append('|').append(unix(f, "uid")).append('|')
						.append(unix(f, "gid")).append('|').append(unix(f, "size")).append('|')
						.append(unix(f, "nlink")).append('|').append(nanos(f, "lastModifiedTime")).append('|')
						.append(nanos(f, "ctime"));
				if (Files.isSymbolicLink(f)) {
					sb.append("->").append(Files.readSymbolicLink(f));
				} else {
					if (Files.isRegularFile(f)) {
						sb.append('|').append(HexFormat.of()
								.formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
					}
					UserDefinedFileAttributeView v = Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
					for (String n : v.list().stream().sorted().collect(Collectors.toList())) {
						ByteBuffer b = ByteBuffer.allocate(v.size(n));
						v.read(n, b);
						sb.append("|x:").append(n).append('=').append(HexFormat.of().formatHex(b.array()));
					}
				}
				md.update(sb.append('\n').toString().getBytes(StandardCharsets.UTF_8));
			}
			return HexFormat.of().formatHex(md.digest());
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		} catch (Exception e) {
			throw new IllegalStateException(e);
		}
	}

	/**
	 * The descriptors this process has open, once the garbage collector let go of unreachable streams and
	 * channels (their cleaners close descriptors at any time, which a count before and after would take for
	 * a change).
	 */
	static int openFds() {
		System.gc();
		try {
			Thread.sleep(100);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
			return (int) s.count();
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	static boolean isRoot() {
		try {
			return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
		} catch (IOException e) {
			return false;
		}
	}

	/**
	 * Skips a test whose prerequisite this machine lacks; on CI (CI=true), where every test must run, fails it
	 * with the reason instead.
	 */
	static void require(boolean prerequisite, String reason) {
		if (prerequisite) {
			return;
		}
		if ("true".equals(System.getenv("CI"))) {
			org.junit.jupiter.api.Assertions.fail("prerequisite missing on CI: " + reason);
		}
		org.junit.jupiter.api.Assumptions.abort(reason);
	}
}
