package org.mapfs.store.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.store.local.StoreTesting.assertErrno;
import static org.mapfs.store.local.StoreTesting.bytes;
import static org.mapfs.store.local.StoreTesting.p;
import static org.mapfs.store.local.StoreTesting.require;
import static org.mapfs.store.local.StoreTesting.readAll;
import static org.mapfs.store.local.StoreTesting.treeDigest;
import static org.mapfs.store.local.StoreTesting.writeAll;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.DirEntry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileData;
import org.mapfs.api.FileType;
import org.mapfs.api.FsPath;
import org.mapfs.api.XattrMode;

/** The store never follows a symlink in any component and never touches anything outside its root. */
class LocalStoreSafetyTest {
	@TempDir
	Path tmp;
	Path root;
	Path outside;
	LocalStore store;

	@BeforeEach
	void setUp() throws Exception {
		root = Files.createDirectory(tmp.resolve("root"));
		outside = Files.createDirectory(tmp.resolve("outside"));
		Files.writeString(outside.resolve("secret"), "secret");
		Files.createDirectory(outside.resolve("sub"));
		Files.writeString(outside.resolve("sub/deep"), "deep");
		Files.createDirectory(root.resolve("in"));
		Files.writeString(root.resolve("in/file"), "inside");
		Files.createSymbolicLink(root.resolve("out"), outside); // absolute, to a folder outside
		Files.createSymbolicLink(root.resolve("rel"), Path.of("../outside")); // relative, escaping
		Files.createSymbolicLink(root.resolve("slash"), Path.of("/")); // the whole file system
		Files.createSymbolicLink(root.resolve("inner"), Path.of("in")); // even one that stays inside
		Files.createSymbolicLink(root.resolve("secretlink"), outside.resolve("secret")); // final-component link
		store = LocalStore.open("s", root, tmp.resolve("work"), false);
	}

	@AfterEach
	void tearDown() {
		store.close();
	}

	/** The paths that reach {@code outside} (or anything) through a symlink in an intermediate component. */
	private List<String> viaLinks(String rest) {
		String abs = outside.toString().substring(1);
		return List.of("out/" + rest, "rel/" + rest, "slash/" + abs + "/" + rest, "inner/" + rest);
	}

	@Test
	void intermediateSymlinksAreNeverFollowed() throws Exception {
		String before = treeDigest(outside);
		for (String base : List.of("out", "rel", "slash", "inner")) {
			assertEquals(FileType.SYMLINK, store.stat(p(base)).type());
		}
		List<String> tried = new ArrayList<>();
		for (String path : viaLinks("secret")) {
			tried.add(path);
			FsPath f = p(path);
			FsPath parent = f.parent();
			Errno[] refused = { Errno.ELOOP, Errno.ENOTDIR };
			assertErrno(() -> store.stat(f), refused);
			assertErrno(() -> store.open(f), refused);
			assertErrno(() -> store.openWritable(f), refused);
			assertErrno(() -> store.readlink(f), refused);
			assertErrno(() -> store.list(parent), refused);
			assertErrno(() -> store.getxattr(f, "user.x"), refused);
			assertErrno(() -> store.listxattr(f), refused);
			assertErrno(() -> store.create(parent.resolve("new"), 0644, Caller.PROCESS), refused);
			assertErrno(() -> store.mkdir(parent.resolve("newdir"), 0755, Caller.PROCESS), refused);
			assertErrno(() -> store.mknod(parent.resolve("fifo"), FileType.FIFO, 0644, 0, Caller.PROCESS), refused);
			assertErrno(() -> store.symlink(parent.resolve("sl"), "x", Caller.PROCESS), refused);
			assertErrno(() -> store.link(p("in/file"), parent.resolve("hl")), refused);
			assertErrno(() -> store.link(f, p("in/hl")), refused);
			assertErrno(() -> store.unlink(f), refused);
			assertErrno(() -> store.rmdir(parent.resolve("sub")), refused);
			assertErrno(() -> store.rename(f, p("in/stolen"), true), refused);
			assertErrno(() -> store.rename(p("in/file"), parent.resolve("planted"), true), refused);
			assertErrno(() -> store.setattr(f, AttributeChange.mode(0777)), refused);
			assertErrno(() -> store.setattr(f, AttributeChange.owner(1, 1)), refused);
			assertErrno(() -> store.setattr(f, AttributeChange.times(1L, 1L)), refused);
			assertErrno(() -> store.truncate(f, 0), refused);
			assertErrno(() -> store.setxattr(f, "user.x", bytes("1"), XattrMode.SET), refused);
			assertErrno(() -> store.removexattr(f, "user.x"), refused);
			assertErrno(() -> store.publish(p("x"), parent.resolve("pub")), Errno.ELOOP, Errno.ENOTDIR, Errno.ENOENT);
		}
		// deeper below the link
		assertErrno(() -> store.stat(p("out/sub/deep")), Errno.ELOOP, Errno.ENOTDIR);
		assertErrno(() -> store.create(p("out/sub/new"), 0644, Caller.PROCESS), Errno.ELOOP, Errno.ENOTDIR);
		assertEquals(before, treeDigest(outside), "the folder outside changed: " + tried);
		assertEquals("inside", Files.readString(root.resolve("in/file")));
		assertFalse(Files.exists(root.resolve("in/stolen")));
	}

