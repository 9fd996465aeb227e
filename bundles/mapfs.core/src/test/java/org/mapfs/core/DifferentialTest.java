package org.mapfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mapfs.core.Tree.p;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.Errno;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.RenameMode;
import org.mapfs.api.XattrMode;

/**
 * The same random operations applied to a mount and to a plain directory holding a copy of the merged
 * repository; after them the trees must be equal (content, type, mode, owner, link counts, size, symlink targets,
 * user xattrs, which names are one file), also after a remount with the same inode numbers, and the repository
 * unchanged. Every operation must succeed or fail alike. Renames include repository directories; in the
 * HARD_LINKS stack most repository files have several names, which must stay one file through every change. The
 * FILE_CHANGES stacks change repository files, empty ones among them: metadata (metacopy copy-ups where the policy
 * makes them), then data, names and metadata again, in any order.
 */
class DifferentialTest {
	/** Runs that once found a bug: kept as regression tests, whatever the random range below becomes. */
	private static final List<Arguments> REGRESSIONS = List.of(
			// renaming one hard link of a file onto another must do nothing
			Arguments.of(Stack.ONE_LAYER, 1L), Arguments.of(Stack.SUB_PATH_LAYER, 4L),
			// renaming a directory onto a whiteout
			Arguments.of(Stack.ONE_LAYER, 6L), Arguments.of(Stack.ONE_LAYER, 8L),
			// link() copied up a parent twice through a stale lookup
			Arguments.of(Stack.TWO_LAYERS, 10L),
			// a written metadata-only copy of an empty repository file was looked up afresh as one: its data read as
			// the repository's (size 0), or, renamed, it failed with EIO
			Arguments.of(Stack.FILE_CHANGES, 4L), Arguments.of(Stack.FILE_CHANGES, 12L));
	private static final int SEEDS = 20;
	private static final int OPS = 80;

	enum Stack {
		ONE_LAYER, TWO_LAYERS, THREE_LAYERS, SUB_PATH_LAYER, HARD_LINKS,
		/** One layer with a directory of small and empty files; the steps change files ({@link #fileStep}). */
		FILE_CHANGES,
		/** The same with the classic policy's metacopy=false: every change of a file copies it whole. */
		FILE_CHANGES_WHOLE_COPIES,
		/**
		 * Two layers under an overlay in the classic policy's OCI format, as on a store without character devices
		 * and extended attributes: whiteouts and opaque marks are {@code .wh.} names, and a directory with
		 * repository content cannot be renamed (EXDEV: mv copies it instead).
		 */
		OCI_WHITEOUTS;

		boolean changesFiles() {
			return this == FILE_CHANGES || this == FILE_CHANGES_WHOLE_COPIES;
		}
	}

	static Stream<Arguments> runs() {
		List<Arguments> runs = new ArrayList<>();
		for (Stack stack : Stack.values()) {
			// the file stacks are where metadata-only copies meet every other change: twice the seeds
			for (long seed = 1; seed <= (stack.changesFiles() ? 2 * SEEDS : SEEDS); seed++) {
				runs.add(Arguments.of(stack, seed));
			}
		}
		runs.addAll(REGRESSIONS);
		return runs.stream();
	}

	@TempDir
	Path tmp;
	private Random random;
	private Path model;
	private Mount mount;
	private Fixture fx;
	private final List<String> log = new ArrayList<>();

	@AfterEach
	void closeStores() {
		if (fx != null) {
			fx.close();
		}
	}

	@ParameterizedTest(name = "{0} seed {1}")
	@MethodSource("runs")
	void sameTreeAsAPlainDirectory(Stack stack, long seed) throws IOException {
		random = new Random(seed);
		fx = new Fixture(tmp);
		model = Files.createDirectories(tmp.resolve("model"));
		buildRepository(stack);
		if (stack == Stack.FILE_CHANGES_WHOLE_COPIES) {
			fx.policyOptions = Map.of("metacopy", "false");
		} else if (stack == Stack.OCI_WHITEOUTS) {
			fx.policyOptions = Map.of("format", "oci");
		}
		mount = fx.mount();
		assertEquals(Tree.of(model, false), Tree.of(mount), "the merged repository");
		for (int i = 0; i < OPS; i++) {
			if (stack.changesFiles()) {
				fileStep(i);
			} else {
				step();
			}
			if (i % 10 == 9) {
				// reads between changes: what the mount caches must follow every change, and what the overlay
				// holds must say the same to a mount that caches nothing yet
				String context = stack + " seed " + seed + " after " + log;
				assertEquals(Tree.of(model, false), Tree.of(mount), context);
				assertEquals(Tree.of(model, false), Tree.of(fx.remount()), "a fresh mount: " + context);
			}
		}
		String context = stack + " seed " + seed + "\n" + String.join("\n", log);
		assertEquals(Tree.of(model, false), Tree.of(mount), context);
		assertEquals(Tree.links(model), Tree.links(mount), "hard links: " + context);
		Map<String, Long> inodes = Tree.inodes(mount);
		Mount again = fx.remount();
		assertEquals(Tree.of(model, false), Tree.of(again), "after remount: " + context);
		assertEquals(inodes, Tree.inodes(again), "inode numbers after remount: " + context);
		fx.assertRepositoryUnchanged();
	}

