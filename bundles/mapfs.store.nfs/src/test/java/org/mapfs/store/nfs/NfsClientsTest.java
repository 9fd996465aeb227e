package org.mapfs.store.nfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.mapfs.store.nfs.NfsTesting.assertErrno;
import static org.mapfs.store.nfs.NfsTesting.p;
import static org.mapfs.store.nfs.NfsTesting.readAll;
import static org.mapfs.store.nfs.NfsTesting.treeDigest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.DirEntry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileData;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.core.MountBuilder;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/**
 * Several clients over the same repository export, each with its own NFS store and its own local overlay: two
 * mounts in this JVM and one in another JVM ({@link NfsClientMain}, a child of this one, so in the same network
 * namespace). Each changes the same repository file and deletes a file of its own; each must see its own changes
 * only, the repository's folder stays as it was, and each overlay holds its own client's copies only.
 */
@ExtendWith(NfsServer.class)
@Timeout(120)
class NfsClientsTest {
	private static final long CHILD_SECONDS = 60;
	private static final String FOLDER = "clients";
	private static final int S_IFMT = 0170000;
	private static final int S_IFCHR = 0020000;

	@TempDir
	Path local;
	private final List<AutoCloseable> stores = new ArrayList<>();
	private Process child;

	@AfterEach
	void close() throws Exception {
		if (child != null && child.isAlive()) {
			child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		for (AutoCloseable s : stores) {
			s.close();
		}
	}

	@Test
	void eachClientSeesItsOwnChangesOnly() throws Exception {
		Path repoDir = NfsServer.get().repo().resolve(FOLDER);
		Files.createDirectories(repoDir.resolve("etc"));
		Files.createDirectories(repoDir.resolve("shared"));
		Map<String, String> repository = new TreeMap<>(Map.of("etc/motd", "repository motd\n", "etc/a-gone",
				"a's to delete\n", "etc/b-gone", "b's to delete\n", "etc/c-gone", "c's to delete\n", "etc/keep",
				"kept\n", "shared/data", "shared data\n"));
		for (Map.Entry<String, String> e : repository.entrySet()) {
			Files.writeString(repoDir.resolve(e.getKey()), e.getValue());
		}
		String before = treeDigest(repoDir);

		// the third client first, so that it runs while the two here make their changes
		Path upperC = Files.createDirectories(local.resolve("c/upper"));
		Path workC = Files.createDirectories(local.resolve("c/work"));
		Path out = local.resolve("child.out");
		Path err = local.resolve("child.err");
		List<String> reads = List.of("etc/motd", "etc/a-gone", "etc/b-gone", "etc/c-gone", "shared/data");
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
				.toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"), NfsClientMain.class.getName(),
				"/" + FOLDER, upperC.toString(), workC.toString(), "etc/motd", "client C\n", "etc/c-gone", "etc"));
		command.addAll(reads);
		child = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();

		Client a = new Client("a");
		Client b = new Client("b");
		NfsClientMain.write(a.mount, p("etc/motd"), "client A\n");
		NfsClientMain.write(b.mount, p("etc/motd"), "client B\n");
		a.mount.unlink(p("etc/a-gone"));
		NfsClientMain.write(a.mount, p("shared/data"), "a's data\n");
		b.mount.unlink(p("etc/b-gone"));

		if (!child.waitFor(CHILD_SECONDS, TimeUnit.SECONDS)) {
			child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			fail("the client JVM did not end within " + CHILD_SECONDS + " s; its stderr:\n" + text(err)
					+ "\nits stdout:\n" + text(out));
		}
		assertEquals(0, child.exitValue(), () -> "the client JVM failed; its stderr:\n" + text(err));
		List<String> childSaw = Files.readAllLines(out, StandardCharsets.UTF_8);

		// each its own changes, the repository's version of everything else
		Map<String, String> seenByA = new TreeMap<>(repository);
		seenByA.put("etc/motd", "client A\n");
		seenByA.remove("etc/a-gone");
		seenByA.put("shared/data", "a's data\n");
		Map<String, String> seenByB = new TreeMap<>(repository);
		seenByB.put("etc/motd", "client B\n");
		seenByB.remove("etc/b-gone");
		Map<String, String> seenByC = new TreeMap<>(repository);
		seenByC.put("etc/motd", "client C\n");
		seenByC.remove("etc/c-gone");

		List<String> expectedChild = new ArrayList<>();
		expectedChild.add("list " + seenByC.keySet().stream().filter(k -> k.startsWith("etc/"))
				.map(k -> k.substring(4)).collect(Collectors.joining(" ")));
		for (String r : reads) {
			String t = seenByC.get(r);
			expectedChild.add("read " + r + " "
					+ (t == null ? "ENOENT" : HexFormat.of().formatHex(t.getBytes(StandardCharsets.UTF_8))));
		}
		assertEquals(expectedChild, childSaw, () -> "what the client JVM saw; its stderr:\n" + text(err));
		a.assertSees(seenByA, repository.keySet());
		b.assertSees(seenByB, repository.keySet());

