package org.mapfs.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.core.Tree.p;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.DirEntry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.api.RenameMode;
import org.mapfs.api.XattrMode;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

class UnionMountTest {
	@TempDir
	Path tmp;
	Fixture fx;
	Path repo;
	Mount mount;

	@BeforeEach
	void setUp() throws IOException {
		fx = new Fixture(tmp);
		repo = fx.etcRepository();
		Files.createDirectories(repo.resolve("usr/bin"));
		Files.writeString(repo.resolve("usr/bin/tool"), "#!/bin/sh\n");
		Files.setAttribute(repo.resolve("usr/bin/tool"), "unix:mode", 04755);
		Files.createSymbolicLink(repo.resolve("etc/localtime"), Path.of("/usr/share/zoneinfo/UTC"));
		Files.createSymbolicLink(repo.resolve("escape"), Path.of("/"));
		mount = fx.mount();
	}

	@AfterEach
	void repositoryUnchanged() throws IOException {
		fx.assertRepositoryUnchanged();
	}

	private String read(String path) throws FsException {
		return Tree.text(mount, path);
	}

	private void write(String path, String content) throws FsException {
		try (FileHandle h = mount.create(p(path), 0644, Caller.PROCESS, false)) {
			h.truncate(0);
			h.write(ByteBuffer.wrap(content.getBytes(UTF_8)), 0);
		}
	}

	private List<String> names(String dir) throws FsException {
		return mount.list(p(dir)).stream().map(DirEntry::name).sorted().toList();
	}

	@Test
	void readsComeFromTheRepositoryWithoutCopyUp() throws IOException {
		assertEquals("127.0.0.1 localhost\n", read("etc/hosts"));
		assertEquals(List.of("escape", "etc", "usr"), names(""));
		assertEquals("/usr/share/zoneinfo/UTC", mount.readlink(p("etc/localtime")));
		assertEquals(04755, mount.stat(p("usr/bin/tool")).mode());
		try (var s = Files.list(fx.upper)) {
			assertEquals(0, s.count(), "nothing is copied up by reading");
		}
	}

	@Test
	void firstWriteMakesAPrivateCopyWithMetadata() throws IOException {
		var before = mount.stat(p("usr/bin/tool"));
		try (FileHandle h = mount.open(p("usr/bin/tool"), Set.of(OpenFlag.READ, OpenFlag.WRITE))) {
			assertFalse(Files.exists(fx.upper.resolve("usr/bin/tool")), "opening read-write does not copy up");
			h.write(ByteBuffer.wrap("#!/bin/bash".getBytes(UTF_8)), 0);
		}
		assertEquals("#!/bin/bash", read("usr/bin/tool"));
		assertEquals("#!/bin/bash", Files.readString(fx.upper.resolve("usr/bin/tool")));
		var after = mount.stat(p("usr/bin/tool"));
		assertEquals(04755, after.mode(), "mode, setuid included, survives the copy-up");
		assertEquals(before.uid(), after.uid());
		// parents are copied up with their metadata, and keep their times
		var repoDir = Files.readAttributes(repo.resolve("usr/bin"), "unix:*", LinkOption.NOFOLLOW_LINKS);
		var upperDir = Files.readAttributes(fx.upper.resolve("usr/bin"), "unix:*", LinkOption.NOFOLLOW_LINKS);
		assertEquals(repoDir.get("mode"), upperDir.get("mode"));
		assertEquals(repoDir.get("lastModifiedTime"), upperDir.get("lastModifiedTime"));
		assertEquals(3, ((UnionMount) mount).stats().copyUps(), "usr, usr/bin, then tool");
	}

