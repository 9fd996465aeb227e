package org.mapfs.store.nfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.store.nfs.NfsTesting.assertErrno;
import static org.mapfs.store.nfs.NfsTesting.bytes;
import static org.mapfs.store.nfs.NfsTesting.p;
import static org.mapfs.store.nfs.NfsTesting.readAll;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
import org.mapfs.api.FsPath;
import org.mapfs.api.StatFs;
import org.mapfs.api.XattrMode;

/**
 * The read-only export: what the store reports is compared with the backing folder as the kernel sees it, and
 * with libnfs's nfs-ls and nfs-cat, an independent client.
 */
@ExtendWith(NfsServer.class)
@Timeout(60)
class NfsStoreReadTest {
	private static Path repo;
	private static NfsStore store;
	private static byte[] big;

	@BeforeAll
	static void fill() throws Exception {
		repo = NfsServer.get().repo();
		Files.createDirectories(repo.resolve("dir/sub"));
		Files.writeString(repo.resolve("file.txt"), "hello NFS\n");
		Files.writeString(repo.resolve("dir/sub/deep.txt"), "deep");
		Files.setPosixFilePermissions(repo.resolve("dir/sub/deep.txt"), PosixFilePermissions.fromString("rwxr-x---"));
		Files.createSymbolicLink(repo.resolve("link"), Path.of("dir/sub/deep.txt"));
		Files.createSymbolicLink(repo.resolve("dirlink"), Path.of("dir"));
		Files.createSymbolicLink(repo.resolve("abs"), Path.of("/etc/passwd"));
		Files.createLink(repo.resolve("dir/hard"), repo.resolve("file.txt"));
		Files.writeString(repo.resolve("owned"), "owned");
		Files.setAttribute(repo.resolve("owned"), "unix:uid", 1234);
		Files.setAttribute(repo.resolve("owned"), "unix:gid", 5678);
		Files.setAttribute(repo.resolve("owned"), "unix:mode", 06751);
		Files.setLastModifiedTime(repo.resolve("owned"), FileTime.from(1_600_000_000_123_456_789L / 1000,
				TimeUnit.MICROSECONDS));
		Files.createDirectories(repo.resolve("many"));
		for (int i = 0; i < 1500; i++) {
			Files.writeString(repo.resolve("many/entry-with-a-longish-name-" + i), Integer.toString(i));
		}
		big = new byte[9 << 20];
		new Random(42).nextBytes(big);
		Files.write(repo.resolve("big.bin"), big);
		Files.write(repo.resolve("empty"), new byte[0]);
		NfsServer.run("mkfifo", repo.resolve("fifo").toString());
		store = NfsTesting.openRepo();
	}

	@AfterAll
	static void close() {
		if (store != null) {
			store.close();
		}
	}

	@Test
	void identity() {
		assertEquals("repo", store.id());
		assertEquals(URI.create("nfs://127.0.0.1:2049/repo"), store.location());
		assertTrue(store.isPrivileged());
	}

	@Test
	void statReportsWhatTheKernelReports() throws Exception {
		try (Stream<Path> walk = Files.walk(repo)) {
			for (Path f : walk.collect(Collectors.toList())) {
				FsPath path = FsPath.of(repo.relativize(f).toString());
				FileAttributes a = store.stat(path);
				Map<String, Object> u = Files.readAttributes(f, "unix:*", LinkOption.NOFOLLOW_LINKS);
				String what = path.toAbsoluteString();
				assertEquals((int) u.get("mode") & 07777, a.mode(), what);
				assertEquals((int) u.get("mode"), a.stMode(), what);
				assertEquals(u.get("uid"), a.uid(), what);
				assertEquals(u.get("gid"), a.gid(), what);
				assertEquals(u.get("nlink"), (int) a.nlink(), what);
				assertEquals(u.get("ino"), a.ino(), what);
				if (!a.isDirectory()) {
					assertEquals(u.get("size"), a.size(), what);
				}
				assertEquals(((FileTime) u.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS), a.mtimeNs(), what);
				assertEquals(((FileTime) u.get("ctime")).to(TimeUnit.NANOSECONDS), a.ctimeNs(), what);
			}
		}
		assertEquals(FileType.SYMLINK, store.stat(p("link")).type());
		assertEquals(FileType.FIFO, store.stat(p("fifo")).type());
		assertEquals(06751, store.stat(p("owned")).mode());
		assertEquals(store.stat(p("file.txt")).ino(), store.stat(p("dir/hard")).ino());
		assertEquals(2, store.stat(p("dir/hard")).nlink());
	}

