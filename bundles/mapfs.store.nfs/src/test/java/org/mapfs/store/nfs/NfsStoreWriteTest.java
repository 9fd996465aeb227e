package org.mapfs.store.nfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.store.nfs.NfsTesting.assertErrno;
import static org.mapfs.store.nfs.NfsTesting.bytes;
import static org.mapfs.store.nfs.NfsTesting.p;
import static org.mapfs.store.nfs.NfsTesting.readAll;
import static org.mapfs.store.nfs.NfsTesting.writeAll;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.DirEntry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileData;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.XattrMode;
import org.mapfs.api.store.WritableStore;

/**
 * The read-write export through the WritableStore contract, with the errnos LocalStore gives; every result is
 * checked in the backing folder as the kernel sees it. Each test has its own folder of the export.
 */
@ExtendWith(NfsServer.class)
@Timeout(60)
class NfsStoreWriteTest {
	private static final AtomicInteger FOLDERS = new AtomicInteger();

	private Path root;
	private NfsStore store;

	@BeforeEach
	void open() throws Exception {
		String folder = "w" + FOLDERS.incrementAndGet();
		root = Files.createDirectories(NfsServer.get().rw().resolve(folder));
		store = NfsTesting.openRw(folder);
	}

	@AfterEach
	void close() {
		store.close();
	}

	@Test
	void identityAndWorkArea() throws Exception {
		assertTrue(store.location().toString().startsWith("nfs://127.0.0.1:2049/rw/w"), store.location().toString());
		assertTrue(store.isPrivileged());
		WritableStore work = store.work();
		assertSame(work, store.work());
		assertEquals(URI.create(store.location() + "-work"), work.location());
		assertTrue(Files.isDirectory(root.resolveSibling(root.getFileName() + "-work")));
		assertErrno(work::work, Errno.EINVAL);
	}

	@Test
	void missingAndNotDirectoryErrors() throws Exception {
		Files.writeString(root.resolve("file"), "x");
		Files.createDirectories(root.resolve("dir"));
		assertErrno(() -> store.stat(p("file/x/y")), Errno.ENOTDIR);
		assertErrno(() -> store.openWritable(p("dir")), Errno.EISDIR);
		assertErrno(() -> store.truncate(p("dir"), 0), Errno.EISDIR);
		FsException e = assertErrno(() -> store.create(p("file/x"), 0644, Caller.PROCESS), Errno.ENOTDIR);
		assertEquals(p("file/x"), e.path());
		assertTrue(e.getMessage().contains("/file/x"), e.getMessage());
		assertErrno(() -> store.create(p("missing/x"), 0644, Caller.PROCESS), Errno.ENOENT);
	}

	@Test
	void createWriteReadTruncate() throws Exception {
		try (FileData d = store.create(p("a"), 0640, Caller.PROCESS)) {
			writeAll(d, bytes("hello world"), 0);
			assertEquals(11, d.size());
			writeAll(d, bytes("W"), 6);
			d.sync(true);
			d.sync(false);
			assertArrayEquals(bytes("hello World"), readAll(d, 4));
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
			assertArrayEquals(bytes("hello!"), readAll(d, 100));
			assertEquals(-1, d.read(ByteBuffer.allocate(4), 6));
			assertEquals(0, d.read(ByteBuffer.allocate(0), 0));
			assertErrno(() -> d.write(ByteBuffer.wrap(bytes("x")), 0), Errno.EBADF);
		}
		store.truncate(p("a"), 2);
		assertEquals("he", Files.readString(root.resolve("a")));
		store.truncate(p("a"), 10);
		assertEquals(10, store.stat(p("a")).size());
		assertErrno(() -> store.truncate(p("a"), -1), Errno.EINVAL);
	}

	@Test
	void closedFilesAndStoresRefuseWork() throws Exception {
		FileData d = store.create(p("f"), 0644, Caller.PROCESS);
		d.close();
		d.close();
		assertErrno(() -> d.read(ByteBuffer.allocate(1), 0), Errno.EBADF);
		assertErrno(() -> d.write(ByteBuffer.allocate(1), 0), Errno.EBADF);
		assertErrno(d::size, Errno.EBADF);
		assertErrno(() -> d.truncate(0), Errno.EBADF);
		assertErrno(() -> d.sync(true), Errno.EBADF);
		store.close();
		FsException e = assertErrno(() -> store.stat(FsPath.ROOT), Errno.EIO);
		assertTrue(e.getMessage().contains("closed"), e.getMessage());
	}

