package org.mapfs.store.nfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.store.nfs.NfsTesting.assertErrno;
import static org.mapfs.store.nfs.NfsTesting.p;
import static org.mapfs.store.nfs.NfsTesting.treeDigest;
import static org.mapfs.store.nfs.NfsTesting.writeAll;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.DirEntry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileData;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.api.RenameMode;
import org.mapfs.api.XattrMode;
import org.mapfs.api.store.WritableStore;
import org.mapfs.core.MountBuilder;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/**
 * A differential test of the union engine over the NFS store: the same random sequence of changes applied to a
 * mount (an NFS repository under a local or an NFS overlay) and to a plain local copy of the repository must
 * leave both trees equal (names, types, modes, owners, sizes, data, symlink targets, user xattrs where the
 * overlay has them), every 20 changes, at the end and through a fresh mount; the folder behind the repository
 * export stays byte for byte as it was.
 * <p>
 * Over an NFS overlay (no extended attributes, no 0/0 devices) the classic policy must pick the OCI format by
 * itself: whiteouts are {@code .wh.NAME} files, opaque directories hold {@code .wh..wh..opq}, renaming a
 * directory with repository content gives EXDEV and setxattr ENOTSUP, with nothing changed. At the end an
 * independent client (libnfs's nfs-cat and nfs-ls) must read the overlay's files and names as they are on disk.
 */
@ExtendWith(NfsServer.class)
@Timeout(120)
class NfsDifferentialTest {
	private static final int OPERATIONS = 100;
	private static final int COMPARE_EVERY = 20;
	private static final int S_IFMT = 0170000;
	private static final int S_IFCHR = 0020000;
	private static final int[] FILE_MODES = { 0600, 0640, 0644, 0700, 0755, 04755 };
	private static final int[] DIR_MODES = { 0700, 0750, 0755 };

	enum Variant {
		/** NFS repository, local overlay (overlayfs format: devices and trusted.overlay.* xattrs). */
		LOCAL_OVERLAY("a"),
		/** NFS repository, NFS overlay (OCI format: .wh. names). */
		NFS_OVERLAY("b");

		final String tag;

		Variant(String tag) {
			this.tag = tag;
		}
	}

	/**
	 * Regression runs beyond seeds 1 to 8: {variant's ordinal, seed, operations}. NFS_OVERLAY 41 and 76 delete
	 * every regular file (the test once picked from an empty list then); LOCAL_OVERLAY 136 and NFS_OVERLAY 117
	 * (250 operations) make a symlink to "../" + the root (the test's model once stored it as "..").
	 */
	private static final long[][] REGRESSIONS = { { 1, 41, OPERATIONS }, { 1, 76, OPERATIONS }, { 0, 136, 250 },
			{ 1, 117, 250 } };

	static Stream<Arguments> runs() {
		List<Arguments> runs = new ArrayList<>();
		for (Variant v : Variant.values()) {
			for (long seed = 1; seed <= 8; seed++) {
				runs.add(Arguments.of(v, seed, OPERATIONS));
			}
		}
		for (long[] r : REGRESSIONS) {
			runs.add(Arguments.of(Variant.values()[(int) r[0]], r[1], (int) r[2]));
		}
		return runs.stream();
	}