	/** Layers with overlapping names, dirs that merge and files that hide each other; the model is the merge. */
	private void buildRepository(Stack stack) throws IOException {
		int layers = switch (stack) {
			case ONE_LAYER, HARD_LINKS, FILE_CHANGES, FILE_CHANGES_WHOLE_COPIES -> 1;
			case TWO_LAYERS, SUB_PATH_LAYER, OCI_WHITEOUTS -> 2;
			case THREE_LAYERS -> 3;
		};
		List<Path> dirs = new ArrayList<>();
		for (int i = 0; i < layers; i++) {
			boolean sub = stack == Stack.SUB_PATH_LAYER && i == 0;
			Path l = fx.lower(sub ? "/opt/site" : "/");
			dirs.add(sub ? Files.createDirectories(l.resolve("content")) : l);
		}
		for (int i = layers - 1; i >= 0; i--) {
			Path l = dirs.get(i);
			fill(l, 0);
		}
		if (stack.changesFiles()) {
			fillBigDir(Files.createDirectories(dirs.get(0).resolve("bigdir")));
		}
		if (stack == Stack.HARD_LINKS) {
			linkFiles(dirs.get(0));
			// the model is a copy that keeps the hard links (and modes, owners, times, xattrs)
			Process cp = new ProcessBuilder("cp", "-a", dirs.get(0) + "/.", model.toString()).inheritIO().start();
			assertEquals(0, waitFor(cp), "cp -a");
			return;
		}
		for (int i = layers - 1; i >= 0; i--) {
			boolean sub = stack == Stack.SUB_PATH_LAYER && i == 0;
			Path target = sub ? Files.createDirectories(model.resolve("opt/site")) : model;
			merge(dirs.get(i), target);
		}
		if (stack == Stack.SUB_PATH_LAYER) {
			// the store is the layer's folder; the layer is its "content" sub-path
			fx.roots.set(0, FsPath.of("content"));
		}
	}

	private static final String[] NAMES = { "a", "b", "c", "etc", "bin", "lib", "data.bin", "x.conf" };