	@Test
	void largeWritesArePipelinedAndCommitted() throws Exception {
		byte[] data = new byte[(int) UnstableWriter.COMMIT_THRESHOLD * 2 + 12345];
		new Random(3).nextBytes(data);
		try (FileData d = store.create(p("big"), 0644, Caller.PROCESS)) {
			// unaligned pieces, one over the commit threshold
			int pos = 0;
			for (int len : new int[] { 1, 300_000, (int) UnstableWriter.COMMIT_THRESHOLD + 5, 77 }) {
				writeAll(d, Arrays.copyOfRange(data, pos, pos + len), pos);
				pos += len;
			}
			writeAll(d, Arrays.copyOfRange(data, pos, data.length), pos);
			assertEquals(data.length, d.size());
		}
		assertArrayEquals(data, Files.readAllBytes(root.resolve("big")));
		byte[] viaLibnfs = NfsServer.output(NfsServer.exe("nfs-cat"),
				"nfs://127.0.0.1/rw/" + root.getFileName() + "/big");
		assertArrayEquals(data, viaLibnfs);
	}

	@Test
	void mkdirListRmdir() throws Exception {
		store.mkdir(p("d"), 0750, Caller.PROCESS);
		assertErrno(() -> store.mkdir(p("d"), 0755, Caller.PROCESS), Errno.EEXIST);
		assertErrno(() -> store.mkdir(FsPath.ROOT, 0755, Caller.PROCESS), Errno.EEXIST);
		assertErrno(() -> store.mkdir(p("nope/d"), 0755, Caller.PROCESS), Errno.ENOENT);
		assertEquals(0750, store.stat(p("d")).mode());
		assertEquals(0750, (int) Files.getAttribute(root.resolve("d"), "unix:mode") & 07777);
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
		assertFalse(Files.exists(root.resolve("d")));
	}

	@Test
	void namesOf255Bytes() throws Exception {
		String name = "n".repeat(255);
		String utf = "ä".repeat(127) + "x";
		store.mkdir(p(name), 0755, Caller.PROCESS);
		try (FileData d = store.create(p(name + "/" + utf), 0644, Caller.PROCESS)) {
			writeAll(d, bytes("data"), 0);
		}
		assertEquals(List.of(utf), store.list(p(name)).stream().map(DirEntry::name).collect(Collectors.toList()));
		assertEquals("data", Files.readString(root.resolve(name).resolve(utf)));
		store.symlink(p(name + "/l"), utf, Caller.PROCESS);
		assertEquals(utf, store.readlink(p(name + "/l")));
	}

	@Test
	void ownersModesAndTimes() throws Exception {
		Caller c = new Caller(1234, 5678);
		store.create(p("f"), 06755, c).close();
		store.mkdir(p("d"), 02775, c);
		store.symlink(p("l"), "f", c);
		store.mknod(p("n"), FileType.FIFO, 0640, 0, c);
		for (String n : List.of("f", "d", "l", "n")) {
			assertEquals(1234, Files.getAttribute(root.resolve(n), "unix:uid", LinkOption.NOFOLLOW_LINKS), n);
			assertEquals(5678, Files.getAttribute(root.resolve(n), "unix:gid", LinkOption.NOFOLLOW_LINKS), n);
			assertEquals(1234, store.stat(p(n)).uid(), n);
		}
		assertEquals(06755, store.stat(p("f")).mode());
		assertEquals(02775, store.stat(p("d")).mode());
		store.create(p("mine"), 0644, Caller.PROCESS).close();
		assertEquals(0, store.stat(p("mine")).uid());

		store.setattr(p("l"), AttributeChange.owner(42, -1));
		assertEquals(42, store.stat(p("l")).uid());
		assertEquals(1234, store.stat(p("f")).uid());
		store.setattr(p("l"), AttributeChange.mode(0700));
		assertEquals(06755, store.stat(p("f")).mode());
		store.setattr(p("f"), new AttributeChange(04711, 7, 8, null, null));
		FileAttributes a = store.stat(p("f"));
		assertEquals(04711, a.mode());
		assertEquals(7, a.uid());
		assertEquals(8, a.gid());

		long atime = 1_234_567_890_123_456_789L;
		long mtime = 1_654_321_987_654_321L;
		store.setattr(p("f"), AttributeChange.times(atime, mtime));
		a = store.stat(p("f"));
		assertEquals(atime, a.atimeNs());
		assertEquals(mtime, a.mtimeNs());
		assertEquals(mtime, Files.getLastModifiedTime(root.resolve("f")).to(TimeUnit.NANOSECONDS));
		store.setattr(p("f"), AttributeChange.times(null, 5_000_000_001L));
		assertEquals(atime, store.stat(p("f")).atimeNs());
		assertEquals(5_000_000_001L, store.stat(p("f")).mtimeNs());
		long before = System.currentTimeMillis() - 5000;
		store.setattr(p("f"), AttributeChange.times(AttributeChange.NOW, AttributeChange.NOW));
		assertTrue(store.stat(p("f")).mtimeNs() / 1_000_000 >= before);
		assertErrno(() -> store.setattr(p("missing"), AttributeChange.mode(0644)), Errno.ENOENT);
	}