	@Test
	void aFinalSymlinkIsActedOnItselfNeverItsTarget() throws Exception {
		String before = treeDigest(outside);
		FsPath l = p("secretlink");
		assertEquals(FileType.SYMLINK, store.stat(l).type());
		assertEquals(outside.resolve("secret").toString(), store.readlink(l));
		assertErrno(() -> store.open(l), Errno.ELOOP);
		assertErrno(() -> store.openWritable(l), Errno.ELOOP);
		assertErrno(() -> store.truncate(l, 0), Errno.ELOOP);
		assertErrno(() -> store.create(l, 0644, Caller.PROCESS), Errno.EEXIST);
		assertErrno(() -> store.mkdir(l, 0755, Caller.PROCESS), Errno.EEXIST);
		assertErrno(() -> store.list(p("out")), Errno.ENOTDIR);
		assertErrno(() -> store.list(p("slash")), Errno.ENOTDIR);
		assertErrno(() -> store.rmdir(p("out")), Errno.ENOTDIR);
		// chmod: not applicable to a symlink, ignored; the target keeps its mode
		store.setattr(l, AttributeChange.mode(0777));
		store.setattr(l, AttributeChange.times(1_000_000_000L, 2_000_000_000L));
		assertEquals(2_000_000_000L, store.stat(l).mtimeNs());
		if (store.isPrivileged()) {
			store.setattr(l, AttributeChange.owner(4321, 4321));
			assertEquals(4321, store.stat(l).uid());
			store.setxattr(l, "trusted.mark", bytes("m"), XattrMode.SET);
			assertArrayEquals(bytes("m"), store.getxattr(l, "trusted.mark"));
		}
		// a hard link of the symlink is another symlink, not the outside file
		store.link(l, p("in/hard"));
		assertEquals(FileType.SYMLINK, store.stat(p("in/hard")).type());
		// rename and unlink move and remove the link only
		store.rename(l, p("in/moved"), false);
		store.unlink(p("in/moved"));
		store.unlink(p("in/hard"));
		store.unlink(p("out"));
		store.unlink(p("slash"));
		assertEquals(before, treeDigest(outside));
		assertTrue(Files.isDirectory(outside));
		assertEquals("secret", Files.readString(outside.resolve("secret")));
	}

	@Test
	void aWorkAreaWithSymlinksIsAsSafe() throws Exception {
		String before = treeDigest(outside);
		Path work = tmp.resolve("work");
		Files.createSymbolicLink(work.resolve("out"), outside);
		assertErrno(() -> store.work().create(p("out/x"), 0644, Caller.PROCESS), Errno.ELOOP, Errno.ENOTDIR);
		assertErrno(() -> store.publish(p("out/secret"), p("in/stolen")), Errno.ELOOP, Errno.ENOTDIR);
		// publishing the symlink itself moves the link, never the folder it names
		store.publish(p("out"), p("in/link"));
		assertEquals(FileType.SYMLINK, store.stat(p("in/link")).type());
		assertEquals(before, treeDigest(outside));
	}

