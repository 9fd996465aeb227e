package org.mapfs.store.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.store.local.StoreTesting.assertErrno;
import static org.mapfs.store.local.StoreTesting.bytes;
import static org.mapfs.store.local.StoreTesting.nanos;
import static org.mapfs.store.local.StoreTesting.p;
import static org.mapfs.store.local.StoreTesting.require;
import static org.mapfs.store.local.StoreTesting.readAll;
import static org.mapfs.store.local.StoreTesting.unix;
import static org.mapfs.store.local.StoreTesting.writeAll;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.DirEntry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileData;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.StatFs;
import org.mapfs.api.XattrMode;
import org.mapfs.api.store.WritableStore;

/** Every operation of the local store against a real temp directory: results and errnos. */
class LocalStoreTest {
	@TempDir
	Path tmp;
	Path root;
	LocalStore store;

	@BeforeEach
	void open() throws Exception {
		root = Files.createDirectory(tmp.resolve("root"));
		store = LocalStore.open("t", root, tmp.resolve("work"), false);
	}

	@AfterEach
	void close() {
		store.close();
	}

	@Test
	void identity() throws Exception {
		assertEquals("t", store.id());
		assertEquals(root.toRealPath().toUri(), store.location());
		assertEquals(StoreTesting.isRoot(), store.isPrivileged());
		assertFalse(store.isReadOnly());
	}

	@Test
	void statReportsWhatTheKernelReports() throws Exception {
		Path f = Files.write(root.resolve("f"), bytes("hello"));
		FileAttributes a = store.stat(p("f"));
		assertEquals(FileType.REGULAR, a.type());
		assertEquals(5, a.size());
		assertEquals(((Number) unix(f, "ino")).longValue(), a.ino());
		assertEquals(((Number) unix(f, "dev")).longValue(), a.dev());
		assertEquals(((Number) unix(f, "nlink")).longValue(), a.nlink());
		assertEquals(((Number) unix(f, "mode")).intValue(), a.stMode());
		assertEquals(((Number) unix(f, "uid")).intValue(), a.uid());
		assertEquals(((Number) unix(f, "gid")).intValue(), a.gid());
		assertEquals(nanos(f, "lastModifiedTime"), a.mtimeNs());
		assertEquals(nanos(f, "lastAccessTime"), a.atimeNs());
		assertEquals(nanos(f, "ctime"), a.ctimeNs());
		assertTrue(a.blocks() > 0, "blocks of a written file");

		FileAttributes r = store.stat(FsPath.ROOT);
		assertEquals(FileType.DIRECTORY, r.type());
		assertEquals(((Number) unix(root, "ino")).longValue(), r.ino());
		assertEquals(2, r.nlink());

		Files.createSymbolicLink(root.resolve("l"), Path.of("f"));
		FileAttributes l = store.stat(p("l"));
		assertEquals(FileType.SYMLINK, l.type());
		assertEquals(1, l.size());
		assertEquals("f", store.readlink(p("l")));
	}

	@Test
	void missingAndNotDirectoryErrors() throws Exception {
		Files.write(root.resolve("file"), bytes("x"));
		Files.createDirectory(root.resolve("dir"));
		assertErrno(() -> store.stat(p("missing")), Errno.ENOENT);
		assertErrno(() -> store.stat(p("missing/x/y")), Errno.ENOENT);
		assertErrno(() -> store.stat(p("file/x")), Errno.ENOTDIR);
		assertErrno(() -> store.stat(p("file/x/y")), Errno.ENOTDIR);
		assertErrno(() -> store.list(p("file")), Errno.ENOTDIR);
		assertErrno(() -> store.list(p("missing")), Errno.ENOENT);
		assertErrno(() -> store.open(p("dir")), Errno.EISDIR);
		assertErrno(() -> store.openWritable(p("dir")), Errno.EISDIR);
		assertErrno(() -> store.open(FsPath.ROOT), Errno.EISDIR);
		assertErrno(() -> store.open(p("missing")), Errno.ENOENT);
		assertErrno(() -> store.readlink(p("file")), Errno.EINVAL);
		assertErrno(() -> store.truncate(p("dir"), 0), Errno.EISDIR);
		FsException e = assertErrno(() -> store.create(p("file/x"), 0644, Caller.PROCESS), Errno.ENOTDIR);
		assertEquals(p("file/x"), e.path());
		assertTrue(e.getMessage().contains("/file/x"), e.getMessage());
	}

