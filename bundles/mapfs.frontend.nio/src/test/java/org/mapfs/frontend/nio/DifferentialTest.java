package org.mapfs.frontend.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.CopyOption;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same seeded random sequence of java.nio operations through MapFS (over the repository) and through the
 * default provider (on a copy of it): each operation must succeed or fail alike, and the trees must end alike
 * (content, mode, owner, link targets, user xattrs, link counts); the repository must not change.
 */
class DifferentialTest {
	private static final int OPERATIONS = 250;
	private static final List<String> PERMISSIONS = List.of("rw-r--r--", "rwxr-xr-x", "r--------", "rw-rw----",
			"rwx------", "r-xr-xr-x");
	@TempDir
	Path tmp;

	/** One operation, applied to a tree given by its root. */
	private interface Op {
		void apply(Path root) throws IOException;
	}

	private record Step(String what, Op op) {
	}

	@Test
	void theTreesAgreeBeforeAnyChange() throws Exception {
		try (Fixture f = new Fixture(tmp)) {
			assertEquals(TestTree.describe(f.plain, false), TestTree.describe(f.fs.getPath("/"), false));
			// times too, but the merged root's, which are the overlay folder's (as on overlayfs)
			Map<String, String> plain = TestTree.describe(f.plain, true);
			Map<String, String> mapfs = TestTree.describe(f.fs.getPath("/"), true);
			plain.remove("");
			mapfs.remove("");
			assertEquals(plain, mapfs);
		}
	}

	@ParameterizedTest
	@ValueSource(longs = { 1, 2, 3, 4, 5, 6 })
	void randomOperationsEndInTheSameTree(long seed) throws Exception {
		try (Fixture f = new Fixture(tmp)) {
			Random random = new Random(seed);
			List<String> log = new ArrayList<>();
			for (int i = 0; i < OPERATIONS; i++) {
				Step step = next(random, f.plain);
				log.add(step.what());
				Exception jdk = outcome(step.op(), f.plain);
				Exception mapfs = outcome(step.op(), f.fs.getPath("/"));
				assertTrue(sameOutcome(jdk, mapfs), () -> "seed " + seed + ", step " + log.size() + " " + step.what()
						+ ": JDK " + jdk + ", MapFS " + mapfs + "\n" + String.join("\n", log));
				assertEquals(TestTree.describe(f.plain, false), TestTree.describe(f.fs.getPath("/"), false),
						() -> "seed " + seed + ", after step " + log.size() + ":\n" + String.join("\n", log));
			}
		}
	}

	/** What an operation threw, or null. */
	private static Exception outcome(Op op, Path root) {
		try {
			op.apply(root);
			return null;
		} catch (IOException | RuntimeException e) {
			return e;
		}
	}

	/** Both succeeded, or failed with the same type (MapFS's may refine a bare FileSystemException or IOException). */
	private static boolean sameOutcome(Exception jdk, Exception mapfs) {
		if (jdk == null || mapfs == null) {
			return jdk == mapfs;
		}
		Class<?> j = jdk.getClass();
		return j == mapfs.getClass() || (j == FileSystemException.class || j == IOException.class) && j.isInstance(mapfs);
	}

	/** A random operation on names of the current tree (read from the plain copy) and a few new ones. */
	private static Step next(Random r, Path plain) throws IOException {
		List<String> names;
		try (Stream<Path> s = Files.walk(plain)) {
			names = new ArrayList<>(s.map(p -> plain.relativize(p).toString()).filter(n -> !n.isEmpty())
					.filter(n -> !n.startsWith("hard")).sorted().toList());
		}
		for (int i = 0; i < 4; i++) {
			names.add((r.nextBoolean() ? "sub/" : "") + "n" + r.nextInt(6));
		}
		String a = names.get(r.nextInt(names.size()));
		String b = names.get(r.nextInt(names.size()));
		byte[] data = new byte[r.nextInt(3000)];
		r.nextBytes(data);
		int size = r.nextInt(2000);
		String perms = PERMISSIONS.get(r.nextInt(PERMISSIONS.size()));
		String value = "v" + r.nextInt(100);
		boolean flag = r.nextBoolean();
		CopyOption[] options = flag ? new CopyOption[] { StandardCopyOption.REPLACE_EXISTING }
				: new CopyOption[] { StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS };
		return switch (r.nextInt(13)) {
			case 0 -> new Step("write " + a, root -> Files.write(root.resolve(a), data));
			case 1 -> new Step("append " + a, root -> Files.write(root.resolve(a), data, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND));
			case 2 -> new Step("truncate " + a + " " + size, root -> {
				try (FileChannel ch = FileChannel.open(root.resolve(a), StandardOpenOption.WRITE)) {
					ch.truncate(size);
				}
			});
			case 3 -> new Step("delete " + a, root -> Files.delete(root.resolve(a)));
			case 4 -> new Step("mkdir " + a, root -> Files.createDirectory(root.resolve(a)));
			case 5 -> new Step("symlink " + a + " -> " + b, root -> Files.createSymbolicLink(root.resolve(a),
					root.getFileSystem().getPath(b.contains("/") ? b.substring(b.lastIndexOf('/') + 1) : b)));
			case 6 -> new Step("link " + a + " = " + b, root -> Files.createLink(root.resolve(a), root.resolve(b)));
			case 7 -> new Step("move " + a + " " + b + " " + flag, root -> Files.move(root.resolve(a), root.resolve(b),
					flag ? new CopyOption[] { StandardCopyOption.REPLACE_EXISTING } : new CopyOption[0]));
			case 8 -> new Step("copy " + a + " " + b + " " + flag, root -> Files.copy(root.resolve(a),
					root.resolve(b), options));
			case 9 -> new Step("chmod " + a + " " + perms,
					root -> Files.setPosixFilePermissions(root.resolve(a), PosixFilePermissions.fromString(perms)));
			case 10 -> new Step("setxattr " + a + " " + value, root -> Files.setAttribute(root.resolve(a),
					"user:k" + value.charAt(1), ByteBuffer.wrap(value.getBytes())));
			case 11 -> new Step("removexattr " + a, root -> Files.getFileAttributeView(root.resolve(a),
					java.nio.file.attribute.UserDefinedFileAttributeView.class).delete("k" + value.charAt(1)));
			default -> new Step("touch " + a, root -> Files.setLastModifiedTime(root.resolve(a),
					FileTime.fromMillis(size * 1_000_000L)));
		};
	}

	/** The repository, its mount through MapFS, and a plain copy; closing checks the repository is unchanged. */
	private static final class Fixture implements AutoCloseable {
		final Path repo;
		final Path plain;
		final String hash;
		final FileSystem fs;

		Fixture(Path tmp) throws IOException, InterruptedException {
			repo = Files.createDirectory(tmp.resolve("repo"));
			TestTree.create(repo);
			plain = Files.createDirectory(tmp.resolve("plain"));
			TestTree.copy(repo, plain);
			hash = TestTree.hash(repo);
			Files.createDirectory(tmp.resolve("upper"));
			fs = FileSystems.newFileSystem(URI.create("mapfs://differential-" + tmp.getFileName() + "/"),
					Map.of("lowerdir", repo.toString(), "upperdir", tmp.resolve("upper").toString(), "workdir",
							tmp.resolve("work").toString()));
		}

		@Override
		public void close() throws IOException {
			fs.close();
			assertEquals(hash, TestTree.hash(repo), "the repository changed");
		}
	}
}