	@Test
	void nanosecondTimesAndXattrsArePreservedOnCopyUp() throws IOException {
		Path f = repo.resolve("etc/hosts");
		var view = Files.getFileAttributeView(f, java.nio.file.attribute.UserDefinedFileAttributeView.class);
		view.write("origin", ByteBuffer.wrap("golden".getBytes(UTF_8)));
		Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(java.time.Instant.parse(
				"2020-01-02T03:04:05.123456789Z")));
		mount = fx.mount();
		long mtime = mount.stat(p("etc/hosts")).mtimeNs();
		mount.setattr(p("etc/hosts"), AttributeChange.mode(0600));
		assertEquals(mtime, mount.stat(p("etc/hosts")).mtimeNs());
		assertEquals(1577934245123456789L, mtime);
		assertArrayEquals("golden".getBytes(UTF_8), mount.getxattr(p("etc/hosts"), "user.origin"));
		assertEquals(0600, mount.stat(p("etc/hosts")).mode());
		assertEquals(0644, (Integer) Files.getAttribute(f, "unix:mode") & 07777);
	}

	@Test
	void sparseFilesStaySparse() throws IOException {
		Path big = repo.resolve("big.img");
		try (var ch = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.CREATE_NEW,
				java.nio.file.StandardOpenOption.WRITE)) {
			ch.write(ByteBuffer.wrap("end".getBytes(UTF_8)), 64L << 20);
		}
		mount = fx.mount();
		mount.setxattr(p("big.img"), "user.touched", new byte[] { 1 }, XattrMode.SET);
		var a = mount.stat(p("big.img"));
		assertEquals((64L << 20) + 3, a.size());
		assertTrue(a.blocks() * 512 < (1 << 20), "copy is sparse: " + a.blocks() + " blocks");
	}

	@Test
	void deletingARepositoryFileLeavesAWhiteout() throws IOException {
		mount.unlink(p("etc/hosts"));
		assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> mount.stat(p("etc/hosts"))).errno());
		assertFalse(names("etc").contains("hosts"));
		var wh = Files.readAttributes(fx.upper.resolve("etc/hosts"), "unix:*", LinkOption.NOFOLLOW_LINKS);
		assertEquals(0020000, (Integer) wh.get("mode") & 0170000, "a character device");
		assertEquals(0L, wh.get("rdev"));
		// a new file of that name replaces the whiteout
		write("etc/hosts", "new");
		assertEquals("new", read("etc/hosts"));
		assertTrue(Files.isRegularFile(fx.upper.resolve("etc/hosts"), LinkOption.NOFOLLOW_LINKS));
	}

	@Test
	void deletingAndRecreatingADirectoryMakesItOpaque() throws IOException {
		mount.unlink(p("etc/ssh/sshd_config"));
		mount.rmdir(p("etc/ssh"));
		assertFalse(names("etc").contains("ssh"));
		mount.mkdir(p("etc/ssh"), 0700, Caller.PROCESS);
		assertEquals(List.of(), names("etc/ssh"), "the repository content stays hidden");
		assertEquals(0700, mount.stat(p("etc/ssh")).mode());
		var opaque = Files.getFileAttributeView(fx.upper.resolve("etc/ssh"),
				java.nio.file.attribute.UserDefinedFileAttributeView.class);
		// root writes trusted.overlay.opaque, which java.nio cannot read; the view above proves the effect
		assertTrue(opaque.list().isEmpty());
		// and after a remount the same
		mount = fx.remount();
		assertEquals(List.of(), names("etc/ssh"));
	}

	@Test
	void rmdirOfNonEmptyMergedDirectoryFails() throws FsException {
		assertEquals(Errno.ENOTEMPTY, assertThrows(FsException.class, () -> mount.rmdir(p("etc"))).errno());
		assertEquals(Errno.ENOTDIR, assertThrows(FsException.class, () -> mount.rmdir(p("etc/hosts"))).errno());
		assertEquals(Errno.EISDIR, assertThrows(FsException.class, () -> mount.unlink(p("etc"))).errno());
	}

	@Test
	void mergedReaddirListsEachNameOnceTopWins() throws IOException {
		write("etc/hosts", "mine");
		write("etc/motd", "hello");
		assertEquals(List.of("hosts", "localtime", "motd", "ssh"), names("etc"));
		assertEquals("mine", read("etc/hosts"));
	}

	@Test
	void handlesOpenedBeforeAndAfterCopyUpSeeTheSameData() throws IOException {
		FileHandle reader = mount.open(p("etc/hosts"), Set.of(OpenFlag.READ));
		FileHandle writer = mount.open(p("etc/hosts"), Set.of(OpenFlag.READ, OpenFlag.WRITE));
		writer.write(ByteBuffer.wrap("10.0.0.1".getBytes(UTF_8)), 0);
		ByteBuffer buf = ByteBuffer.allocate(8);
		reader.read(buf, 0);
		assertEquals("10.0.0.1", new String(buf.array(), UTF_8), "the earlier read-only handle sees the write");
		FileHandle later = mount.open(p("etc/hosts"), Set.of(OpenFlag.READ));
		buf.clear();
		later.read(buf, 0);
		assertEquals("10.0.0.1", new String(buf.array(), UTF_8));
		reader.close();
		writer.close();
		later.close();
		assertEquals(Errno.EBADF, assertThrows(FsException.class, () -> reader.read(ByteBuffer.allocate(1), 0))
				.errno());
	}

	@Test
	void concurrentCopyUpMakesOneCopyAndLosesNoWrite() throws Exception {
		int threads = 16;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Callable<Void>> tasks = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				int n = i;
				tasks.add(() -> {
					try (FileHandle h = mount.open(p("etc/hosts"), Set.of(OpenFlag.READ, OpenFlag.WRITE))) {
						h.write(ByteBuffer.wrap(new byte[] { (byte) ('A' + n) }), 100 + n);
					}
					return null;
				});
			}
			for (Future<Void> f : pool.invokeAll(tasks)) {
				f.get();
			}
		} finally {
			pool.shutdown();
		}
		byte[] data = Tree.read(mount, p("etc/hosts"));
		for (int i = 0; i < threads; i++) {
			assertEquals('A' + i, data[100 + i], "write of thread " + i);
		}
		assertEquals("127.0.0.1 localhost\n", new String(data, 0, 20, UTF_8));
		assertEquals(2, ((UnionMount) mount).stats().copyUps(), "etc, then etc/hosts once");
	}

	@Test
	void unlinkedOpenFileKeepsItsDataAndReportsNlinkZero() throws IOException {
		FileHandle h = mount.open(p("etc/hosts"), Set.of(OpenFlag.READ, OpenFlag.WRITE));
		h.write(ByteBuffer.wrap("x".getBytes(UTF_8)), 0);
		mount.unlink(p("etc/hosts"));
		assertEquals(0, h.stat().nlink());
		ByteBuffer buf = ByteBuffer.allocate(3);
		h.read(buf, 0);
		assertEquals("x27", new String(buf.array(), UTF_8));
		h.close();
	}

	/** The name goes before the first write: the data still has to become private, though no path leads to it. */
	@Test
	void repositoryFileUnlinkedBeforeItsFirstWriteStaysWritable() throws IOException {
		FileHandle writer = mount.open(p("etc/hosts"), Set.of(OpenFlag.READ, OpenFlag.WRITE));
		FileHandle reader = mount.open(p("etc/ssh/sshd_config"), Set.of(OpenFlag.READ));
		mount.unlink(p("etc/hosts"));
		mount.rename(p("usr/bin/tool"), p("etc/ssh/sshd_config"), RenameMode.REPLACE);
		writer.write(ByteBuffer.wrap("X".getBytes(UTF_8)), 0);
		ByteBuffer buf = ByteBuffer.allocate(3);
		writer.read(buf, 0);
		assertEquals("X27", new String(buf.array(), UTF_8));
		assertEquals(0, writer.stat().nlink());
		buf = ByteBuffer.allocate(5);
		reader.read(buf, 0);
		assertEquals("Permi", new String(buf.array(), UTF_8), "a reader keeps the repository version it opened");
		writer.close();
		reader.close();
		assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> mount.stat(p("etc/hosts"))).errno());
	}

	@Test
	void renameOfFilesCopiesUpAndWhitesOutTheSource() throws IOException {
		mount.rename(p("etc/hosts"), p("etc/hosts.bak"), RenameMode.REPLACE);
		assertEquals("127.0.0.1 localhost\n", read("etc/hosts.bak"));
		assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> mount.stat(p("etc/hosts"))).errno());
		write("a", "1");
		write("b", "2");
		assertEquals(Errno.EEXIST,
				assertThrows(FsException.class, () -> mount.rename(p("a"), p("b"), RenameMode.NOREPLACE)).errno());
		mount.rename(p("a"), p("b"), RenameMode.REPLACE);
		assertEquals("1", read("b"));
		assertEquals(Errno.EISDIR,
				assertThrows(FsException.class, () -> mount.rename(p("b"), p("etc"), RenameMode.REPLACE)).errno());

		mount.mkdir(p("new"), 0755, Caller.PROCESS);
		write("new/f", "in new");
		mount.rename(p("new"), p("newer"), RenameMode.REPLACE);
		assertEquals("in new", read("newer/f"));
	}

	@Test
	void renamingARepositoryDirectoryRecordsARedirectAndCopiesNoTree() throws IOException {
		long ino = mount.stat(p("usr/bin/tool")).ino();
		mount.rename(p("usr"), p("usr2"), RenameMode.REPLACE);
		assertEquals("#!/bin/sh\n", read("usr2/bin/tool"));
		assertEquals(ino, mount.stat(p("usr2/bin/tool")).ino());
		assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> mount.stat(p("usr"))).errno());
		assertFalse(Files.exists(fx.upper.resolve("usr2/bin")), "the tree stays in the repository");
		// deeper: a directory of the renamed one moves elsewhere, and a file in it changes
		mount.mkdir(p("opt"), 0755, Caller.PROCESS);
		mount.rename(p("usr2/bin"), p("opt/bin"), RenameMode.REPLACE);
		write("opt/bin/tool", "changed");
		assertEquals(List.of("bin"), names("opt"));
		assertEquals(List.of(), names("usr2"));
		mount.rename(p("usr2"), p("usr"), RenameMode.REPLACE);
		assertEquals(List.of(), names("usr"), "renamed back, the moved-away bin stays away");
		mount = fx.remount();
		assertEquals("changed", read("opt/bin/tool"));
		assertEquals(List.of(), names("usr"));
		// a repository directory renamed over an empty one does not merge with it
		mount.unlink(p("etc/ssh/sshd_config"));
		mount.rename(p("opt/bin"), p("etc/ssh"), RenameMode.REPLACE);
		assertEquals(List.of("tool"), names("etc/ssh"));
		assertEquals(Errno.ENOTEMPTY, assertThrows(FsException.class,
				() -> mount.rename(p("etc/ssh"), p("etc"), RenameMode.REPLACE)).errno());
	}

	@Test
	void withMetacopyOffAMetadataChangeCopiesTheData() throws IOException {
		fx.policyOptions = Map.of("metacopy", "false");
		mount = fx.remount();
		mount.setattr(p("etc/hosts"), AttributeChange.mode(0600));
		assertEquals("127.0.0.1 localhost\n", Files.readString(fx.upper.resolve("etc/hosts")));
		fx.policyOptions = Map.of("metacopy", "maybe");
		FsException e = assertThrows(FsException.class, () -> fx.remount());
		assertTrue(e.getMessage().contains("metacopy"), e.getMessage());
	}

	@Test
	void aMetadataOnlyCopyWithManyAttributesStillReadsItsRepositoryData() throws IOException {
		// the attributes take a block of their own: st_blocks of the copy is not 0
		mount.setxattr(p("etc/hosts"), "user.big", new byte[3000], XattrMode.SET);
		assertEquals("127.0.0.1 localhost\n", read("etc/hosts"));
		mount.link(p("etc/hosts"), p("hosts2"));
		mount.truncate(p("hosts2"), 30);
		assertEquals("127.0.0.1 localhost\n\0\0\0\0\0\0\0\0\0\0", read("etc/hosts"));
	}

	@Test
	void symlinksAreNeverFollowedIntoTheHost() throws IOException {
		// "escape" is a repository symlink to "/": the engine never resolves it
		assertEquals(Errno.ENOTDIR, assertThrows(FsException.class, () -> mount.stat(p("escape/etc"))).errno());
		assertEquals(Errno.ENOTDIR,
				assertThrows(FsException.class, () -> write("escape/tmp/owned", "x")).errno());
		mount.symlink(p("mine"), "/etc", Caller.PROCESS);
		assertEquals(Errno.ENOTDIR,
				assertThrows(FsException.class, () -> write("mine/passwd", "x")).errno());
		assertEquals(Errno.ELOOP, assertThrows(FsException.class,
				() -> mount.open(p("mine"), Set.of(OpenFlag.READ))).errno());
		assertEquals(Errno.ENOTSUP, assertThrows(FsException.class,
				() -> mount.setattr(p("etc/localtime"), AttributeChange.mode(0777))).errno());
	}

	@Test
	void longNamesAndPaths() throws IOException {
		String name255 = "n".repeat(255);
		write(name255, "ok");
		assertEquals("ok", read(name255));
		assertEquals(Errno.ENAMETOOLONG, assertThrows(FsException.class, () -> FsPath.of(name255 + "x")).errno());
		// a path of about 4000 bytes works, whatever the length of the overlay's own folder
		StringBuilder deep = new StringBuilder();
		while (deep.length() < 3800) {
			deep.append(deep.length() == 0 ? "" : "/").append("d".repeat(200));
			mount.mkdir(p(deep.toString()), 0755, Caller.PROCESS);
		}
		String file = deep + "/" + "f".repeat(150);
		write(file, "deep");
		assertEquals("deep", read(file));
		assertTrue(fx.upper.toString().length() + file.length() > 4096 - 300, "longer than PATH_MAX with the prefix");
	}

	/** linkat(2)'s order: the resolution of either path, then a taken new name, then a directory source. */
	@Test
	void linkFailsInLinuxsOrder() throws IOException {
		Path plain = tmp.resolve("plain");
		Files.createDirectories(plain.resolve("etc/ssh"));
		Files.writeString(plain.resolve("etc/hosts"), "");
		String[][] cases = { { "missing", "etc/hosts", "ENOENT" }, { "missing", "nodir/x", "ENOENT" },
				{ "etc", "nodir/x", "ENOENT" }, { "etc/hosts/x", "new", "ENOTDIR" }, { "etc", "etc/hosts/x", "ENOTDIR" },
				{ "etc", "etc/hosts", "EEXIST" }, { "etc", "etc/ssh", "EEXIST" }, { "etc", "new", "EPERM" } };
		for (String[] c : cases) {
			Errno expected = Errno.valueOf(c[2]);
			String what = "link " + c[0] + " " + c[1];
			assertEquals(expected, FsException.errnoOf(assertThrows(IOException.class,
					() -> Files.createLink(plain.resolve(c[1]), plain.resolve(c[0])))),
					"Linux: " + what);
			assertEquals(expected,
					assertThrows(FsException.class, () -> mount.link(p(c[0]), p(c[1]))).errno(), what);
		}
		assertFalse(Files.exists(fx.upper.resolve("new")));
	}

	@Test
	void xattrsOfTheOverlayAreInternal() throws IOException {
		mount.unlink(p("etc/ssh/sshd_config"));
		mount.rmdir(p("etc/ssh"));
		mount.mkdir(p("etc/ssh"), 0755, Caller.PROCESS);
		assertTrue(mount.listxattr(p("etc/ssh")).isEmpty(), "trusted.overlay.opaque is not shown");
		assertEquals(Errno.EPERM, assertThrows(FsException.class,
				() -> mount.setxattr(p("etc"), "trusted.overlay.opaque", new byte[] { 'y' }, XattrMode.SET)).errno());
		assertEquals(Errno.ENODATA,
				assertThrows(FsException.class, () -> mount.getxattr(p("etc/ssh"), "trusted.overlay.opaque")).errno());
		mount.setxattr(p("etc/hosts"), "user.k", "v".getBytes(UTF_8), XattrMode.CREATE);
		assertEquals(Errno.EEXIST, assertThrows(FsException.class,
				() -> mount.setxattr(p("etc/hosts"), "user.k", new byte[0], XattrMode.CREATE)).errno());
		mount.removexattr(p("etc/hosts"), "user.k");
		assertEquals(Errno.ENODATA,
				assertThrows(FsException.class, () -> mount.getxattr(p("etc/hosts"), "user.k")).errno());
	}

	@Test
	void createExclusiveAndTruncate() throws IOException {
		assertEquals(Errno.EEXIST, assertThrows(FsException.class,
				() -> mount.create(p("etc/hosts"), 0644, Caller.PROCESS, true)).errno());
		mount.truncate(p("etc/hosts"), 4);
		assertEquals("127.", read("etc/hosts"));
		try (FileHandle h = mount.open(p("etc/ssh/sshd_config"), Set.of(OpenFlag.WRITE, OpenFlag.TRUNCATE))) {
			assertEquals(0, h.size());
		}
		assertEquals(0, mount.stat(p("etc/ssh/sshd_config")).size());
		mount.mknod(p("fifo"), FileType.FIFO, 0600, 0, Caller.PROCESS);
		assertEquals(FileType.FIFO, mount.stat(p("fifo")).type());
		mount.link(p("etc/hosts"), p("hosts.link"));
		assertEquals("127.", read("hosts.link"));
		assertEquals(2, mount.stat(p("hosts.link")).nlink());
	}

	@Test
	void chownUtimensFsyncAndStatfs() throws IOException {
		mount.setattr(p("etc/hosts"), AttributeChange.owner(1234, 5678));
		var a = mount.stat(p("etc/hosts"));
		assertEquals(1234, a.uid());
		assertEquals(5678, a.gid());
		assertEquals(0, (Integer) Files.getAttribute(repo.resolve("etc/hosts"), "unix:uid"));
		mount.setattr(p("etc/hosts"), AttributeChange.times(null, 1_000_000_123L));
		assertEquals(1_000_000_123L, mount.stat(p("etc/hosts")).mtimeNs());
		assertEquals(a.atimeNs(), mount.stat(p("etc/hosts")).atimeNs(), "an omitted time stays as it is");
		try (FileHandle h = mount.open(p("etc/hosts"), Set.of(OpenFlag.READ, OpenFlag.WRITE))) {
			h.write(ByteBuffer.wrap("x".getBytes(UTF_8)), 0);
			h.sync(true);
			h.sync(false);
		}
		var fs = mount.statfs();
		assertTrue(fs.blockSize() > 0 && fs.totalBlocks() > 0 && fs.nameMax() == 255, fs.toString());
	}

	@Test
	void metadataChangesCopyUpMetadataOnlyAndTheDataFollowsAtTheFirstWrite() throws IOException {
		long ino = mount.stat(p("etc/hosts")).ino();
		mount.setattr(p("etc/hosts"), AttributeChange.mode(0600));
		Path upper = fx.upper.resolve("etc/hosts");
		assertArrayEquals(new byte[20], Files.readAllBytes(upper), "the copy has the size, but no data");
		assertEquals(0600, mount.stat(p("etc/hosts")).mode());
		assertEquals("127.0.0.1 localhost\n", read("etc/hosts"), "the data still comes from the repository");
		assertEquals(ino, mount.stat(p("etc/hosts")).ino(), "st_ino survives the metadata copy-up");
		mount.link(p("etc/hosts"), p("hosts2"));
		assertEquals("127.0.0.1 localhost\n", read("hosts2"));
		assertEquals("127.0.0.1 localhost\n", read("etc/hosts"));
		try (FileHandle h = mount.open(p("etc/hosts"), Set.of(OpenFlag.READ, OpenFlag.WRITE))) {
			h.write(ByteBuffer.wrap("10.0.0.1".getBytes(UTF_8)), 0);
		}
		assertEquals("10.0.0.11 localhost\n", read("etc/hosts"));
		assertEquals("10.0.0.11 localhost\n", read("hosts2"));
		assertEquals(0600, mount.stat(p("etc/hosts")).mode(), "the data copy keeps the changed metadata");
		assertEquals(ino, mount.stat(p("etc/hosts")).ino());
		assertEquals(ino, fx.remount().stat(p("etc/hosts")).ino(), "and so does a remount");
	}

	@Test
	void aWriteByAnotherUserClearsSetuidAndSetgid() throws IOException {
		assertEquals(04755, mount.stat(p("usr/bin/tool")).mode());
		try (FileHandle h = mount.open(p("usr/bin/tool"), Set.of(OpenFlag.WRITE), Caller.PROCESS)) {
			h.write(ByteBuffer.wrap("#".getBytes(UTF_8)), 0);
		}
		assertEquals(04755, mount.stat(p("usr/bin/tool")).mode(), "root keeps the bits");
		mount.setattr(p("usr/bin/tool"), AttributeChange.mode(06775));
		try (FileHandle h = mount.open(p("usr/bin/tool"), Set.of(OpenFlag.WRITE), new Caller(1000, 1000))) {
			h.write(ByteBuffer.wrap("#".getBytes(UTF_8)), 0);
		}
		assertEquals(0775, mount.stat(p("usr/bin/tool")).mode());
		assertEquals(04755, (Integer) Files.getAttribute(repo.resolve("usr/bin/tool"), "unix:mode") & 07777);
	}

	@Test
	void utimensNowAndOmit() throws IOException {
		var before = mount.stat(p("etc/hosts"));
		long start = System.currentTimeMillis() * 1_000_000L - 1_000_000_000L;
		mount.setattr(p("etc/hosts"), AttributeChange.times(null, AttributeChange.NOW));
		var after = mount.stat(p("etc/hosts"));
		assertEquals(before.atimeNs(), after.atimeNs(), "UTIME_OMIT keeps the access time");
		assertTrue(after.mtimeNs() > start, "UTIME_NOW sets the current time: " + after.mtimeNs());
	}

	@Test
	void stDevIsOneForTheMountAndInodesDifferAcrossLayers() throws IOException {
		write("new", "x");
		var a = mount.stat(p("new"));
		var b = mount.stat(p("etc/hosts"));
		var root = mount.stat(FsPath.ROOT);
		assertEquals(a.dev(), b.dev());
		assertEquals(a.dev(), root.dev());
		assertTrue(a.ino() != b.ino());
		for (DirEntry e : mount.list(p("etc"))) {
			assertEquals(mount.stat(p("etc").resolve(e.name())).ino(), e.ino(), "readdir and stat agree: " + e);
		}
	}

	@Test
	void leftoversInTheWorkAreaAreCleanedAtMount() throws IOException {
		Files.writeString(fx.work.resolve("#1.1"), "torn");
		Files.createDirectories(fx.work.resolve("#1.2/x"));
		mount = fx.remount();
		try (var s = Files.list(fx.work)) {
			assertEquals(0, s.count());
		}
	}

	@Test
	void badMapsAreRefusedWithTheReason() throws IOException {
		var upper = LocalStore.open("u", repo.resolve("etc"), fx.work, false);
		var lower = LocalStore.open("l", repo, null, true);
		FsException e = assertThrows(FsException.class, () -> MountBuilder.named("bad").overlay(upper, FsPath.ROOT)
				.layer(lower, FsPath.ROOT, FsPath.ROOT).policy(new ClassicPolicy(), Map.of()).build());
		assertEquals(Errno.EINVAL, e.errno());
		assertTrue(e.getMessage().contains("inside") || e.getMessage().contains("overlap"), e.getMessage());
		FsException missing = assertThrows(FsException.class,
				() -> LocalStore.open("gone", tmp.resolve("no-such-folder"), null, true));
		assertTrue(missing.getMessage().contains("no-such-folder"), missing.getMessage());
		FsException option = assertThrows(FsException.class, () -> MountBuilder.named("bad")
				.layer(lower, FsPath.ROOT, FsPath.ROOT).policy(new ClassicPolicy(), Map.of("bogus", "1")).build());
		assertTrue(option.getMessage().contains("bogus"), option.getMessage());
	}

	@Test
	void aReadOnlyViewRefusesChanges() throws IOException {
		Mount ro = MountBuilder.named("ro").layer(LocalStore.open("l", repo, null, true), FsPath.ROOT, FsPath.ROOT)
				.policy(new ClassicPolicy(), Map.of()).build();
		assertTrue(ro.isReadOnly());
		assertEquals(Errno.EROFS, assertThrows(FsException.class, () -> ro.unlink(p("etc/hosts"))).errno());
		assertEquals(Errno.EROFS,
				assertThrows(FsException.class, () -> ro.open(p("etc/hosts"), Set.of(OpenFlag.WRITE))).errno());
		assertEquals(Errno.EROFS,
				assertThrows(FsException.class, () -> ro.mkdir(p("x"), 0755, Caller.PROCESS)).errno());
	}
}