	@Test
	void specialFiles() throws Exception {
		store.mknod(p("fifo"), FileType.FIFO, 0644, 0, Caller.PROCESS);
		assertEquals(FileType.FIFO, store.stat(p("fifo")).type());
		assertEquals(0644, store.stat(p("fifo")).mode());
		assertErrno(() -> store.open(p("fifo")), Errno.EINVAL);
		store.mknod(p("wh"), FileType.CHAR_DEVICE, 0, 0, Caller.PROCESS);
		FileAttributes wh = store.stat(p("wh"));
		assertEquals(FileType.CHAR_DEVICE, wh.type());
		assertEquals(0, wh.rdev());
		assertEquals(0, wh.mode());
		long rdev = Fattr.makedev(1, 3);
		store.mknod(p("null"), FileType.CHAR_DEVICE, 0666, rdev, Caller.PROCESS);
		assertEquals(rdev, store.stat(p("null")).rdev());
		assertEquals(((Number) Files.getAttribute(Path.of("/dev/null"), "unix:rdev")).longValue(),
				((Number) Files.getAttribute(root.resolve("null"), "unix:rdev")).longValue());
		long blk = Fattr.makedev(259, 70000);
		store.mknod(p("blk"), FileType.BLOCK_DEVICE, 0660, blk, Caller.PROCESS);
		assertEquals(blk, store.stat(p("blk")).rdev());
		assertEquals(blk, ((Number) Files.getAttribute(root.resolve("blk"), "unix:rdev")).longValue());
		store.mknod(p("reg"), FileType.REGULAR, 0600, 0, Caller.PROCESS);
		assertTrue(Files.isRegularFile(root.resolve("reg")));
		assertErrno(() -> store.open(p("null")), Errno.EINVAL);
		assertErrno(() -> store.mknod(p("x"), FileType.DIRECTORY, 0755, 0, Caller.PROCESS), Errno.EINVAL);
		assertErrno(() -> store.mknod(p("fifo"), FileType.FIFO, 0644, 0, Caller.PROCESS), Errno.EEXIST);
	}

	@Test
	void hardLinks() throws Exception {
		try (FileData d = store.create(p("a"), 0644, Caller.PROCESS)) {
			writeAll(d, bytes("shared"), 0);
		}
		store.mkdir(p("d"), 0755, Caller.PROCESS);
		assertEquals(1, store.stat(p("a")).nlink());
		store.link(p("a"), p("d/b"));
		assertEquals(2, store.stat(p("a")).nlink());
		assertEquals(2, store.stat(p("d/b")).nlink());
		assertEquals(store.stat(p("a")).ino(), store.stat(p("d/b")).ino());
		// a write through one name is seen through the other at once
		try (FileData d = store.openWritable(p("d/b"))) {
			writeAll(d, bytes("SHARED!"), 0);
		}
		assertEquals(7, store.stat(p("a")).size());
		try (FileData d = store.open(p("a"))) {
			assertArrayEquals(bytes("SHARED!"), readAll(d, 100));
		}
		assertErrno(() -> store.link(p("a"), p("d/b")), Errno.EEXIST);
		assertErrno(() -> store.link(p("missing"), p("c")), Errno.ENOENT);
		assertErrno(() -> store.link(p("d"), p("dlink")), Errno.EPERM);
		store.symlink(p("s"), "/etc/passwd", Caller.PROCESS);
		store.link(p("s"), p("s2"));
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
		assertErrno(() -> store.stat(p("a")), Errno.ENOENT);
		store.rename(p("b"), p("d/e/c"), false);
		assertEquals("A", Files.readString(root.resolve("d/e/c")));
		assertErrno(() -> store.rename(p("missing"), p("x"), true), Errno.ENOENT);
		assertErrno(() -> store.rename(p("d"), p("full"), true), Errno.ENOTEMPTY, Errno.EEXIST);
		assertErrno(() -> store.rename(p("d"), p("d/e/inside"), true), Errno.EINVAL);
		assertErrno(() -> store.rename(p("d/e/c"), p("full"), true), Errno.EISDIR);
		assertErrno(() -> store.rename(p("empty"), p("d/e/c"), true), Errno.ENOTDIR);
		assertEquals(FileType.REGULAR, store.stat(p("d/e/c")).type());
		store.rename(p("d"), p("empty"), true);
		assertTrue(Files.isRegularFile(root.resolve("empty/e/c")));
		// what the cache knew under the old name is gone
		assertErrno(() -> store.stat(p("d/e/c")), Errno.ENOENT);
		assertEquals(FileType.REGULAR, store.stat(p("empty/e/c")).type());
		assertErrno(() -> store.rename(FsPath.ROOT, p("x"), true), Errno.EBUSY);
	}

