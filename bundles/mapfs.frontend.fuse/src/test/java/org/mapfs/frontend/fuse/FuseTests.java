package org.mapfs.frontend.fuse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.mapfs.store.local.LocalStore;

/** Helpers of the FUSE tests: FUSE availability, child processes, checksums of folders. */
public final class FuseTests {
	private FuseTests() {
	}

	/** Why FUSE cannot be used here, or null. */
	public static String unavailable() {
		if (!Files.exists(Path.of("/dev/fuse"))) {
			return "no /dev/fuse";
		}
		if (!Files.isReadable(Path.of("/dev/fuse")) || !Files.isWritable(Path.of("/dev/fuse"))) {
			return "/dev/fuse is not readable and writable (not root?)";
		}
		if (!"0".equals(run(List.of("id", "-u"), null).out().trim())) {
			return "mounting FUSE with mount(2) needs root";
		}
		if (run(List.of("sh", "-c", "command -v fusermount || command -v fusermount3"), null).rc() != 0) {
			return "no fusermount (Debian package fuse3)";
		}
		return null;
	}

	private static String unavailable;
	private static boolean checked;

	/** Skips the test without FUSE, and fails it on CI (CI=true), where FUSE must work. */
	public static synchronized void requireFuse() {
		if (!checked) {
			unavailable = unavailable();
			checked = true;
		}
		if (unavailable == null) {
			return;
		}
		if ("true".equals(System.getenv("CI"))) {
			fail("FUSE is not available on CI: " + unavailable);
		}
		Assumptions.abort("FUSE is not available: " + unavailable);
	}

	public record Result(int rc, String out, String err) {
		/** The {@code key=value} lines of the output. */
		public Map<String, String> values() {
			Map<String, String> m = new LinkedHashMap<>();
			for (String line : out.split("\n")) {
				int eq = line.indexOf('=');
				if (eq > 0) {
					m.put(line.substring(0, eq), line.substring(eq + 1));
				}
			}
			return m;
		}

		public Result ok() {
			if (rc != 0) {
				fail("exit status " + rc + "\nstdout:\n" + out + "\nstderr:\n" + err);
			}
			return this;
		}
	}

	/** Runs a command in another process (60 s at most), in {@code dir} if not null. */
	public static Result run(List<String> command, Path dir) {
		return run(command, dir, Map.of());
	}

	/** Runs a command in another process (60 s at most), in {@code dir} if not null, with more environment. */
	public static Result run(List<String> command, Path dir, Map<String, String> env) {
		try {
			ProcessBuilder pb = new ProcessBuilder(command);
			pb.environment().putAll(env);
			if (dir != null) {
				pb.directory(dir.toFile());
			}
			Path out = Files.createTempFile("fuse-test", ".out");
			Path err = Files.createTempFile("fuse-test", ".err");
			try {
				pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
						new java.io.File("/dev/null")));
				Process p = pb.start();
				if (!p.waitFor(60, TimeUnit.SECONDS)) {
					p.destroyForcibly();
					fail("timed out: " + command);
				}
				return new Result(p.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
			} finally {
				Files.deleteIfExists(out);
				Files.deleteIfExists(err);
			}
		} catch (IOException e) {
			throw new RuntimeException(e);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new RuntimeException(e);
		}
	}

	/** A shell script ({@code sh -e}) in another process, in {@code dir}. */
	public static Result sh(Path dir, String script) {
		return run(List.of("sh", "-ec", script), dir);
	}

	/** A Python 3 program in another process, in {@code dir}, with arguments. */
	public static Result python(Path dir, String program, String... args) {
		List<String> cmd = new ArrayList<>(List.of("python3", "-c", program));
		cmd.addAll(List.of(args));
		return run(cmd, dir);
	}

	/**
	 * Every entry below {@code root} with its type, mode, owner, size, modification time, and the SHA-256 of a
	 * file's bytes or a symlink's target: equal maps mean an unchanged tree (access times aside).
	 */
	public static Map<String, String> checksums(Path root) throws IOException {
		Map<String, String> sums = new TreeMap<>();
		try (Stream<Path> walk = Files.walk(root)) {
			for (Path p : walk.sorted(Comparator.naturalOrder()).toList()) {
				PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
				String content;
				if (a.isRegularFile()) {
					content = sha256(Files.readAllBytes(p));
				} else if (a.isSymbolicLink()) {
					content = "-> " + Files.readSymbolicLink(p);
				} else {
					content = a.isDirectory() ? "dir" : "other";
				}
				sums.put(root.relativize(p).toString(), content + " " + PosixFilePermissions.toString(a.permissions())
						+ " " + a.owner().getName() + ":" + a.group().getName() + " " + (a.isDirectory() ? "" : a.size())
						+ " " + a.lastModifiedTime().toMillis());
			}
		}
		return sums;
	}

	public static String sha256(byte[] data) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	/**
	 * The end of a test that mounted: unmounts {@code fe} (and, whatever happened, anything still at {@code mnt}),
	 * closes the stores, and fails if a mount is left.
	 */
	public static void unmountAndClose(FuseFrontEnd fe, Path mnt, List<LocalStore> stores) throws IOException {
		try {
			if (fe != null) {
				fe.umount();
			}
		} finally {
			forceUnmount(mnt);
			for (LocalStore s : stores) {
				s.close();
			}
		}
		if (mnt != null) {
			assertFalse(inProcMounts(mnt), "a mount is left at " + mnt);
		}
	}

	/** Leaves no mount behind: lazy unmount as a last resort. */
	public static void forceUnmount(Path mountPoint) {
		if (mountPoint != null && (FuseFrontEnd.isMountPoint(mountPoint) || FuseFrontEnd.isStale(mountPoint))) {
			run(List.of("fusermount", "-u", "-z", mountPoint.toString()), null);
			if (FuseFrontEnd.isMountPoint(mountPoint)) {
				run(List.of("umount", "-l", mountPoint.toString()), null);
			}
		}
	}

	/** True if /proc/mounts lists {@code mountPoint}. */
	public static boolean inProcMounts(Path mountPoint) throws IOException {
		String mp = mountPoint.toAbsolutePath().normalize().toString().replace(" ", "\\040");
		for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
			String[] f = line.split(" ");
			if (f.length > 1 && f[1].equals(mp)) {
				return true;
			}
		}
		return false;
	}

	public static void deleteTree(Path root) throws IOException {
		if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		try (Stream<Path> walk = Files.walk(root)) {
			for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(p);
			}
		}
	}
}