	@Test
	void pathsNearPathMaxBelowADeepRoot() throws Exception {
		// the root's own path is over 3000 bytes: with it, the full paths are far beyond PATH_MAX
		Path deep = tmp;
		for (int i = 0; i < 13; i++) {
			deep = deep.resolve(i + "r".repeat(240));
		}
		Files.createDirectories(deep);
		assertTrue(deep.toString().length() > 3000, deep.toString().length() + "");
		try (LocalStore s = LocalStore.open("deep", deep, null, false)) {
			List<FsPath> dirs = new ArrayList<>();
			StringBuilder rel = new StringBuilder();
			while (rel.length() + 200 < 3800) {
				if (rel.length() > 0) {
					rel.append('/');
				}
				rel.append(String.valueOf((char) ('a' + dirs.size())).repeat(199));
				dirs.add(p(rel.toString()));
			}
			for (FsPath d : dirs) {
				s.mkdir(d, 0755, Caller.PROCESS);
			}
			FsPath last = dirs.get(dirs.size() - 1);
			String fname = "f".repeat(3999 - rel.length());
			FsPath file = last.resolve(fname);
			assertEquals(4000, file.toString().getBytes(StandardCharsets.UTF_8).length);
			assertTrue(deep.toString().length() + 1 + 4000 > 4096 + 3000);

			try (FileData d = s.create(file, 0600, Caller.PROCESS)) {
				writeAll(d, bytes("far down"), 0);
			}
			assertEquals(8, s.stat(file).size());
			assertEquals(0600, s.stat(file).mode());
			try (FileData d = s.open(file)) {
				assertArrayEquals(bytes("far down"), readAll(d));
			}
			assertEquals(List.of(fname), s.list(last).stream().map(DirEntry::name).collect(Collectors.toList()));
			s.setattr(file, AttributeChange.times(5L, 6L));
			assertEquals(6L, s.stat(file).mtimeNs());
			s.setxattr(file, "user.deep", bytes("1"), XattrMode.SET);
			assertArrayEquals(bytes("1"), s.getxattr(file, "user.deep"));
			FsPath renamed = last.resolve("g".repeat(fname.length()));
			s.rename(file, renamed, false);
			s.truncate(renamed, 3);
			assertEquals(3, s.stat(renamed).size());
			s.unlink(renamed);
			assertErrno(() -> s.stat(renamed), Errno.ENOENT);
			for (int i = dirs.size() - 1; i >= 0; i--) {
				s.rmdir(dirs.get(i));
			}
			assertEquals(List.of(), s.list(FsPath.ROOT));
		}
	}

	@Test
	void aMagicLinkInsideTheRootIsNotFollowedEither() throws Exception {
		require(Files.isDirectory(Path.of("/proc/self/fd")), "no /proc/self/fd");
		Files.createSymbolicLink(root.resolve("proc"), Path.of("/proc/self/cwd"));
		assertErrno(() -> store.stat(p("proc/etc")), Errno.ELOOP, Errno.ENOTDIR);
		assertErrno(() -> store.create(p("proc/x"), 0644, Caller.PROCESS), Errno.ELOOP, Errno.ENOTDIR);
	}

	@Test
	void readingThroughFileDataStaysOnTheOpenedFile() throws Exception {
		try (FileData d = store.open(p("in/file"))) {
			// replace the name by a symlink to the outside: the open fd keeps reading the inside file
			Files.delete(root.resolve("in/file"));
			Files.createSymbolicLink(root.resolve("in/file"), outside.resolve("secret"));
			ByteBuffer b = ByteBuffer.allocate(16);
			assertEquals(6, d.read(b, 0));
			assertEquals("inside", new String(b.array(), 0, 6, StandardCharsets.UTF_8));
		}
		assertErrno(() -> store.open(p("in/file")), Errno.ELOOP);
	}
}