	private void fill(Path dir, int depth) throws IOException {
		int n = 2 + random.nextInt(4);
		for (int i = 0; i < n; i++) {
			Path p = dir.resolve(NAMES[random.nextInt(NAMES.length)]);
			if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
				continue;
			}
			int kind = random.nextInt(10);
			if (kind < 4 && depth < 3) {
				Files.createDirectory(p);
				fill(p, depth + 1);
			} else if (kind < 9) {
				Files.write(p, bytes(random.nextInt(3000)));
				Files.setPosixFilePermissions(p, mode(random.nextBoolean() ? 0644 : 0755));
				if (random.nextInt(4) == 0) {
					Files.getFileAttributeView(p, UserDefinedFileAttributeView.class).write("tag",
							ByteBuffer.wrap(bytes(5)));
				}
			} else {
				Files.createSymbolicLink(p, Path.of(random.nextBoolean() ? "../a" : "/etc/passwd"));
			}
		}
	}

	/**
	 * The image test's bigdir: many files, a third of them empty (a metadata-only copy of an empty file has no
	 * size to tell it from a complete one), some with a user xattr, modes and owners of their own.
	 */
	private void fillBigDir(Path dir) throws IOException {
		for (int i = 0; i < 40; i++) {
			byte[] data = bytes(i % 3 == 0 ? 0 : random.nextInt(12_000));
			Path p = Files.write(dir.resolve(String.format("f%05d", i)), data);
			Files.setPosixFilePermissions(p, mode(random.nextBoolean() ? 0644 : 0755));
			Files.setAttribute(p, "unix:uid", 1000 + i % 2, LinkOption.NOFOLLOW_LINKS);
			if (random.nextInt(4) == 0) {
				var view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
				view.write("tag", ByteBuffer.wrap(bytes(5)));
			}
		}
	}

	/** Gives most regular files of a layer one or two more names, in any of its directories. */
	private void linkFiles(Path layer) throws IOException {
		List<Path> files;
		List<Path> dirs;
		try (Stream<Path> s = Files.walk(layer)) {
			List<Path> all = s.toList();
			files = all.stream().filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
			dirs = all.stream().filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
		}
		int n = 0;
		for (Path f : files) {
			for (int i = random.nextInt(3); i > 0; i--) {
				Files.createLink(dirs.get(random.nextInt(dirs.size())).resolve("h" + n++), f);
			}
		}
	}

	private static int waitFor(Process p) throws IOException {
		try {
			return p.waitFor();
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IOException(e);
		}
	}

	/** Copies a layer over the model: a directory merges with a directory, anything else replaces. */
	private static void merge(Path src, Path dst) throws IOException {
		try (Stream<Path> s = Files.list(src)) {
			for (Path p : s.sorted().toList()) {
				Path d = dst.resolve(p.getFileName().toString());
				boolean srcDir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
				boolean dstDir = Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS);
				if (Files.exists(d, LinkOption.NOFOLLOW_LINKS) && !(srcDir && dstDir)) {
					deleteTree(d);
				}
				if (srcDir) {
					if (!dstDir) {
						Files.createDirectory(d);
					}
					Files.setPosixFilePermissions(d, Files.getPosixFilePermissions(p));
					merge(p, d);
				} else {
					Files.copy(p, d, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
					if (!Files.isSymbolicLink(p)) {
						var from = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
						var to = Files.getFileAttributeView(d, UserDefinedFileAttributeView.class);
						for (String n : from.list()) {
							ByteBuffer b = ByteBuffer.allocate(from.size(n));
							from.read(n, b);
							b.flip();
							to.write(n, b);
						}
					}
				}
			}
		}
	}

	private static void deleteTree(Path p) throws IOException {
		try (Stream<Path> s = Files.walk(p)) {
			for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(q);
			}
		}
	}

	private byte[] bytes(int n) {
		byte[] b = new byte[n];
		random.nextBytes(b);
		return b;
	}

	private static Set<PosixFilePermission> mode(int mode) {
		Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
		PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
		for (int i = 0; i < 9; i++) {
			if ((mode & (0400 >> i)) != 0) {
				set.add(all[i]);
			}
		}
		return set;
	}

	private interface Action {
		void run() throws IOException;
	}

	/** The names of the model's tree by kind, as paths relative to its root; the root itself is dirs' first. */
	private record Names(List<String> dirs, List<String> files, List<String> links) {
	}

	private Names names() throws IOException {
		Names n = new Names(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
		try (Stream<Path> s = Files.walk(model)) {
			for (Path p : s.toList()) {
				String rel = model.relativize(p).toString();
				if (Files.isSymbolicLink(p)) {
					n.links().add(rel);
				} else if (Files.isDirectory(p)) {
					n.dirs().add(rel);
				} else {
					n.files().add(rel);
				}
			}
		}
		return n;
	}

	/** One random operation on both sides; both must succeed, or fail with the same errno. */
	private void step() throws IOException {
		Names names = names();
		List<String> dirs = names.dirs();
		List<String> files = names.files();
		List<String> nonDirs = new ArrayList<>(files);
		nonDirs.addAll(names.links());
		String dir = pick(dirs);
		String fresh = (dir.isEmpty() ? "" : dir + "/") + NAMES[random.nextInt(NAMES.length)]
				+ (random.nextBoolean() ? "" : "-" + random.nextInt(3));
		// the model's root is not a root (renaming onto it is EBUSY only on a real one): never picked
		List<String> subdirs = dirs.subList(1, dirs.size());
		String any = random.nextInt(4) == 0 || subdirs.isEmpty() ? fresh
				: pick(random.nextBoolean() && !files.isEmpty() ? files : subdirs);
		String file = files.isEmpty() || random.nextInt(5) == 0 ? fresh : pick(files);
		int op = random.nextInt(13);
		switch (op) {
			case 0, 1 -> {
				long off = random.nextInt(4000);
				write(file, off, bytes(1 + random.nextInt(2000)));
			}
			case 2 -> truncate(any, random.nextInt(5000));
			case 3 -> unlink(nonDirs.isEmpty() ? fresh : pick(nonDirs));
			case 4 -> mkdir(fresh);
			case 5 -> {
				String victim = !subdirs.isEmpty() && random.nextInt(4) > 0 ? pick(subdirs) : fresh;
				same("rmdir " + victim, () -> {
					if (!Files.isDirectory(model.resolve(victim), LinkOption.NOFOLLOW_LINKS)
							&& Files.exists(model.resolve(victim), LinkOption.NOFOLLOW_LINKS)) {
						throw new FsException(Errno.ENOTDIR, p(victim));
					}
					Files.delete(model.resolve(victim));
				}, () -> mount.rmdir(p(victim)));
			}
			case 6, 7 -> {
				if (nonDirs.isEmpty() && subdirs.isEmpty()) {
					return;
				}
				String from = random.nextInt(3) == 0 && !subdirs.isEmpty() || nonDirs.isEmpty() ? pick(subdirs)
						: pick(nonDirs);
				rename(from, random.nextInt(3) == 0 ? any : fresh);
			}
			case 8 -> {
				String target = random.nextBoolean() ? "../" + NAMES[random.nextInt(NAMES.length)] : "/tmp";
				same("symlink " + fresh + " -> " + target,
						() -> Files.createSymbolicLink(model.resolve(fresh), Path.of(target)),
						() -> mount.symlink(p(fresh), target, Caller.PROCESS));
			}
			case 9 -> {
				String target = random.nextBoolean() ? pick(files.isEmpty() ? dirs : files) : pick(dirs);
				chmod(target, random.nextBoolean() ? 0600 : 0711);
			}
			case 10 -> {
				String target = random.nextBoolean() ? pick(files.isEmpty() ? dirs : files) : pick(dirs);
				byte[] value = bytes(1 + random.nextInt(20));
				xattr(target, value, random.nextInt(3) == 0);
			}
			case 12 -> {
				String target = random.nextBoolean() ? pick(files.isEmpty() ? dirs : files) : pick(dirs);
				chown(target, 1000 + random.nextInt(3));
			}
			default -> {
				if (files.isEmpty()) {
					return;
				}
				link(pick(files), fresh);
			}
		}
	}

	/**
	 * One random change for the FILE_CHANGES stacks: what the image store's union test does (writes, truncates,
	 * unlinks, renames to new names, mkdir) plus every metadata change of files, writes far beyond the end,
	 * truncates up and down, renames onto other files and hard links, so that each file meets them in any order
	 * and whatever its copy-up state (none, metadata only, complete).
	 */
	private void fileStep(int i) throws IOException {
		Names names = names();
		List<String> files = names.files();
		String dir = pick(names.dirs());
		String fresh = (dir.isEmpty() ? "" : dir + "/") + "new-" + i;
		String file = files.isEmpty() || random.nextInt(8) == 0 ? fresh : pick(files);
		switch (random.nextInt(14)) {
			case 0, 1 -> {
				long off = random.nextInt(20_000);
				write(file, off, bytes(1 + random.nextInt(9000)));
			}
			case 2, 3 -> truncate(file, random.nextInt(15_000));
			case 4 -> unlink(file);
			case 5 -> chmod(file, new int[] { 0600, 0640, 0755, 0700 }[random.nextInt(4)]);
			case 6 -> chown(file, 1000 + random.nextInt(3));
			case 7 -> utimens(file, random.nextInt(1 << 30) * 1_000_000_000L);
			case 8, 9 -> xattr(file, bytes(1 + random.nextInt(20)), random.nextInt(3) == 0);
			case 10, 11 -> rename(file, random.nextInt(3) == 0 && !files.isEmpty() ? pick(files) : fresh);
			case 12 -> mkdir(fresh);
			default -> link(file, fresh);
		}
	}

	private void write(String file, long off, byte[] data) {
		same("write " + file + " @" + off + " " + data.length, () -> {
			try (FileChannel ch = FileChannel.open(model.resolve(file), StandardOpenOption.CREATE,
					StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
				ch.write(ByteBuffer.wrap(data), off);
			}
		}, () -> {
			try (FileHandle h = mount.create(p(file), 0644, Caller.PROCESS, false)) {
				h.write(ByteBuffer.wrap(data), off);
			}
		});
	}

	private void truncate(String path, long size) {
		same("truncate " + path + " " + size, () -> {
			try (FileChannel ch = FileChannel.open(model.resolve(path), StandardOpenOption.WRITE,
					LinkOption.NOFOLLOW_LINKS)) {
				if (size > ch.size()) {
					ch.write(ByteBuffer.allocate(1), size - 1);
				} else {
					ch.truncate(size);
				}
			}
		}, () -> mount.truncate(p(path), size));
	}

	private void unlink(String victim) {
		same("unlink " + victim, () -> Files.delete(model.resolve(victim)), () -> mount.unlink(p(victim)));
	}

	private void mkdir(String fresh) {
		same("mkdir " + fresh, () -> {
			Files.createDirectory(model.resolve(fresh));
			Files.setPosixFilePermissions(model.resolve(fresh), mode(0750));
		}, () -> mount.mkdir(p(fresh), 0750, Caller.PROCESS));
	}

	private void link(String existing, String fresh) {
		same("link " + existing + " " + fresh, () -> Files.createLink(model.resolve(fresh), model.resolve(existing)),
				() -> mount.link(p(existing), p(fresh)));
	}

	private void chmod(String target, int m) {
		same("chmod " + target + " " + Integer.toOctalString(m),
				() -> Files.setPosixFilePermissions(model.resolve(target), mode(m)),
				() -> mount.setattr(p(target), AttributeChange.mode(m)));
	}

	private void chown(String target, int uid) {
		same("chown " + target + " " + uid, () -> {
			Files.setAttribute(model.resolve(target), "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
			Files.setAttribute(model.resolve(target), "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
		}, () -> mount.setattr(p(target), AttributeChange.owner(uid, uid)));
	}

	/** Sets both times (the trees do not compare them: this is for the copy-up it makes). */
	private void utimens(String target, long ns) {
		same("utimens " + target + " " + ns, () -> Files.setLastModifiedTime(model.resolve(target),
				FileTime.from(ns / 1000, TimeUnit.MICROSECONDS)),
				() -> mount.setattr(p(target), AttributeChange.times(ns, ns)));
	}

	private void xattr(String target, byte[] value, boolean remove) {
		same((remove ? "removexattr " : "setxattr ") + target, () -> {
			var view = Files.getFileAttributeView(model.resolve(target), UserDefinedFileAttributeView.class);
			if (remove) {
				view.delete("k");
			} else {
				view.write("k", ByteBuffer.wrap(value));
			}
		}, () -> {
			if (remove) {
				mount.removexattr(p(target), "user.k");
			} else {
				mount.setxattr(p(target), "user.k", value, XattrMode.SET);
			}
		});
	}

	/**
	 * Layers are placed at fixed mount paths: a directory that leads to a placement (not the placed directory
	 * itself) cannot move, EXDEV, and the model stays as after a failed mv. Everything else must match.
	 */
	private void rename(String from, String to) throws FsException {
		String what = "rename " + from + " " + to;
		IOException mapfs = outcome(() -> mount.rename(p(from), p(to), RenameMode.REPLACE));
		if (errno(mapfs) == Errno.EXDEV && leadsToPlacement(p(from))) {
			log.add(what + ": EXDEV (leads to a layer's placement)");
			return;
		}
		if (errno(mapfs) == Errno.EXDEV && fx.policyOptions.containsValue("oci") && isRepositoryDirectory(from)) {
			log.add(what + ": EXDEV (a repository directory, no redirects in the OCI format)");
			return;
		}
		compare(what, outcome(() -> Files.move(model.resolve(from), model.resolve(to),
				StandardCopyOption.ATOMIC_MOVE)), mapfs);
	}

	/** True for a directory of the mount that has content in a repository layer. */
	private boolean isRepositoryDirectory(String path) {
		return fx.lowers.stream().anyMatch(l -> Files.isDirectory(l.resolve(path), LinkOption.NOFOLLOW_LINKS));
	}

	private boolean leadsToPlacement(FsPath dir) {
		return fx.placements.stream().anyMatch(at -> at.startsWith(dir) && !at.equals(dir));
	}

	private void same(String what, Action plainOp, Action mapfsOp) {
		IOException plain = outcome(plainOp);
		compare(what, plain, outcome(mapfsOp));
	}

	private void compare(String what, IOException plain, IOException mapfs) {
		log.add(what + ": " + (plain == null ? "ok" : errno(plain)));
		assertEquals(errno(plain), errno(mapfs), what + (mapfs == null ? "" : " (" + mapfs.getMessage() + ")")
				+ "\n" + String.join("\n", log));
	}

	private static IOException outcome(Action action) {
		try {
			action.run();
			return null;
		} catch (IOException e) {
			return e;
		}
	}

	private static Errno errno(IOException e) {
		return e == null ? null : FsException.errnoOf(e);
	}

	private String pick(List<String> list) {
		return list.get(random.nextInt(list.size()));
	}

}