		// the child's overlay, mounted again here, holds its change
		Client c = new Client("c");
		c.assertSees(seenByC, repository.keySet());

		// the repository as it was, on disk and through a bare store
		assertEquals(before, treeDigest(repoDir), "the repository's folder changed");
		try (NfsStore bare = NfsStore.open("bare", NfsTesting.options("/repo", "/" + FOLDER, null, true))) {
			for (Map.Entry<String, String> e : repository.entrySet()) {
				try (FileData d = bare.open(p(e.getKey()))) {
					assertEquals(e.getValue(), new String(readAll(d, 4096), StandardCharsets.UTF_8), e.getKey());
				}
			}
		}

		// each overlay: its own client's copies and whiteout, nothing of the others'
		a.assertOverlay(Map.of("etc/motd", "client A\n", "shared/data", "a's data\n"), "etc/a-gone");
		b.assertOverlay(Map.of("etc/motd", "client B\n"), "etc/b-gone");
		c.assertOverlay(Map.of("etc/motd", "client C\n"), "etc/c-gone");
	}

	private static String text(Path f) {
		try {
			return Files.readString(f, StandardCharsets.UTF_8);
		} catch (IOException e) {
			return "(cannot read " + f + ": " + e + ")";
		}
	}

	/** A client in this JVM: its own NFS store over the repository folder and its own local overlay. */
	private final class Client {
		final Path upper;
		final Mount mount;

		Client(String name) throws Exception {
			upper = Files.createDirectories(local.resolve(name + "/upper"));
			NfsStore repo = NfsStore.open("repo-" + name, NfsTesting.options("/repo", "/" + FOLDER, null, true));
			stores.add(repo);
			LocalStore overlay = LocalStore.open("upper-" + name, upper,
					Files.createDirectories(local.resolve(name + "/work")), false);
			stores.add(overlay);
			mount = MountBuilder.named(name).overlay(overlay, FsPath.ROOT).layer(repo, FsPath.ROOT, FsPath.ROOT)
					.policy(new ClassicPolicy(), Map.of()).build();
		}

		/** Exactly {@code files} (path to text) among {@code paths}; the others are not there. */
		void assertSees(Map<String, String> files, Iterable<String> paths) throws Exception {
			for (String path : paths) {
				String want = files.get(path);
				if (want == null) {
					assertErrno(() -> mount.stat(p(path)), Errno.ENOENT);
				} else {
					try (FileData d = mount.open(p(path), EnumSet.of(OpenFlag.READ))) {
						assertEquals(want, new String(readAll(d, 4096), StandardCharsets.UTF_8),
								mount.name() + ": " + path);
					}
				}
			}
			TreeSet<String> names = new TreeSet<>();
			for (DirEntry e : mount.list(p("etc"))) {
				names.add(e.name());
			}
			assertEquals(files.keySet().stream().filter(k -> k.startsWith("etc/")).map(k -> k.substring(4))
					.collect(Collectors.toCollection(TreeSet::new)), names, mount.name() + ": names in etc");
		}

		/** The overlay's folder holds {@code copies} (path to text), the whiteout, their parents, nothing else. */
		void assertOverlay(Map<String, String> copies, String whiteout) throws Exception {
			TreeSet<String> want = new TreeSet<>(copies.keySet());
			want.add(whiteout);
			for (String w : new ArrayList<>(want)) {
				for (Path q = Path.of(w).getParent(); q != null; q = q.getParent()) {
					want.add(q.toString());
				}
			}
			want.add("");
			TreeSet<String> got;
			try (Stream<Path> s = Files.walk(upper)) {
				got = s.map(x -> upper.relativize(x).toString()).collect(Collectors.toCollection(TreeSet::new));
			}
			assertEquals(want, got, mount.name() + "'s overlay");
			for (Map.Entry<String, String> e : copies.entrySet()) {
				Path f = upper.resolve(e.getKey());
				assertTrue(Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS), f.toString());
				assertEquals(e.getValue(), Files.readString(f), f.toString());
			}
			Map<String, Object> w = Files.readAttributes(upper.resolve(whiteout), "unix:mode,rdev",
					LinkOption.NOFOLLOW_LINKS);
			assertEquals(S_IFCHR, (Integer) w.get("mode") & S_IFMT, whiteout + " is a character device");
			assertEquals(0L, ((Number) w.get("rdev")).longValue(), whiteout + " is 0/0");
		}
	}
}
