package org.mapfs.store.nfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.store.nfs.NfsTesting.assertErrno;
import static org.mapfs.store.nfs.NfsTesting.bytes;
import static org.mapfs.store.nfs.NfsTesting.p;
import static org.mapfs.store.nfs.NfsTesting.readAll;
import static org.mapfs.store.nfs.NfsTesting.writeAll;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.FutureTask;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.DirEntry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileData;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.api.RenameMode;
import org.mapfs.core.MountBuilder;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/**
 * The union engine with the NFS store as its repository and a local overlay: reads come through NFS, changes
 * make private copies in the overlay, and the folder behind the export is left byte for byte as it was.
 */
@ExtendWith(NfsServer.class)
@Timeout(60)
class UnionMountTest {
	@TempDir
	Path local;
	private NfsStore repo;
	private LocalStore upper;

	@AfterEach
	void close() {
		if (repo != null) {
			repo.close();
		}
		if (upper != null) {
			upper.close();
		}
	}

	@Test
	void readsCopyUpAndTheRepositoryStaysUntouched() throws Exception {
		Path source = Files.createDirectories(NfsServer.get().repo().resolve("union"));
		Files.createDirectories(source.resolve("etc/conf.d"));
		Files.writeString(source.resolve("etc/hosts"), "127.0.0.1 localhost\n");
		Files.writeString(source.resolve("etc/conf.d/a.conf"), "a=1\n");
		Files.writeString(source.resolve("etc/gone"), "delete me\n");
		byte[] big = new byte[3 << 20];
		new Random(5).nextBytes(big);
		Files.write(source.resolve("big.bin"), big);
		Files.createSymbolicLink(source.resolve("etc/link"), Path.of("hosts"));
		String before = NfsTesting.treeDigest(source);

		repo = NfsStore.open("repo", NfsTesting.options("/repo", "/union", null, true));
		upper = LocalStore.open("upper", Files.createDirectories(local.resolve("upper")),
				Files.createDirectories(local.resolve("work")), false);
		Mount mount = MountBuilder.named("m").overlay(upper, FsPath.ROOT).layer(repo, FsPath.ROOT, FsPath.ROOT)
				.policy(new ClassicPolicy(), Map.of()).build();

		// reads through NFS
		assertEquals(Set.of("etc", "big.bin"), names(mount, FsPath.ROOT));
		try (FileData d = mount.open(p("big.bin"), EnumSet.of(OpenFlag.READ))) {
			assertArrayEquals(big, readAll(d, 128 << 10));
		}
		assertEquals("hosts", mount.readlink(p("etc/link")));

		// copy-up of a write, a chmod (metadata), a new file, a delete and a rename
		try (FileHandle h = mount.open(p("etc/hosts"), EnumSet.of(OpenFlag.READ, OpenFlag.WRITE))) {
			writeAll(h, bytes("10.0.0.1 server\n"), h.size());
		}
		mount.setattr(p("etc/conf.d/a.conf"), AttributeChange.mode(0600));
		try (FileHandle h = mount.create(p("etc/new"), 0644, Caller.PROCESS, true)) {
			writeAll(h, bytes("new"), 0);
		}
		mount.unlink(p("etc/gone"));
		mount.rename(p("big.bin"), p("etc/big.moved"), RenameMode.NOREPLACE);

		assertEquals(Set.of("hosts", "conf.d", "link", "new", "big.moved"), names(mount, p("etc")));
		assertEquals(Set.of("etc"), names(mount, FsPath.ROOT));
		try (FileData d = mount.open(p("etc/hosts"), EnumSet.of(OpenFlag.READ))) {
			assertArrayEquals(bytes("127.0.0.1 localhost\n10.0.0.1 server\n"), readAll(d, 7));
		}
		try (FileData d = mount.open(p("etc/big.moved"), EnumSet.of(OpenFlag.READ))) {
			assertArrayEquals(big, readAll(d, 1 << 20));
		}
		assertEquals(0600, mount.stat(p("etc/conf.d/a.conf")).mode());
		assertErrno(() -> mount.stat(p("etc/gone")), Errno.ENOENT);
		assertTrue(Files.isRegularFile(local.resolve("upper/etc/hosts")));
		assertTrue(Files.exists(local.resolve("upper/etc/conf.d/a.conf"), LinkOption.NOFOLLOW_LINKS));
		assertTrue(Files.exists(local.resolve("upper/etc/new")));

		// the repository: byte for byte as it was, and so through the store
		assertEquals(before, NfsTesting.treeDigest(source));
		assertEquals(List.of("big.bin", "etc"),
				repo.list(FsPath.ROOT).stream().map(DirEntry::name).sorted().collect(Collectors.toList()));
	}