	@Test
	void xattrsAreNotSupported() throws Exception {
		store.create(p("f"), 0644, Caller.PROCESS).close();
		assertErrno(() -> store.setxattr(p("f"), "user.x", bytes("1"), XattrMode.SET), Errno.ENOTSUP);
		assertErrno(() -> store.removexattr(p("f"), "user.x"), Errno.ENOTSUP);
		assertErrno(() -> store.getxattr(p("f"), "user.x"), Errno.ENODATA);
		assertEquals(List.of(), store.listxattr(p("f")));
		assertErrno(() -> store.setxattr(p("missing"), "user.x", bytes("1"), XattrMode.SET), Errno.ENOENT);
	}

	@Test
	void publishFromTheWorkArea() throws Exception {
		WritableStore work = store.work();
		Path workRoot = root.resolveSibling(root.getFileName() + "-work");
		try (FileData d = work.create(p("staged"), 0640, Caller.PROCESS)) {
			writeAll(d, bytes("copy"), 0);
		}
		store.mkdir(p("dir"), 0755, Caller.PROCESS);
		store.publish(p("staged"), p("dir/file"));
		assertEquals("copy", Files.readString(root.resolve("dir/file")));
		assertErrno(() -> work.stat(p("staged")), Errno.ENOENT);
		assertFalse(Files.exists(workRoot.resolve("staged")));
		try (FileData d = work.create(p("s2"), 0644, Caller.PROCESS)) {
			writeAll(d, bytes("new"), 0);
		}
		assertEquals(4, store.stat(p("dir/file")).size());
		store.publish(p("s2"), p("dir/file"));
		assertEquals("new", Files.readString(root.resolve("dir/file")));
		assertEquals(3, store.stat(p("dir/file")).size());
		work.mkdir(p("sd"), 0700, Caller.PROCESS);
		work.create(p("sd/x"), 0644, Caller.PROCESS).close();
		store.mkdir(p("empty"), 0755, Caller.PROCESS);
		store.publish(p("sd"), p("empty"));
		assertTrue(Files.isRegularFile(root.resolve("empty/x")));
		assertEquals(0700, store.stat(p("empty")).mode());
		work.mkdir(p("sd2"), 0700, Caller.PROCESS);
		assertErrno(() -> store.publish(p("sd2"), p("empty")), Errno.ENOTEMPTY, Errno.EEXIST);
		assertErrno(() -> store.publish(p("missing"), p("x")), Errno.ENOENT);
	}

	@Test
	void changesThroughTheStoreAreSeenAtOnceDespiteTheCache() throws Exception {
		store.mkdir(p("d"), 0755, Caller.PROCESS);
		assertEquals(List.of(), store.list(p("d")));
		FileAttributes before = store.stat(p("d"));
		try (FileData d = store.create(p("d/f"), 0644, Caller.PROCESS)) {
			assertEquals(0, store.stat(p("d/f")).size());
			writeAll(d, bytes("12345"), 0);
			assertEquals(5, store.stat(p("d/f")).size());
		}
		assertEquals(List.of("f"), store.list(p("d")).stream().map(DirEntry::name).collect(Collectors.toList()));
		assertTrue(store.stat(p("d")).mtimeNs() >= before.mtimeNs());
		store.setattr(p("d/f"), AttributeChange.mode(0600));
		assertEquals(0600, store.stat(p("d/f")).mode());
		store.truncate(p("d/f"), 1);
		assertEquals(1, store.stat(p("d/f")).size());
		store.unlink(p("d/f"));
		assertErrno(() -> store.stat(p("d/f")), Errno.ENOENT);
	}

}