	@Test
	void listsWhatTheFolderHolds() throws Exception {
		for (String dir : List.of("", "dir", "dir/sub", "many")) {
			Map<String, FileType> expected = new TreeMap<>();
			try (Stream<Path> s = Files.list(repo.resolve(dir))) {
				for (Path f : s.collect(Collectors.toList())) {
					expected.put(f.getFileName().toString(), Files.isSymbolicLink(f) ? FileType.SYMLINK
							: Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS) ? FileType.DIRECTORY
									: Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) ? FileType.REGULAR
											: FileType.FIFO);
				}
			}
			Map<String, FileType> actual = new TreeMap<>();
			for (DirEntry e : store.list(p(dir))) {
				actual.put(e.name(), e.type());
				assertEquals(Files.getAttribute(repo.resolve(dir).resolve(e.name()), "unix:ino",
						LinkOption.NOFOLLOW_LINKS), e.ino());
			}
			assertEquals(expected, actual, "/" + dir);
		}
		assertEquals(1500, store.list(p("many")).size());
	}

	@Test
	void readsAndLinks() throws Exception {
		try (FileData d = store.open(p("file.txt"))) {
			assertArrayEquals(bytes("hello NFS\n"), readAll(d, 3));
			assertEquals(10, d.size());
			ByteBuffer b = ByteBuffer.allocate(4);
			assertEquals(4, d.read(b, 6));
			assertArrayEquals(bytes("NFS\n"), b.array());
			assertEquals(-1, d.read(ByteBuffer.allocate(4), 10));
			assertEquals(-1, d.read(ByteBuffer.allocate(4), 1000));
		}
		try (FileData d = store.open(p("empty"))) {
			assertEquals(-1, d.read(ByteBuffer.allocate(4), 0));
		}
		assertEquals("dir/sub/deep.txt", store.readlink(p("link")));
		assertEquals("/etc/passwd", store.readlink(p("abs")));
		assertEquals("dir", store.readlink(p("dirlink")));
	}

	@Test
	void readsAndWritesAreAsLargeAsTheServerAllows() throws Exception {
		AuthSys auth = new AuthSys(0, 0, new int[0], "test");
		RetryPolicy soft = new RetryPolicy(false, 2000, 1);
		NfsHandle root = MountClient.mount(NfsServer.HOST, NfsServer.MOUNT_PORT, "/repo", auth, soft);
		try (RpcClient rpc = new RpcClient("NFS server", new InetSocketAddress(NfsServer.HOST, NfsServer.NFS_PORT),
				NfsClient.PROGRAM, NfsClient.VERSION, auth, soft, 1, NfsClient.MAX_RECORD)) {
			NfsClient.FsInfo info = new NfsClient(rpc).fsinfo(root);
			assertTrue(info.rtmax() >= 4096 && info.wtmax() >= 4096, info.toString());
			assertEquals(Math.min(info.rtmax(), NfsClient.MAX_IO), store.readSize());
			assertEquals(Math.min(info.wtmax(), NfsClient.MAX_IO), store.writeSize());
		}
	}

	@Test
	void readAheadReadsAMultiMegabyteFile() throws Exception {
		try (FileData d = store.open(p("big.bin"))) {
			assertArrayEquals(big, readAll(d, 64 << 10));
			// and reads that jump around
			Random r = new Random(7);
			for (int i = 0; i < 50; i++) {
				int pos = r.nextInt(big.length);
				int len = 1 + r.nextInt(300_000);
				ByteBuffer b = ByteBuffer.allocate(len);
				int n = d.read(b, pos);
				assertTrue(n > 0);
				for (int k = 0; k < n; k++) {
					if (b.get(k) != big[pos + k]) {
						throw new AssertionError("byte " + (pos + k) + " differs");
					}
				}
			}
		}
		try (FileData d = store.open(p("big.bin"))) {
			assertArrayEquals(big, readAll(d, (1 << 20) + 17));
		}
	}

	@Test
	void concurrentReadersShareThePipelinedConnections() throws Exception {
		List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			int seed = t;
			threads.add(new Thread(() -> {
				try {
					Random r = new Random(seed);
					for (int i = 0; i < 40; i++) {
						int n = r.nextInt(1500);
						String name = "many/entry-with-a-longish-name-" + n;
						try (FileData d = store.open(p(name))) {
							assertArrayEquals(bytes(Integer.toString(n)), readAll(d, 64));
						}
						int pos = r.nextInt(big.length - 70_000);
						try (FileData d = store.open(p("big.bin"))) {
							ByteBuffer b = ByteBuffer.allocate(70_000);
							while (b.hasRemaining()) {
								d.read(b, pos + b.position());
							}
							assertArrayEquals(Arrays.copyOfRange(big, pos, pos + 70_000), b.array());
						}
					}
				} catch (Throwable e) {
					failures.add(e);
				}
			}));
		}
		threads.forEach(Thread::start);
		for (Thread t : threads) {
			t.join();
		}
		assertEquals(List.of(), failures);
	}

	@Test
	void symlinksInPathsAreNeverFollowed() throws Exception {
		assertErrno(() -> store.stat(p("dirlink/sub")), Errno.ELOOP);
		assertErrno(() -> store.open(p("link")), Errno.ELOOP);
		assertErrno(() -> store.list(p("dirlink")), Errno.ENOTDIR);
		assertErrno(() -> store.stat(p("file.txt/x")), Errno.ENOTDIR);
		assertErrno(() -> store.stat(p("missing")), Errno.ENOENT);
		assertErrno(() -> store.stat(p("missing/x/y")), Errno.ENOENT);
		assertErrno(() -> store.list(p("file.txt")), Errno.ENOTDIR);
		assertErrno(() -> store.open(p("dir")), Errno.EISDIR);
		assertErrno(() -> store.open(FsPath.ROOT), Errno.EISDIR);
		assertErrno(() -> store.open(p("fifo")), Errno.EINVAL);
		assertErrno(() -> store.readlink(p("file.txt")), Errno.EINVAL);
	}

	@Test
	void xattrsAreAbsent() throws Exception {
		assertErrno(() -> store.getxattr(p("file.txt"), "user.x"), Errno.ENODATA);
		assertErrno(() -> store.getxattr(p("missing"), "user.x"), Errno.ENOENT);
		assertEquals(List.of(), store.listxattr(p("file.txt")));
	}

	@Test
	void everyChangeIsRefusedWithErofs() throws Exception {
		assertErrno(() -> store.openWritable(p("file.txt")), Errno.EROFS);
		assertErrno(() -> store.create(p("new"), 0644, Caller.PROCESS), Errno.EROFS);
		assertErrno(() -> store.mkdir(p("d"), 0755, Caller.PROCESS), Errno.EROFS);
		assertErrno(() -> store.mknod(p("n"), FileType.FIFO, 0644, 0, Caller.PROCESS), Errno.EROFS);
		assertErrno(() -> store.symlink(p("s"), "t", Caller.PROCESS), Errno.EROFS);
		assertErrno(() -> store.link(p("file.txt"), p("l")), Errno.EROFS);
		assertErrno(() -> store.unlink(p("file.txt")), Errno.EROFS);
		assertErrno(() -> store.rmdir(p("dir")), Errno.EROFS);
		assertErrno(() -> store.rename(p("file.txt"), p("x"), true), Errno.EROFS);
		assertErrno(() -> store.setattr(p("file.txt"), AttributeChange.mode(0600)), Errno.EROFS);
		assertErrno(() -> store.truncate(p("file.txt"), 0), Errno.EROFS);
		assertErrno(() -> store.setxattr(p("file.txt"), "user.x", bytes("1"), XattrMode.SET), Errno.EROFS);
		assertErrno(() -> store.removexattr(p("file.txt"), "user.x"), Errno.EROFS);
		assertErrno(() -> store.publish(p("a"), p("b")), Errno.EROFS);
		assertErrno(store::work, Errno.EROFS);
		assertEquals("hello NFS\n", Files.readString(repo.resolve("file.txt")));
	}

	@Test
	void statfsIsThatOfTheExportedFileSystem() throws Exception {
		StatFs s = store.statfs();
		FileStore fs = Files.getFileStore(repo);
		assertEquals(fs.getTotalSpace() / s.blockSize(), s.totalBlocks());
		assertTrue(s.freeBlocks() >= s.availableBlocks());
		assertTrue(s.totalFiles() >= s.freeFiles());
		assertEquals(255, s.nameMax());
	}

	@Test
	void libnfsSeesTheSameTree() throws Exception {
		String ls = new String(NfsServer.output(NfsServer.exe("nfs-ls"), "nfs://127.0.0.1/repo/dir"),
				StandardCharsets.UTF_8);
		List<String> names = ls.lines().map(l -> l.substring(l.lastIndexOf(' ') + 1))
				.filter(n -> !n.equals(".") && !n.equals("..")).sorted().collect(Collectors.toList());
		assertEquals(store.list(p("dir")).stream().map(DirEntry::name).sorted().collect(Collectors.toList()), names);
		for (String f : List.of("file.txt", "big.bin", "dir/sub/deep.txt")) {
			byte[] viaLibnfs = NfsServer.output(NfsServer.exe("nfs-cat"), "nfs://127.0.0.1/repo/" + f);
			try (FileData d = store.open(p(f))) {
				assertArrayEquals(viaLibnfs, readAll(d, 100_000), f);
			}
		}
	}
}