	@Test
	void createWriteReadTruncate() throws Exception {
		try (FileData d = store.create(p("a"), 0640, Caller.PROCESS)) {
			writeAll(d, bytes("hello world"), 0);
			assertEquals(11, d.size());
			writeAll(d, bytes("W"), 6);
			d.sync(true);
			d.sync(false);
			assertArrayEquals(bytes("hello World"), readAll(d));
			d.truncate(5);
			assertEquals(5, d.size());
		}
		assertEquals("hello", Files.readString(root.resolve("a")));
		assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("a"))));
		assertErrno(() -> store.create(p("a"), 0644, Caller.PROCESS), Errno.EEXIST);
		try (FileData d = store.openWritable(p("a"))) {
			writeAll(d, bytes("!"), 5);
		}
		try (FileData d = store.open(p("a"))) {
			assertArrayEquals(bytes("hello!"), readAll(d));
			ByteBuffer b = ByteBuffer.allocate(4);
			assertEquals(-1, d.read(b, 6));
			assertEquals(-1, d.read(b, 1000));
			assertEquals(0, d.read(ByteBuffer.allocate(0), 0));
			// a read-only fd refuses writes
			assertErrno(() -> d.write(ByteBuffer.wrap(bytes("x")), 0), Errno.EBADF);
		}
		store.truncate(p("a"), 2);
		assertEquals("he", Files.readString(root.resolve("a")));
		store.truncate(p("a"), 10);
		assertEquals(10, store.stat(p("a")).size());
		assertErrno(() -> store.truncate(p("a"), -1), Errno.EINVAL);
	}

	@Test
	void buffersOfEveryKindHonourTheirPosition() throws Exception {
		byte[] content = new byte[1000];
		for (int i = 0; i < content.length; i++) {
			content[i] = (byte) i;
		}
		try (FileData d = store.create(p("b"), 0644, Caller.PROCESS)) {
			// heap buffer with array offset and position
			ByteBuffer heap = ByteBuffer.wrap(new byte[1100], 50, 1050).slice();
			heap.position(7);
			heap.put(content);
			heap.position(7).limit(1007);
			assertEquals(1000, d.write(heap, 0));
			assertEquals(1007, heap.position());
			// direct buffer with a position
			ByteBuffer direct = ByteBuffer.allocateDirect(200);
			direct.position(13);
			direct.put(content, 0, 100);
			direct.position(13).limit(113);
			assertEquals(100, d.write(direct, 1000));
			assertEquals(113, direct.position());
			// read-only heap buffer
			ByteBuffer ro = ByteBuffer.wrap(content, 0, 10).asReadOnlyBuffer();
			assertEquals(10, d.write(ro, 1100));
			assertEquals(10, ro.position());

			ByteBuffer in = ByteBuffer.allocateDirect(300);
			in.position(5);
			// 210 bytes are left from 900: a short read
			assertEquals(210, d.read(in, 900));
			assertEquals(215, in.position());
			for (int i = 0; i < 100; i++) {
				assertEquals(content[900 + i], in.get(5 + i));
				assertEquals(content[i], in.get(105 + i));
			}
			ByteBuffer hin = ByteBuffer.wrap(new byte[64], 3, 61).slice();
			hin.position(2);
			assertEquals(59, d.read(hin, 10));
			assertEquals(content[10], hin.get(2));
			assertEquals(content[68], hin.get(60));
		}
	}

	@Test
	void fileDataClosesOnceAndRefusesUseAfterClose() throws Exception {
		FileData d = store.create(p("c"), 0644, Caller.PROCESS);
		int before = StoreTesting.openFds();
		d.close();
		assertEquals(before - 1, StoreTesting.openFds());
		d.close();
		d.close();
		assertErrno(() -> d.read(ByteBuffer.allocate(1), 0), Errno.EBADF);
		assertErrno(() -> d.write(ByteBuffer.allocate(1), 0), Errno.EBADF);
		assertErrno(d::size, Errno.EBADF);
		assertErrno(() -> d.truncate(0), Errno.EBADF);
		assertErrno(() -> d.sync(true), Errno.EBADF);
	}

	@Test
	void sparseFileReadsZeros() throws Exception {
		long hole = 64L << 20;
		try (FileData d = store.create(p("sparse"), 0644, Caller.PROCESS)) {
			writeAll(d, bytes("end"), hole);
		}
		FileAttributes a = store.stat(p("sparse"));
		assertEquals(hole + 3, a.size());
		assertTrue(a.blocks() * 512 < 1 << 20, "a 64 MiB hole allocates nothing: " + a.blocks() + " blocks");
		try (FileData d = store.open(p("sparse"))) {
			ByteBuffer b = ByteBuffer.allocate(8192);
			assertEquals(8192, d.read(b, 12345));
			for (int i = 0; i < 8192; i++) {
				assertEquals(0, b.get(i));
			}
			ByteBuffer e = ByteBuffer.allocate(10);
			assertEquals(5, d.read(e, hole - 2));
			assertArrayEquals(new byte[] { 0, 0, 'e', 'n', 'd' }, java.util.Arrays.copyOf(e.array(), 5));
		}
	}

	@Test
	void mkdirListRmdir() throws Exception {
		store.mkdir(p("d"), 0750, Caller.PROCESS);
		assertErrno(() -> store.mkdir(p("d"), 0755, Caller.PROCESS), Errno.EEXIST);
		assertErrno(() -> store.mkdir(FsPath.ROOT, 0755, Caller.PROCESS), Errno.EEXIST);
		assertErrno(() -> store.mkdir(p("nope/d"), 0755, Caller.PROCESS), Errno.ENOENT);
		assertEquals(0750, store.stat(p("d")).mode());
		store.create(p("d/f"), 0644, Caller.PROCESS).close();
		store.mkdir(p("d/sub"), 0755, Caller.PROCESS);
		store.symlink(p("d/l"), "f", Caller.PROCESS);
		store.mknod(p("d/fifo"), FileType.FIFO, 0600, 0, Caller.PROCESS);

		Map<String, DirEntry> entries = new HashMap<>();
		for (DirEntry e : store.list(p("d"))) {
			entries.put(e.name(), e);
		}
		assertEquals(Map.of("f", FileType.REGULAR, "sub", FileType.DIRECTORY, "l", FileType.SYMLINK, "fifo",
				FileType.FIFO),
				entries.values().stream().collect(Collectors.toMap(DirEntry::name, DirEntry::type)));
		for (DirEntry e : entries.values()) {
			assertEquals(store.stat(p("d/" + e.name())).ino(), e.ino(), e.name());
		}
		assertEquals(List.of("d"), store.list(FsPath.ROOT).stream().map(DirEntry::name).collect(Collectors.toList()));
		assertEquals(List.of(), store.list(p("d/sub")));

		assertErrno(() -> store.rmdir(p("d")), Errno.ENOTEMPTY);
		assertErrno(() -> store.rmdir(p("d/f")), Errno.ENOTDIR);
		assertErrno(() -> store.rmdir(p("d/missing")), Errno.ENOENT);
		assertErrno(() -> store.unlink(p("d/sub")), Errno.EISDIR);
		assertErrno(() -> store.rmdir(FsPath.ROOT), Errno.EBUSY);
		store.rmdir(p("d/sub"));
		store.unlink(p("d/f"));
		store.unlink(p("d/l"));
		store.unlink(p("d/fifo"));
		assertErrno(() -> store.unlink(p("d/f")), Errno.ENOENT);
		store.rmdir(p("d"));
		assertEquals(List.of(), store.list(FsPath.ROOT));
	}

	@Test
	void listsManyEntries() throws Exception {
		store.mkdir(p("big"), 0755, Caller.PROCESS);
		for (int i = 0; i < 3000; i++) {
			Files.createFile(root.resolve("big").resolve("entry-with-a-longish-name-" + i));
		}
		List<DirEntry> list = store.list(p("big"));
		assertEquals(3000, list.size());
		assertEquals(3000, list.stream().map(DirEntry::name).distinct().count());
	}

	@Test
	void namesOf255Bytes() throws Exception {
		String name = "n".repeat(255);
		String utf = "ä".repeat(127) + "x"; // 255 bytes
		store.mkdir(p(name), 0755, Caller.PROCESS);
		try (FileData d = store.create(p(name + "/" + utf), 0644, Caller.PROCESS)) {
			writeAll(d, bytes("data"), 0);
		}
		assertEquals(List.of(utf), store.list(p(name)).stream().map(DirEntry::name).collect(Collectors.toList()));
		assertEquals("data", Files.readString(root.resolve(name).resolve(utf)));
		store.symlink(p(name + "/l"), utf, Caller.PROCESS);
		assertEquals(utf, store.readlink(p(name + "/l")));
	}

	@ParameterizedTest
	@ValueSource(ints = { 0777, 0644, 04755, 02755, 06711, 01777, 0, 07777 })
	void modeBitsAreExactWhateverTheUmask(int mode) throws Exception {
		store.create(p("f"), mode, Caller.PROCESS).close();
		store.mkdir(p("d"), mode, Caller.PROCESS);
		store.mknod(p("n"), FileType.FIFO, mode, 0, Caller.PROCESS);
		assertEquals(mode, store.stat(p("f")).mode());
		assertEquals(mode, store.stat(p("d")).mode());
		assertEquals(mode, store.stat(p("n")).mode());
		assertEquals(mode, ((Number) unix(root.resolve("f"), "mode")).intValue() & 07777);
		store.setattr(p("f"), AttributeChange.mode(0600));
		assertEquals(0600, store.stat(p("f")).mode());
		store.setattr(p("f"), AttributeChange.mode(mode));
		assertEquals(mode, store.stat(p("f")).mode());
	}

	@Test
	void chmodOfASymlinkIsIgnoredAndLeavesItsTargetAlone() throws Exception {
		store.create(p("t"), 0644, Caller.PROCESS).close();
		store.symlink(p("l"), "t", Caller.PROCESS);
		store.setattr(p("l"), AttributeChange.mode(0700));
		assertEquals(0644, store.stat(p("t")).mode());
		assertEquals(0777, store.stat(p("l")).mode());
	}

	@Test
	void ownersAreSetWhenPrivileged() throws Exception {
		require(store.isPrivileged(), "needs root");
		Caller c = new Caller(1234, 5678);
		store.create(p("f"), 06755, c).close();
		store.mkdir(p("d"), 02775, c);
		store.symlink(p("l"), "f", c);
		store.mknod(p("n"), FileType.FIFO, 0640, 0, c);
		for (String n : List.of("f", "d", "l", "n")) {
			FileAttributes a = store.stat(p(n));
			assertEquals(1234, a.uid(), n);
			assertEquals(5678, a.gid(), n);
		}
		// chown happened before chmod: setuid and setgid survive
		assertEquals(06755, store.stat(p("f")).mode());
		assertEquals(02775, store.stat(p("d")).mode());

		// lchown: the symlink changes, its target not
		store.setattr(p("l"), AttributeChange.owner(42, -1));
		assertEquals(42, store.stat(p("l")).uid());
		assertEquals(5678, store.stat(p("l")).gid());
		assertEquals(1234, store.stat(p("f")).uid());
		store.setattr(p("f"), AttributeChange.owner(-1, 99));
		assertEquals(1234, store.stat(p("f")).uid());
		assertEquals(99, store.stat(p("f")).gid());
		// the whole change at once keeps the setuid bit it asks for
		store.setattr(p("f"), new AttributeChange(04711, 7, 8, null, null));
		FileAttributes a = store.stat(p("f"));
		assertEquals(04711, a.mode());
		assertEquals(7, a.uid());
		assertEquals(8, a.gid());

		// the process as caller: the store's default owner (root)
		store.create(p("mine"), 0644, Caller.PROCESS).close();
		assertEquals(0, store.stat(p("mine")).uid());
	}

	@Test
	void timesRoundTripWithNanoseconds() throws Exception {
		store.create(p("f"), 0644, Caller.PROCESS).close();
		long atime = 1_234_567_890_123_456_789L;
		long mtime = 987_654_321_987_654_321L;
		store.setattr(p("f"), AttributeChange.times(atime, mtime));
		FileAttributes a = store.stat(p("f"));
		assertEquals(atime, a.atimeNs());
		assertEquals(mtime, a.mtimeNs());
		assertEquals(mtime, nanos(root.resolve("f"), "lastModifiedTime"));
		// null leaves a time as it is
		store.setattr(p("f"), AttributeChange.times(null, 5_000_000_001L));
		a = store.stat(p("f"));
		assertEquals(atime, a.atimeNs());
		assertEquals(5_000_000_001L, a.mtimeNs());
		// before 1970
		store.setattr(p("f"), AttributeChange.times(-1_500_000_000L, null));
		assertEquals(-1_500_000_000L, store.stat(p("f")).atimeNs());
		// a symlink's own times, its target untouched
		store.symlink(p("l"), "f", Caller.PROCESS);
		store.setattr(p("l"), AttributeChange.times(111L, 222L));
		assertEquals(222L, store.stat(p("l")).mtimeNs());
		assertEquals(5_000_000_001L, store.stat(p("f")).mtimeNs());
		// the root itself
		store.setattr(FsPath.ROOT, AttributeChange.times(null, 333_000_000_444L));
		assertEquals(333_000_000_444L, store.stat(FsPath.ROOT).mtimeNs());
		// a whole AttributeChange.of(...) copies mode and times
		store.create(p("g"), 0600, Caller.PROCESS).close();
		store.setattr(p("g"), AttributeChange.of(store.stat(p("f"))));
		FileAttributes f = store.stat(p("f"));
		FileAttributes g = store.stat(p("g"));
		assertEquals(f.mode(), g.mode());
		assertEquals(f.mtimeNs(), g.mtimeNs());
		assertEquals(f.atimeNs(), g.atimeNs());
		assertErrno(() -> store.setattr(p("missing"), AttributeChange.mode(0644)), Errno.ENOENT);
	}

	@Test
	void specialFiles() throws Exception {
		store.mknod(p("fifo"), FileType.FIFO, 0644, 0, Caller.PROCESS);
		FileAttributes fifo = store.stat(p("fifo"));
		assertEquals(FileType.FIFO, fifo.type());
		assertEquals(0644, fifo.mode());
		// a fifo is never opened for data (no blocking, no side effects)
		assertErrno(() -> store.open(p("fifo")), Errno.EINVAL);
		require(store.isPrivileged(), "device nodes need root");
		store.mknod(p("wh"), FileType.CHAR_DEVICE, 0, 0, Caller.PROCESS);
		FileAttributes wh = store.stat(p("wh"));
		assertEquals(FileType.CHAR_DEVICE, wh.type());
		assertEquals(0, wh.rdev());
		assertEquals(0, wh.mode());
		long rdev = Native.makedev(1, 3); // like /dev/null
		store.mknod(p("null"), FileType.CHAR_DEVICE, 0666, rdev, Caller.PROCESS);
		assertEquals(rdev, store.stat(p("null")).rdev());
		assertEquals(((Number) unix(Path.of("/dev/null"), "rdev")).longValue(), store.stat(p("null")).rdev());
		assertEquals(((Number) unix(root.resolve("null"), "rdev")).longValue(), rdev);
		long blk = Native.makedev(259, 70000);
		store.mknod(p("blk"), FileType.BLOCK_DEVICE, 0660, blk, Caller.PROCESS);
		assertEquals(FileType.BLOCK_DEVICE, store.stat(p("blk")).type());
		assertEquals(blk, store.stat(p("blk")).rdev());
		assertEquals(((Number) unix(root.resolve("blk"), "rdev")).longValue(), blk);
		assertErrno(() -> store.open(p("null")), Errno.EINVAL);
		assertErrno(() -> store.mknod(p("x"), FileType.DIRECTORY, 0755, 0, Caller.PROCESS), Errno.EINVAL);
		assertErrno(() -> store.mknod(p("fifo"), FileType.FIFO, 0644, 0, Caller.PROCESS), Errno.EEXIST);
		assertEquals(FileType.CHAR_DEVICE, store.list(FsPath.ROOT).stream().filter(e -> e.name().equals("wh"))
				.findFirst().orElseThrow().type());
	}

	@Test
	void hardLinks() throws Exception {
		try (FileData d = store.create(p("a"), 0644, Caller.PROCESS)) {
			writeAll(d, bytes("shared"), 0);
		}
		store.mkdir(p("d"), 0755, Caller.PROCESS);
		store.link(p("a"), p("d/b"));
		FileAttributes a = store.stat(p("a"));
		FileAttributes b = store.stat(p("d/b"));
		assertEquals(2, a.nlink());
		assertEquals(2, b.nlink());
		assertEquals(a.ino(), b.ino());
		try (FileData d = store.open(p("d/b"))) {
			assertArrayEquals(bytes("shared"), readAll(d));
		}
		assertErrno(() -> store.link(p("a"), p("d/b")), Errno.EEXIST);
		assertErrno(() -> store.link(p("missing"), p("c")), Errno.ENOENT);
		assertErrno(() -> store.link(p("d"), p("dlink")), Errno.EPERM);
		// a hard link to a symlink links the symlink itself
		store.symlink(p("s"), "/etc/passwd", Caller.PROCESS);
		store.link(p("s"), p("s2"));
		assertEquals(FileType.SYMLINK, store.stat(p("s2")).type());
		assertEquals("/etc/passwd", store.readlink(p("s2")));
		store.unlink(p("a"));
		assertEquals(1, store.stat(p("d/b")).nlink());
	}

	@Test
	void renameReplaceAndNoReplace() throws Exception {
		Files.writeString(root.resolve("a"), "A");
		Files.writeString(root.resolve("b"), "B");
		Files.createDirectories(root.resolve("d/e"));
		Files.createDirectories(root.resolve("empty"));
		Files.createDirectories(root.resolve("full/x"));
		assertErrno(() -> store.rename(p("a"), p("b"), false), Errno.EEXIST);
		assertEquals("A", Files.readString(root.resolve("a")));
		store.rename(p("a"), p("b"), true);
		assertEquals("A", Files.readString(root.resolve("b")));
		assertFalse(Files.exists(root.resolve("a")));
		store.rename(p("b"), p("d/e/c"), false);
		assertEquals("A", Files.readString(root.resolve("d/e/c")));
		assertErrno(() -> store.rename(p("missing"), p("x"), true), Errno.ENOENT);
		assertErrno(() -> store.rename(p("d"), p("full"), true), Errno.ENOTEMPTY, Errno.EEXIST);
		assertErrno(() -> store.rename(p("d"), p("d/e/inside"), true), Errno.EINVAL);
		assertErrno(() -> store.rename(p("d/e/c"), p("full"), true), Errno.EISDIR);
		assertErrno(() -> store.rename(p("empty"), p("d/e/c"), true), Errno.ENOTDIR);
		store.rename(p("d"), p("empty"), true);
		assertTrue(Files.isRegularFile(root.resolve("empty/e/c")));
		assertErrno(() -> store.rename(FsPath.ROOT, p("x"), true), Errno.EBUSY);
	}

	@Test
	void xattrsOfEveryNamespace() throws Exception {
		store.create(p("f"), 0644, Caller.PROCESS).close();
		store.mkdir(p("d"), 0755, Caller.PROCESS);
		store.setxattr(p("f"), "user.one", bytes("1"), XattrMode.SET);
		store.setxattr(p("f"), "user.empty", new byte[0], XattrMode.SET);
		byte[] big = new byte[3000]; // over the first buffer, within one ext4 block
		for (int i = 0; i < big.length; i++) {
			big[i] = (byte) (i * 7);
		}
		store.setxattr(p("f"), "user.big", big, XattrMode.CREATE);
		assertArrayEquals(bytes("1"), store.getxattr(p("f"), "user.one"));
		assertArrayEquals(new byte[0], store.getxattr(p("f"), "user.empty"));
		assertArrayEquals(big, store.getxattr(p("f"), "user.big"));
		assertEquals(List.of("user.big", "user.empty", "user.one"),
				store.listxattr(p("f")).stream().sorted().collect(Collectors.toList()));

		assertErrno(() -> store.setxattr(p("f"), "user.one", bytes("2"), XattrMode.CREATE), Errno.EEXIST);
		assertErrno(() -> store.setxattr(p("f"), "user.none", bytes("2"), XattrMode.REPLACE), Errno.ENODATA);
		store.setxattr(p("f"), "user.one", bytes("22"), XattrMode.REPLACE);
		assertArrayEquals(bytes("22"), store.getxattr(p("f"), "user.one"));
		assertErrno(() -> store.getxattr(p("f"), "user.none"), Errno.ENODATA);
		store.removexattr(p("f"), "user.one");
		assertErrno(() -> store.getxattr(p("f"), "user.one"), Errno.ENODATA);
		assertErrno(() -> store.removexattr(p("f"), "user.one"), Errno.ENODATA);
		assertErrno(() -> store.getxattr(p("missing"), "user.one"), Errno.ENOENT);

		// directories and the root
		store.setxattr(p("d"), "user.dir", bytes("D"), XattrMode.SET);
		assertArrayEquals(bytes("D"), store.getxattr(p("d"), "user.dir"));
		store.setxattr(FsPath.ROOT, "user.root", bytes("R"), XattrMode.SET);
		assertArrayEquals(bytes("R"), store.getxattr(FsPath.ROOT, "user.root"));
		assertTrue(store.listxattr(FsPath.ROOT).contains("user.root"));
		// what the kernel sees
		assertArrayEquals(bytes("D"), readUserXattr(root.resolve("d"), "dir"));

		require(store.isPrivileged(), "trusted.* needs root");
		store.setxattr(p("d"), "trusted.overlay.opaque", bytes("y"), XattrMode.SET);
		assertArrayEquals(bytes("y"), store.getxattr(p("d"), "trusted.overlay.opaque"));
		assertTrue(store.listxattr(p("d")).contains("trusted.overlay.opaque"));
		// trusted.* on a symlink and on a whiteout device: the entry itself, never a target
		store.symlink(p("l"), "f", Caller.PROCESS);
		store.setxattr(p("l"), "trusted.overlay.redirect", bytes("/x"), XattrMode.SET);
		assertArrayEquals(bytes("/x"), store.getxattr(p("l"), "trusted.overlay.redirect"));
		assertEquals(List.of("trusted.overlay.redirect"), store.listxattr(p("l")));
		assertFalse(store.listxattr(p("f")).contains("trusted.overlay.redirect"));
		store.removexattr(p("l"), "trusted.overlay.redirect");
		assertEquals(List.of(), store.listxattr(p("l")));
		// user.* is not allowed on symlinks by Linux
		assertErrno(() -> store.setxattr(p("l"), "user.x", bytes("1"), XattrMode.SET), Errno.EPERM);
		store.mknod(p("wh"), FileType.CHAR_DEVICE, 0, 0, Caller.PROCESS);
		store.setxattr(p("wh"), "trusted.overlay.whiteout", new byte[0], XattrMode.SET);
		assertArrayEquals(new byte[0], store.getxattr(p("wh"), "trusted.overlay.whiteout"));
		store.mknod(p("fifo"), FileType.FIFO, 0644, 0, Caller.PROCESS);
		store.setxattr(p("fifo"), "trusted.t", bytes("v"), XattrMode.SET);
		assertArrayEquals(bytes("v"), store.getxattr(p("fifo"), "trusted.t"));
	}

	private static byte[] readUserXattr(Path f, String name) throws IOException {
		var v = Files.getFileAttributeView(f, java.nio.file.attribute.UserDefinedFileAttributeView.class);
		ByteBuffer b = ByteBuffer.allocate(v.size(name));
		v.read(name, b);
		return b.array();
	}

	@Test
	void statfsIsSane() throws Exception {
		StatFs s = store.statfs();
		FileStore fs = Files.getFileStore(root);
		assertTrue(s.blockSize() > 0);
		assertEquals(fs.getTotalSpace(), s.totalBlocks() * s.blockSize());
		assertTrue(s.freeBlocks() >= s.availableBlocks());
		assertTrue(s.totalFiles() >= s.freeFiles());
		assertEquals(255, s.nameMax());
	}

	@Test
	void publishFromTheWorkArea() throws Exception {
		WritableStore work = store.work();
		assertSame(work, store.work());
		assertEquals(tmp.resolve("work"), store.workFolder());
		assertTrue(Files.isDirectory(tmp.resolve("work")));
		try (FileData d = work.create(p("staged"), 0640, Caller.PROCESS)) {
			writeAll(d, bytes("copy"), 0);
		}
		work.setxattr(p("staged"), "user.origin", bytes("o"), XattrMode.SET);
		store.mkdir(p("dir"), 0755, Caller.PROCESS);
		store.publish(p("staged"), p("dir/file"));
		assertEquals("copy", Files.readString(root.resolve("dir/file")));
		assertArrayEquals(bytes("o"), store.getxattr(p("dir/file"), "user.origin"));
		assertErrno(() -> work.stat(p("staged")), Errno.ENOENT);
		// replaces a file
		try (FileData d = work.create(p("s2"), 0644, Caller.PROCESS)) {
			writeAll(d, bytes("new"), 0);
		}
		store.publish(p("s2"), p("dir/file"));
		assertEquals("new", Files.readString(root.resolve("dir/file")));
		// a staged directory replaces an empty one but not a full one
		work.mkdir(p("sd"), 0700, Caller.PROCESS);
		work.create(p("sd/x"), 0644, Caller.PROCESS).close();
		store.mkdir(p("empty"), 0755, Caller.PROCESS);
		store.publish(p("sd"), p("empty"));
		assertTrue(Files.isRegularFile(root.resolve("empty/x")));
		assertEquals(0700, store.stat(p("empty")).mode());
		work.mkdir(p("sd2"), 0700, Caller.PROCESS);
		assertErrno(() -> store.publish(p("sd2"), p("empty")), Errno.ENOTEMPTY, Errno.EEXIST);
		assertErrno(() -> store.publish(p("missing"), p("x")), Errno.ENOENT);
		assertErrno(() -> work.work(), Errno.EINVAL);
	}

	@Test
	void closedStoreRefusesOperations() throws Exception {
		store.close();
		FsException e = assertErrno(() -> store.stat(FsPath.ROOT), Errno.EIO);
		assertTrue(e.getMessage().contains("closed"), e.getMessage());
		store.close();
	}

	@Test
	void fileDataOutlivesItsStore() throws Exception {
		FileData d = store.create(p("f"), 0644, Caller.PROCESS);
		store.close();
		writeAll(d, bytes("still"), 0);
		d.close();
		assertEquals("still", Files.readString(root.resolve("f")));
	}

	@Test
	void symlinkTargetsAreStoredVerbatim() throws Exception {
		for (String t : List.of("/etc/passwd", "../../..", "a/b/c", "x".repeat(4000), "ä ö")) {
			store.symlink(p("l"), t, Caller.PROCESS);
			assertEquals(t, store.readlink(p("l")));
			assertEquals(t.getBytes(StandardCharsets.UTF_8).length, store.stat(p("l")).size());
			store.unlink(p("l"));
		}
		assertErrno(() -> store.symlink(p("l"), "", Caller.PROCESS), Errno.EINVAL);
		store.symlink(p("l"), "t", Caller.PROCESS);
		assertErrno(() -> store.symlink(p("l"), "t", Caller.PROCESS), Errno.EEXIST);
	}

	@Test
	void noFdLeaks() throws Exception {
		store.mkdir(p("a"), 0755, Caller.PROCESS);
		store.mkdir(p("a/b"), 0755, Caller.PROCESS);
		store.symlink(p("a/l"), "b", Caller.PROCESS);
		store.create(p("a/b/f"), 0644, Caller.PROCESS).close();
		// warm up (class loading, jnr stubs)
		loop(10);
		int before = StoreTesting.openFds();
		loop(1000);
		assertEquals(before, StoreTesting.openFds());
	}

	private void loop(int n) throws Exception {
		for (int i = 0; i < n; i++) {
			store.stat(p("a/b/f"));
			store.list(p("a/b"));
			try (FileData d = store.open(p("a/b/f"))) {
				d.read(ByteBuffer.allocate(16), 0);
			}
			try (FileData d = store.create(p("a/b/g"), 0644, Caller.PROCESS)) {
				writeAll(d, bytes("x"), 0);
			}
			store.setattr(p("a/b/g"), new AttributeChange(0600, null, null, 1L, 2L));
			store.setxattr(p("a/b/g"), "user.k", bytes("v"), XattrMode.SET);
			store.getxattr(p("a/b/g"), "user.k");
			store.listxattr(p("a/b/g"));
			store.truncate(p("a/b/g"), 0);
			store.rename(p("a/b/g"), p("a/h"), true);
			store.link(p("a/h"), p("a/b/h2"));
			store.unlink(p("a/h"));
			store.unlink(p("a/b/h2"));
			store.mkdir(p("a/b/d"), 0755, Caller.PROCESS);
			store.rmdir(p("a/b/d"));
			store.statfs();
			// failures too
			assertErrno(() -> store.stat(p("a/l/f")), Errno.ELOOP);
			assertErrno(() -> store.open(p("a/l")), Errno.ELOOP);
			assertErrno(() -> store.list(p("a/l")), Errno.ENOTDIR);
			assertErrno(() -> store.create(p("a/b/f"), 0644, Caller.PROCESS), Errno.EEXIST);
			assertErrno(() -> store.stat(p("a/missing/x")), Errno.ENOENT);
			assertErrno(() -> store.open(p("a/b")), Errno.EISDIR);
			assertErrno(() -> store.getxattr(p("a/b/f"), "user.none"), Errno.ENODATA);
			assertErrno(() -> store.setattr(p("a/b/missing"), AttributeChange.mode(0644)), Errno.ENOENT);
		}
	}

	@Test
	void concurrentUseAndClose() throws Exception {
		store.mkdir(p("c"), 0755, Caller.PROCESS);
		// the store keeps the descriptor of c once it is used (DirFds): open before counting
		assertErrno(() -> store.stat(p("c/none")), Errno.ENOENT);
		int before = StoreTesting.openFds();
		Thread[] threads = new Thread[4];
		Throwable[] failures = new Throwable[threads.length];
		for (int t = 0; t < threads.length; t++) {
			int id = t;
			threads[t] = new Thread(() -> {
				try {
					for (int i = 0; i < 300; i++) {
						FsPath f = p("c/f" + id);
						try (FileData d = store.create(f, 0644, Caller.PROCESS)) {
							writeAll(d, bytes("t" + i), 0);
						}
						assertEquals(FileType.REGULAR, store.stat(f).type());
						store.unlink(f);
					}
				} catch (Throwable e) {
					failures[id] = e;
				}
			});
			threads[t].start();
		}
		for (Thread t : threads) {
			t.join();
		}
		for (Throwable f : failures) {
			if (f != null) {
				throw new AssertionError(f);
			}
		}
		assertEquals(before, StoreTesting.openFds());
		assertNotEquals(0, store.stat(p("c")).ino());
	}
}