	@TempDir
	Path dir;
	private final List<AutoCloseable> stores = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		closeStores();
	}

	private void closeStores() throws Exception {
		Collections.reverse(stores);
		for (AutoCloseable s : stores) {
			s.close();
		}
		stores.clear();
	}

	@ParameterizedTest(name = "{0} seed {1}, {2} operations")
	@MethodSource("runs")
	void mountBehavesLikeAPlainCopy(Variant variant, long seed, int operations) throws Exception {
		String folder = "diff-" + variant.tag + "-" + seed;
		Path repoDir = NfsServer.get().repo().resolve(folder);
		deleteTree(repoDir);
		buildRepository(repoDir, new Random(seed * 7919));
		Path model = dir.resolve("model");
		run("cp", "-a", repoDir.toString(), model.toString());
		String before = treeDigest(repoDir);
		Path upper = variant == Variant.LOCAL_OVERLAY ? dir.resolve("upper") : NfsServer.get().rw().resolve(folder);
		Path work = variant == Variant.LOCAL_OVERLAY ? dir.resolve("work")
				: NfsServer.get().rw().resolve(folder + "-work");
		if (variant == Variant.NFS_OVERLAY) {
			deleteTree(upper);
			deleteTree(work);
		}

		Run r = new Run(variant, seed, model, upper);
		r.mount = mount(variant, folder, "m");
		try {
			for (int i = 0; i < operations; i++) {
				r.step(i);
				if ((i + 1) % COMPARE_EVERY == 0) {
					compare(r.mount, r, "after operation " + i);
				}
			}
			compare(r.mount, r, "at the end");
			assertEquals(before, treeDigest(repoDir), "the repository's folder changed");
			if (variant == Variant.NFS_OVERLAY) {
				r.checkOciFormat(work);
				crossCheckWithLibnfs(folder, upper);
			}
			// a fresh mount: new stores over the same folders
			closeStores();
			Mount again = mount(variant, folder, "again");
			compare(again, r, "through a fresh mount");
			assertEquals(before, treeDigest(repoDir), "the repository's folder changed");
			System.out.println(variant + " seed " + seed + ": " + r.summary());
		} catch (Throwable t) {
			throw new AssertionError(variant + " seed " + seed + ": " + t.getMessage() + "\noperations:\n"
					+ String.join("\n", r.log), t);
		}
	}

	/**
	 * Found by NFS_OVERLAY seeds 1 and 3 to 8 (at their first setxattr of a repository file): over an NFS overlay
	 * setxattr fails with ENOTSUP, as it must, but only after a whole copy-up of the file, which stays in the
	 * overlay; and since a copy-up without xattrs gets its copy's inode number, st_ino through the mount changes.
	 * A refused setxattr must change nothing.
	 */
	@Test
	void aRefusedSetxattrChangesNothing() throws Exception {
		String folder = "setxattr";
		Path repoDir = NfsServer.get().repo().resolve(folder);
		deleteTree(repoDir);
		Files.createDirectories(repoDir.resolve("data"));
		byte[] content = new byte[20_480];
		new Random(1).nextBytes(content);
		Files.write(repoDir.resolve("data/f"), content);
		String before = treeDigest(repoDir);
		Path upper = NfsServer.get().rw().resolve(folder);
		deleteTree(upper);
		deleteTree(NfsServer.get().rw().resolve(folder + "-work"));
		Mount mount = mount(Variant.NFS_OVERLAY, folder, "m");

		FileAttributes was = mount.stat(p("data/f"));
		assertErrno(() -> mount.setxattr(p("data/f"), "user.k", new byte[] { 1 }, XattrMode.SET), Errno.ENOTSUP);
		assertEquals(was, mount.stat(p("data/f")), "the attributes, st_ino among them");
		try (Stream<Path> s = Files.walk(upper)) {
			assertEquals(List.of(""), s.map(x -> upper.relativize(x).toString()).collect(Collectors.toList()),
					"the overlay after a refused setxattr");
		}
		assertEquals(before, treeDigest(repoDir));
	}

	private Mount mount(Variant variant, String folder, String name) throws Exception {
		NfsStore repo = NfsStore.open("repo", NfsTesting.options("/repo", "/" + folder, null, true));
		stores.add(repo);
		WritableStore upper;
		if (variant == Variant.LOCAL_OVERLAY) {
			LocalStore local = LocalStore.open("upper", Files.createDirectories(dir.resolve("upper")),
					Files.createDirectories(dir.resolve("work")), false);
			stores.add(local);
			upper = local;
		} else {
			Files.createDirectories(NfsServer.get().rw().resolve(folder));
			NfsStore rw = NfsTesting.openRw(folder);
			stores.add(rw);
			upper = rw;
		}
		return MountBuilder.named(name).overlay(upper, FsPath.ROOT).layer(repo, FsPath.ROOT, FsPath.ROOT)
				.policy(new ClassicPolicy(), Map.of()).build();
	}

	/**
	 * The repository, made locally before the store opens: nested and empty directories, files of 0 to 20 KiB,
	 * symlinks, modes 0600, 0755, 04755, a directory and files of another owner. No xattrs: NFSv3 shows none.
	 */
	static void buildRepository(Path root, Random random) throws IOException {
		mkdir(root, 0755);
		Path etc = mkdir(root.resolve("etc"), 0755);
		file(etc.resolve("hosts"), random.nextInt(400), 0644, random);
		file(etc.resolve("passwd"), random.nextInt(2000), 0644, random);
		file(etc.resolve("shadow"), random.nextInt(600), 0600, random);
		Path conf = mkdir(etc.resolve("conf.d"), 0755);
		file(conf.resolve("a.conf"), random.nextInt(100), 0644, random);
		file(conf.resolve("b.conf"), 0, 0640, random);
		Files.createSymbolicLink(etc.resolve("link"), Path.of("hosts"));
		Path bin = mkdir(root.resolve("bin"), 0755);
		file(bin.resolve("tool"), 5000 + random.nextInt(15_000), 04755, random);
		file(bin.resolve("script"), random.nextInt(3000), 0755, random);
		Path home = mkdir(root.resolve("home/user"), 0750);
		file(home.resolve("private"), random.nextInt(20_480), 0600, random);
		file(home.resolve("notes"), random.nextInt(1000), 0644, random);
		for (Path p : List.of(home, home.resolve("private"), home.resolve("notes"))) {
			Files.setAttribute(p, "unix:uid", 1000, LinkOption.NOFOLLOW_LINKS);
			Files.setAttribute(p, "unix:gid", 1000, LinkOption.NOFOLLOW_LINKS);
		}
		Path deep = mkdir(root.resolve("var/lib/deep/er"), 0755);
		file(deep.resolve("file"), random.nextInt(5000), 0644, random);
		mkdir(root.resolve("var/empty"), 0755);
		Path cache = mkdir(root.resolve("var/cache"), 0700);
		file(cache.resolve("c1"), random.nextInt(100), 0644, random);
		file(cache.resolve("c2"), random.nextInt(100), 0600, random);
		Path data = mkdir(root.resolve("data"), 0755);
		file(data.resolve("f0"), 0, 0644, random);
		for (int i = 1; i < 6; i++) {
			file(data.resolve("f" + i), random.nextInt(20_481), 0644, random);
		}
		file(data.resolve("full"), 20_480, 0644, random);
		Path small = mkdir(root.resolve("small"), 0755);
		file(small.resolve("one"), random.nextInt(50), 0644, random);
		mkdir(root.resolve("emptydir"), 0755);
		Path links = mkdir(root.resolve("links"), 0755);
		Files.createSymbolicLink(links.resolve("up"), Path.of("../data"));
		Files.createSymbolicLink(links.resolve("dangling"), Path.of("nowhere"));
		Files.createSymbolicLink(links.resolve("abs"), Path.of("/etc/hosts"));
		file(links.resolve("plain"), random.nextInt(3000), 0644, random);
		// the parents made by mkdir: their modes set after their children exist
		Files.setAttribute(root.resolve("var"), "unix:mode", 0755);
		Files.setAttribute(root.resolve("home"), "unix:mode", 0755);
	}

	private static Path mkdir(Path d, int mode) throws IOException {
		Files.createDirectories(d);
		Files.setAttribute(d, "unix:mode", mode);
		return d;
	}

	private static void file(Path f, int size, int mode, Random random) throws IOException {
		byte[] b = new byte[size];
		random.nextBytes(b);
		Files.write(f, b);
		Files.setAttribute(f, "unix:mode", mode);
	}

	/** The state of one run: the model's tree, what the repository had, the log of operations. */
	private static final class Run {
		final Variant variant;
		final Random random;
		final Path model;
		final Path upper;
		Mount mount;
		/** Every entry of the repository (relative path, is a directory), sorted. */
		final Map<String, Boolean> repoEntries = new TreeMap<>();
		/** Repository directories still at their place and never removed: they merge with the repository. */
		final Set<String> repoDirs = new HashSet<>();
		/** Names removed (unlinked, rmdir'ed, renamed away): targets to land on again, in order. */
		final Set<String> deleted = new LinkedHashSet<>();
		final List<String> log = new ArrayList<>();

		Run(Variant variant, long seed, Path model, Path upper) throws IOException {
			this.variant = variant;
			this.random = new Random(seed);
			this.model = model;
			this.upper = upper;
			try (Stream<Path> s = Files.walk(model)) {
				for (Path p : s.collect(Collectors.toList())) {
					boolean isDir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
					String rel = rel(p);
					if (!rel.isEmpty()) {
						repoEntries.put(rel, isDir);
					}
					if (isDir) {
						repoDirs.add(rel);
					}
				}
			}
		}

		String rel(Path p) {
			return model.relativize(p).toString();
		}

		Path m(String rel) {
			return rel.isEmpty() ? model : model.resolve(rel);
		}

		static FsPath fp(String rel) {
			return rel.isEmpty() ? FsPath.ROOT : p(rel);
		}

		static String parentOf(String rel) {
			int slash = rel.lastIndexOf('/');
			return slash < 0 ? "" : rel.substring(0, slash);
		}

		static String join(String parent, String name) {
			return parent.isEmpty() ? name : parent + "/" + name;
		}

		boolean exists(String rel) {
			return Files.exists(m(rel), LinkOption.NOFOLLOW_LINKS);
		}

		boolean isDir(String rel) {
			return Files.isDirectory(m(rel), LinkOption.NOFOLLOW_LINKS);
		}

		<T> T pick(List<T> list) {
			return list.get(random.nextInt(list.size()));
		}

		void log(String s) {
			log.add(s);
		}

		/** How many operations of each kind the log has (the word before the first blank, with its "(...)"). */
		String summary() {
			Map<String, Integer> counts = new TreeMap<>();
			for (String l : log) {
				if (l.startsWith("whiteouts checked")) {
					continue;
				}
				String kind = (l.startsWith("rename dir") ? "rename dir" : l.split(" ")[0])
						+ (l.contains("(") ? " " + l.substring(l.indexOf('(')) : "");
				counts.merge(kind, 1, Integer::sum);
			}
			return counts + log.stream().filter(l -> l.startsWith("whiteouts checked")).map(l -> ", " + l)
					.collect(Collectors.joining());
		}

		/** The model's entries, sorted (the walk's order is the disk's): files, symlinks, directories. */
		List<String> files = new ArrayList<>();
		List<String> links = new ArrayList<>();
		List<String> dirs = new ArrayList<>();

		void scan() throws IOException {
			files.clear();
			links.clear();
			dirs.clear();
			try (Stream<Path> s = Files.walk(model)) {
				for (Path p : s.sorted().collect(Collectors.toList())) {
					if (Files.isSymbolicLink(p)) {
						links.add(rel(p));
					} else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
						files.add(rel(p));
					} else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
						dirs.add(rel(p));
					}
				}
			}
		}

		List<String> children(String d) throws IOException {
			try (Stream<Path> s = Files.list(m(d))) {
				return s.map(this::rel).sorted().collect(Collectors.toList());
			}
		}

		/**
		 * A name for something new: now and then a removed name whose parent is there (over an NFS overlay a
		 * whiteout is in its place), else "n{i}" in a random directory; {@code parentOk} filters the parents.
		 */
		String target(int i, Predicate<String> parentOk) {
			if (random.nextInt(3) == 0) {
				List<String> again = deleted.stream()
						.filter(d -> !exists(d) && isDir(parentOf(d)) && parentOk.test(parentOf(d)))
						.collect(Collectors.toList());
				if (!again.isEmpty()) {
					return pick(again);
				}
			}
			List<String> parents = dirs.stream().filter(parentOk).collect(Collectors.toList());
			return join(pick(parents), "n" + i);
		}

		void step(int i) throws Exception {
			scan();
			int op = random.nextInt(20);
			// with no file left (NFS_OVERLAY seeds 41 and 76 get there) what needs one creates one
			if (files.isEmpty() && (op <= 7 || op == 19 || (links.isEmpty() && (op == 13 || op == 14)))) {
				op = 8;
			}
			switch (op) {
				case 0, 1, 2, 3 -> write();
				case 4, 5 -> truncate();
				case 6, 7 -> unlink();
				case 8 -> create(i);
				case 9, 10 -> mkdir(i);
				case 11, 12 -> rmdir(i);
				case 13, 14 -> renameFile(i);
				case 15, 16 -> renameDir(i);
				case 17 -> symlink(i);
				case 18 -> chmod();
				default -> setxattr();
			}
		}

		void write() throws Exception {
			String f = pick(files);
			byte[] data = new byte[1 + random.nextInt(9000)];
			random.nextBytes(data);
			long at = random.nextInt(24_000);
			log("write " + f + " at " + at + ", " + data.length + " bytes");
			try (FileChannel c = FileChannel.open(m(f), StandardOpenOption.WRITE)) {
				ByteBuffer b = ByteBuffer.wrap(data);
				while (b.hasRemaining()) {
					c.write(b, at + b.position());
				}
			}
			try (FileHandle h = mount.open(fp(f), EnumSet.of(OpenFlag.READ, OpenFlag.WRITE))) {
				writeAll(h, data, at);
			}
		}

		void truncate() throws Exception {
			String f = pick(files);
			long size = random.nextInt(25_000);
			log("truncate " + f + " to " + size);
			try (RandomAccessFile raf = new RandomAccessFile(m(f).toFile(), "rw")) {
				raf.setLength(size);
			}
			mount.truncate(fp(f), size);
		}

		void unlink() throws Exception {
			List<String> all = new ArrayList<>(files);
			all.addAll(links);
			String f = pick(all);
			log("unlink " + f);
			Files.delete(m(f));
			mount.unlink(fp(f));
			deleted.add(f);
		}

		void create(int i) throws Exception {
			String f = target(i, d -> true);
			byte[] data = new byte[random.nextInt(5000)];
			random.nextBytes(data);
			log("create " + f + ", " + data.length + " bytes");
			Files.write(m(f), data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
			Files.setAttribute(m(f), "unix:mode", 0644);
			try (FileHandle h = mount.create(fp(f), 0644, Caller.PROCESS, true)) {
				writeAll(h, data, 0);
			}
		}

		void mkdir(int i) throws Exception {
			String d = target(i, x -> true);
			int mode = DIR_MODES[random.nextInt(DIR_MODES.length)];
			log("mkdir " + d + " " + Integer.toOctalString(mode));
			Files.createDirectory(m(d));
			Files.setAttribute(m(d), "unix:mode", mode);
			mount.mkdir(fp(d), mode, Caller.PROCESS);
		}

		/**
		 * rmdir of an empty directory, or of one with only files and symlinks, which first must give ENOTEMPTY
		 * and then is emptied entry by entry; now and then made again at once (it must be opaque: empty).
		 */
		void rmdir(int i) throws Exception {
			List<String> empty = new ArrayList<>();
			List<String> shallow = new ArrayList<>();
			for (String d : dirs) {
				if (d.isEmpty()) {
					continue;
				}
				List<String> c = children(d);
				if (c.isEmpty()) {
					empty.add(d);
				} else if (c.size() <= 6 && c.stream().noneMatch(this::isDir)) {
					shallow.add(d);
				}
			}
			String chosen;
			if (!empty.isEmpty() && (shallow.isEmpty() || random.nextBoolean())) {
				chosen = pick(empty);
			} else if (!shallow.isEmpty()) {
				chosen = pick(shallow);
				String d = chosen;
				log("rmdir " + d + " (not empty: ENOTEMPTY)");
				assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(m(d)));
				assertErrno(() -> mount.rmdir(fp(d)), Errno.ENOTEMPTY);
				for (String c : children(d)) {
					log("unlink " + c);
					Files.delete(m(c));
					mount.unlink(fp(c));
					deleted.add(c);
				}
			} else {
				mkdir(i);
				return;
			}
			String d = chosen;
			log("rmdir " + d);
			Files.delete(m(d));
			mount.rmdir(fp(d));
			deleted.add(d);
			forget(d);
			if (random.nextBoolean()) {
				log("mkdir " + d + " 755 (again)");
				Files.createDirectory(m(d));
				Files.setAttribute(m(d), "unix:mode", 0755);
				mount.mkdir(fp(d), 0755, Caller.PROCESS);
				assertEquals(List.of(), mount.list(fp(d)), d + " made again must be empty (opaque)");
			}
		}

		/** {@code d} and what is below it no longer merge with the repository at these paths. */
		void forget(String d) {
			repoDirs.removeIf(x -> x.equals(d) || x.startsWith(d + "/"));
		}

		void renameFile(int i) throws Exception {
			List<String> all = new ArrayList<>(files);
			all.addAll(links);
			String from = pick(all);
			List<String> others = all.stream().filter(x -> !x.equals(from)).collect(Collectors.toList());
			int kind = random.nextInt(4);
			if (kind == 0 && !others.isEmpty()) {
				String to = pick(others);
				log("rename " + from + " -> " + to + " REPLACE (over a file)");
				Files.move(m(from), m(to), StandardCopyOption.ATOMIC_MOVE);
				mount.rename(fp(from), fp(to), RenameMode.REPLACE);
			} else if (kind == 1 && !others.isEmpty()) {
				String to = pick(others);
				log("rename " + from + " -> " + to + " NOREPLACE (exists: EEXIST)");
				assertErrno(() -> mount.rename(fp(from), fp(to), RenameMode.NOREPLACE), Errno.EEXIST);
				return;
			} else {
				String to = target(i, d -> true);
				RenameMode mode = random.nextBoolean() ? RenameMode.NOREPLACE : RenameMode.REPLACE;
				log("rename " + from + " -> " + to + " " + mode);
				Files.move(m(from), m(to), StandardCopyOption.ATOMIC_MOVE);
				mount.rename(fp(from), fp(to), mode);
			}
			deleted.add(from);
		}

		void renameDir(int i) throws Exception {
			List<String> candidates = dirs.stream().filter(d -> !d.isEmpty()).collect(Collectors.toList());
			if (candidates.isEmpty()) {
				mkdir(i);
				return;
			}
			String d = pick(candidates);
			String to = target(i, x -> !x.equals(d) && !x.startsWith(d + "/"));
			if (variant == Variant.NFS_OVERLAY && repoDirs.contains(d)) {
				log("rename dir " + d + " -> " + to + " (repository content: EXDEV)");
				boolean copied = Files.exists(upper.resolve(d), LinkOption.NOFOLLOW_LINKS);
				assertErrno(() -> mount.rename(fp(d), fp(to), RenameMode.NOREPLACE), Errno.EXDEV);
				assertTrue(mount.stat(fp(d)).isDirectory(), d + " is still there");
				assertErrno(() -> mount.stat(fp(to)), Errno.ENOENT);
				assertEquals(copied, Files.exists(upper.resolve(d), LinkOption.NOFOLLOW_LINKS),
						d + ": the failed rename changed the overlay");
				assertFalse(Files.exists(upper.resolve(to), LinkOption.NOFOLLOW_LINKS),
						to + ": the failed rename left something in the overlay");
				return;
			}
			log("rename dir " + d + " -> " + to + " NOREPLACE");
			Files.move(m(d), m(to), StandardCopyOption.ATOMIC_MOVE);
			mount.rename(fp(d), fp(to), RenameMode.NOREPLACE);
			deleted.add(d);
			forget(d);
		}

		void symlink(int i) throws Exception {
			String l = target(i, d -> true);
			String to = random.nextBoolean() ? null : pick(files.isEmpty() ? dirs : files);
			// "../" + "" (the root) would be "../", which the model's Path makes ".."
			String targetName = to == null ? "target-" + i : to.isEmpty() ? ".." : "../" + to;
			log("symlink " + l + " -> " + targetName);
			Files.createSymbolicLink(m(l), Path.of(targetName));
			mount.symlink(fp(l), targetName, Caller.PROCESS);
		}

		void chmod() throws Exception {
			List<String> nonRoot = dirs.stream().filter(d -> !d.isEmpty()).collect(Collectors.toList());
			boolean ofDir = files.isEmpty() || (!nonRoot.isEmpty() && random.nextInt(10) < 3);
			String x = ofDir ? pick(nonRoot) : pick(files);
			int mode = ofDir ? DIR_MODES[random.nextInt(DIR_MODES.length)]
					: FILE_MODES[random.nextInt(FILE_MODES.length)];
			log("chmod " + Integer.toOctalString(mode) + " " + x);
			Files.setAttribute(m(x), "unix:mode", mode);
			mount.setattr(fp(x), AttributeChange.mode(mode));
		}

		void setxattr() throws Exception {
			String f = pick(files);
			byte[] value = new byte[1 + random.nextInt(30)];
			random.nextBytes(value);
			if (variant == Variant.NFS_OVERLAY) {
				// ENOTSUP; names, modes, owners, sizes and data as they were (the next comparison). That it leaves
				// a copy-up behind, with another st_ino, is the bug failedSetxattrChangesNothing shows
				log("setxattr user.k " + f + " (no xattrs: ENOTSUP)");
				assertErrno(() -> mount.setxattr(fp(f), "user.k", value, XattrMode.SET), Errno.ENOTSUP);
				return;
			}
			log("setxattr user.k " + f + ", " + value.length + " bytes");
			Files.getFileAttributeView(m(f), UserDefinedFileAttributeView.class).write("k", ByteBuffer.wrap(value));
			mount.setxattr(fp(f), "user.k", value, XattrMode.SET);
		}

		/**
		 * The overlay's folder in the OCI format: a {@code .wh.NAME} for each repository entry gone from a
		 * directory that still merges with the repository, {@code .wh..wh..opq} in each repository directory made
		 * again, and no character device in the overlay or its work area.
		 */
		void checkOciFormat(Path work) throws IOException {
			int whiteouts = 0;
			for (Map.Entry<String, Boolean> e : repoEntries.entrySet()) {
				String path = e.getKey();
				String parent = parentOf(path);
				if (!repoDirs.contains(parent)) {
					continue;
				}
				if (!exists(path)) {
					Path wh = upper.resolve(parent).resolve(".wh." + Path.of(path).getFileName());
					assertTrue(Files.isRegularFile(wh, LinkOption.NOFOLLOW_LINKS), "no whiteout " + upper.relativize(wh));
					whiteouts++;
				} else if (e.getValue() && isDir(path) && !repoDirs.contains(path)) {
					Path opq = upper.resolve(path).resolve(".wh..wh..opq");
					assertTrue(Files.isRegularFile(opq, LinkOption.NOFOLLOW_LINKS), "not opaque: " + path);
				}
			}
			log("whiteouts checked: " + whiteouts);
			for (Path root : List.of(upper, work)) {
				try (Stream<Path> s = Files.walk(root)) {
					for (Path f : s.collect(Collectors.toList())) {
						int mode = (Integer) Files.getAttribute(f, "unix:mode", LinkOption.NOFOLLOW_LINKS);
						assertFalse((mode & S_IFMT) == S_IFCHR, "a character device: " + f);
					}
				}
			}
		}
	}

	/** Compares the mount's whole tree with the model's, the root's children down. */
	private static void compare(Mount mount, Run r, String when) throws Exception {
		try {
			compare(mount, r, r.model, FsPath.ROOT);
		} catch (AssertionError e) {
			throw new AssertionError(when + ": " + e.getMessage(), e);
		}
	}

	private static void compare(Mount mount, Run r, Path dir, FsPath at) throws Exception {
		Set<String> want = new TreeSet<>();
		try (Stream<Path> s = Files.list(dir)) {
			s.forEach(p -> want.add(p.getFileName().toString()));
		}
		Set<String> got = new TreeSet<>();
		for (DirEntry e : mount.list(at)) {
			got.add(e.name());
		}
		assertEquals(want, got, "names in /" + at);
		for (String name : want) {
			Path p = dir.resolve(name);
			FsPath fp = at.resolve(name);
			Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size", LinkOption.NOFOLLOW_LINKS);
			FileAttributes b = mount.stat(fp);
			assertEquals(Integer.toOctalString((Integer) a.get("mode") & 0177777), Integer.toOctalString(b.stMode()),
					"/" + fp + " type and mode");
			assertEquals(a.get("uid"), b.uid(), "/" + fp + " uid");
			assertEquals(a.get("gid"), b.gid(), "/" + fp + " gid");
			if (b.isRegularFile()) {
				assertEquals(a.get("size"), b.size(), "/" + fp + " size");
				ByteBuffer data = ByteBuffer.allocate((int) b.size());
				try (FileData d = mount.open(fp, EnumSet.of(OpenFlag.READ))) {
					while (data.hasRemaining() && d.read(data, data.position()) > 0) {
						// reads until full
					}
				}
				assertArrayEquals(Files.readAllBytes(p), data.array(), "/" + fp + " data");
				compareXattrs(mount, r, p, fp);
			} else if (b.isSymlink()) {
				assertEquals(Files.readSymbolicLink(p).toString(), mount.readlink(fp), "/" + fp + " target");
			} else if (b.isDirectory()) {
				compare(mount, r, p, fp);
			}
		}
	}

	/** User xattrs: equal, names and values, over a local overlay; none over an NFS overlay. */
	private static void compareXattrs(Mount mount, Run r, Path p, FsPath fp) throws Exception {
		UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
		Map<String, String> want = new TreeMap<>();
		for (String n : view.list()) {
			ByteBuffer b = ByteBuffer.allocate(view.size(n));
			view.read(n, b);
			want.put("user." + n, hex(b.array()));
		}
		Map<String, String> got = new TreeMap<>();
		List<String> names;
		try {
			names = mount.listxattr(fp);
		} catch (FsException e) {
			assertEquals(Variant.NFS_OVERLAY, r.variant, "/" + fp + " listxattr: " + e);
			assertEquals(Errno.ENOTSUP, e.errno(), "/" + fp + " listxattr");
			names = List.of();
		}
		for (String n : names) {
			if (n.startsWith("user.")) {
				got.put(n, hex(mount.getxattr(fp, n)));
			}
		}
		assertEquals(want, got, "/" + fp + " user xattrs");
		if (r.variant == Variant.NFS_OVERLAY) {
			assertEquals(Map.of(), got, "/" + fp + ": user xattrs over NFS");
		}
	}

	private static String hex(byte[] b) {
		return java.util.HexFormat.of().formatHex(b);
	}

	/**
	 * An independent client (libnfs) reads each regular file of the overlay's folder as it is on disk and lists
	 * each of its directories with the same names, the {@code .wh.} ones among them.
	 */
	private static void crossCheckWithLibnfs(String folder, Path upper) throws Exception {
		String cat = NfsServer.exe("nfs-cat");
		String ls = NfsServer.exe("nfs-ls");
		int whiteoutsListed = 0;
		int whiteoutsOnDisk = 0;
		List<Path> all;
		try (Stream<Path> s = Files.walk(upper)) {
			all = s.sorted().collect(Collectors.toList());
		}
		for (Path f : all) {
			String rel = upper.relativize(f).toString();
			String url = "nfs://127.0.0.1/rw/" + folder + (rel.isEmpty() ? "" : "/" + rel);
			String name = f.getFileName().toString();
			if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && !name.startsWith(".wh.")) {
				assertArrayEquals(Files.readAllBytes(f), NfsServer.output(cat, url), "nfs-cat " + url);
			} else if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
				Set<String> local;
				try (Stream<Path> s = Files.list(f)) {
					local = s.map(x -> x.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
				}
				Set<String> listed = new String(NfsServer.output(ls, url), StandardCharsets.UTF_8).lines()
						.map(l -> l.substring(l.lastIndexOf(' ') + 1)).filter(n -> !n.equals(".") && !n.equals(".."))
						.collect(Collectors.toCollection(TreeSet::new));
				assertEquals(local, listed, "nfs-ls " + url);
				whiteoutsOnDisk += (int) local.stream().filter(n -> n.startsWith(".wh.")).count();
				whiteoutsListed += (int) listed.stream().filter(n -> n.startsWith(".wh.")).count();
			}
		}
		assertEquals(whiteoutsOnDisk, whiteoutsListed, ".wh. names listed by nfs-ls");
	}

	private static void run(String... command) throws IOException, InterruptedException {
		assertEquals(0, NfsServer.run(command), String.join(" ", command));
	}

	private static void deleteTree(Path root) throws IOException {
		if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		try (Stream<Path> walk = Files.walk(root)) {
			for (Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
				Files.delete(p);
			}
		}
	}
}