	@Test
	void anNfsOverlayHoldsCopyUpsAndWhiteouts() throws Exception {
		Path lowerDir = Files.createDirectories(local.resolve("lower/d"));
		Files.writeString(lowerDir.resolve("f"), "x");
		Files.writeString(lowerDir.resolve("h"), "h");
		Files.writeString(local.resolve("lower/g"), "g");
		String before = NfsTesting.treeDigest(local.resolve("lower"));
		LocalStore lower = LocalStore.open("lower", local.resolve("lower"), null, true);
		Path overlay = Files.createDirectories(NfsServer.get().rw().resolve("overlay"));
		try (lower; NfsStore upperNfs = NfsTesting.openRw("overlay")) {
			Mount mount = MountBuilder.named("m").overlay(upperNfs, FsPath.ROOT).layer(lower, FsPath.ROOT,
					FsPath.ROOT).policy(new ClassicPolicy(), Map.of()).build();
			try (FileHandle h = mount.open(p("d/f"), EnumSet.of(OpenFlag.READ, OpenFlag.WRITE))) {
				writeAll(h, bytes("y"), 1);
			}
			assertEquals("xy", Files.readString(overlay.resolve("d/f")));
			mount.unlink(p("g"));
			mount.mkdir(p("n"), 0755, Caller.PROCESS);
			mount.rename(p("n"), p("n2"), RenameMode.NOREPLACE);
			assertEquals(Set.of("d", "n2"), names(mount, FsPath.ROOT));
			// deleted and made again: the lower directory's entries stay hidden
			mount.unlink(p("d/f"));
			mount.unlink(p("d/h"));
			mount.rmdir(p("d"));
			mount.mkdir(p("d"), 0700, Caller.PROCESS);
			assertEquals(Set.of(), names(mount, p("d")));

			Mount again = MountBuilder.named("m2").overlay(upperNfs, FsPath.ROOT).layer(lower, FsPath.ROOT,
					FsPath.ROOT).policy(new ClassicPolicy(), Map.of()).build();
			assertEquals(Set.of("d", "n2"), names(again, FsPath.ROOT));
			assertEquals(Set.of(), names(again, p("d")));
			assertEquals(0700, again.stat(p("d")).mode());
		}
		assertEquals(before, NfsTesting.treeDigest(local.resolve("lower")));
	}

	/**
	 * The server stops in the middle of a copy-up into an NFS overlay and comes back: with hard stores the copy
	 * completes, whole; with soft stores the write fails with EIO and no copy is published, so the repository's
	 * file shows, whole, once the server is back, and a new mount empties the work area.
	 */
	@ParameterizedTest(name = "hard {0}")
	@ValueSource(booleans = { true, false })
	void aServerRestartDuringACopyUpLeavesNoTornFile(boolean hard) throws Exception {
		String name = hard ? "restart-hard" : "restart-soft";
		Path source = Files.createDirectories(NfsServer.get().repo().resolve(name));
		byte[] big = new byte[32 << 20];
		new Random(9).nextBytes(big);
		Files.write(source.resolve("big.bin"), big);
		String before = NfsTesting.treeDigest(source);
		Path overlay = Files.createDirectories(NfsServer.get().rw().resolve(name));
		Path work = overlay.resolveSibling(name + "-work");
		NfsOptions repoOptions = NfsTesting.options("/repo", "/" + name, null, true);
		NfsOptions upperOptions = NfsTesting.options("/rw", "/" + name, "/" + name + "-work", false);
		if (!hard) {
			repoOptions = soft(repoOptions);
			upperOptions = soft(upperOptions);
		}
		repo = NfsStore.open("repo", repoOptions);
		try (NfsStore upperNfs = NfsStore.open("rw", upperOptions)) {
			Mount mount = MountBuilder.named("m").overlay(upperNfs, FsPath.ROOT).layer(repo, FsPath.ROOT,
					FsPath.ROOT).policy(new ClassicPolicy(), Map.of()).build();
			FutureTask<Boolean> outage = new FutureTask<>(() -> stopWhileStaging(work, overlay.resolve("big.bin")));
			new Thread(outage, "outage").start();
			FsException failure = null;
			try (FileHandle h = mount.open(p("big.bin"), EnumSet.of(OpenFlag.READ, OpenFlag.WRITE))) {
				writeAll(h, bytes("tail"), big.length);
			} catch (FsException e) {
				failure = e;
			}
			assertTrue(outage.get(), "the server stopped before the copy was published");
			String expected = hard ? sha256(big, bytes("tail")) : sha256(big);
			if (hard) {
				assertEquals(null, failure, "a hard copy-up rides out the restart");
				assertEquals(expected, sha256(Files.readAllBytes(overlay.resolve("big.bin"))));
			} else {
				assertEquals(Errno.EIO, failure == null ? null : failure.errno(), "a soft copy-up fails");
				assertFalse(Files.exists(overlay.resolve("big.bin")), "a torn copy was published");
			}
			Mount again = MountBuilder.named("m2").overlay(upperNfs, FsPath.ROOT).layer(repo, FsPath.ROOT,
					FsPath.ROOT).policy(new ClassicPolicy(), Map.of()).build();
			try (FileData d = again.open(p("big.bin"), EnumSet.of(OpenFlag.READ))) {
				assertEquals(expected, sha256(d));
			}
			try (Stream<Path> left = Files.list(work)) {
				assertEquals(List.of(), left.filter(f -> !f.getFileName().toString().equals("mapfs-index")).toList(),
						"the work area after a new mount");
			}
		}
		assertEquals(before, NfsTesting.treeDigest(source));
	}

	private static String sha256(byte[]... parts) throws Exception {
		MessageDigest md = MessageDigest.getInstance("SHA-256");
		for (byte[] part : parts) {
			md.update(part);
		}
		return HexFormat.of().formatHex(md.digest());
	}

	private static String sha256(FileData data) throws Exception {
		MessageDigest md = MessageDigest.getInstance("SHA-256");
		ByteBuffer buf = ByteBuffer.allocate(1 << 20);
		long pos = 0;
		for (int n; (n = data.read(buf.clear(), pos)) > 0; pos += n) {
			md.update(buf.flip());
		}
		return HexFormat.of().formatHex(md.digest());
	}

	private static NfsOptions soft(NfsOptions o) {
		return new NfsOptions(o.server(), o.export(), o.path(), o.work(), o.readOnly(), o.nfsPort(), o.mountPort(),
				o.uid(), o.gid(), o.groups(), false, 300, 1, o.attrCacheMillis(), o.connections());
	}

	/**
	 * Stops the server once a staged copy in the work area has data, and starts it again a second later; true if
	 * the copy was not published yet when the server stopped.
	 */
	private static boolean stopWhileStaging(Path work, Path published) throws Exception {
		long deadline = System.nanoTime() + 20_000_000_000L;
		while (!hasStagedData(work)) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("no copy-up was staged in " + work);
			}
			Thread.sleep(2);
		}
		NfsServer.get().stop();
		boolean during = !Files.exists(published);
		Thread.sleep(1000);
		NfsServer.get().resume();
		return during;
	}

	private static boolean hasStagedData(Path work) throws IOException {
		try (Stream<Path> files = Files.list(work)) {
			return files.anyMatch(f -> {
				try {
					return Files.isRegularFile(f) && Files.size(f) > (1 << 20);
				} catch (IOException e) {
					return false; // published meanwhile
				}
			});
		}
	}

	private static Set<String> names(Mount mount, FsPath dir) throws Exception {
		Set<String> names = new TreeSet<>();
		for (DirEntry e : mount.list(dir)) {
			names.add(e.name());
		}
		return names;
	}
}
