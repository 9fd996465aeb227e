package org.mapfs.store.nfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.store.nfs.NfsTesting.assertErrno;
import static org.mapfs.store.nfs.NfsTesting.bytes;
import static org.mapfs.store.nfs.NfsTesting.p;
import static org.mapfs.store.nfs.NfsTesting.readAll;
import static org.mapfs.store.nfs.NfsTesting.writeAll;

import java.nio.charset.StandardCharsets;
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
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.DirEntry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileData;
import org.mapfs.api.FileHandle;
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

	/** Everything observable of a tree, symlinks not followed: names, types, modes, owners, times, contents. */
	private static String digest(Path root) throws Exception {
		MessageDigest md = MessageDigest.getInstance("SHA-256");
		try (Stream<Path> walk = Files.walk(root)) {
			for (Path f : walk.sorted().collect(Collectors.toList())) {
				Map<String, Object> u = Files.readAttributes(f, "unix:mode,uid,gid,size,nlink,ino,lastModifiedTime,ctime",
						LinkOption.NOFOLLOW_LINKS);
				StringBuilder sb = new StringBuilder(root.relativize(f) + "|" + new java.util.TreeMap<>(u));
				if (Files.isSymbolicLink(f)) {
					sb.append("->").append(Files.readSymbolicLink(f));
				} else if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
					sb.append('|').append(HexFormat.of().formatHex(
							MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
				}
				md.update(sb.append('\n').toString().getBytes(StandardCharsets.UTF_8));
			}
		}
		return HexFormat.of().formatHex(md.digest());
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
		String before = digest(source);

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
		assertEquals(before, digest(source));
		assertEquals(List.of("big.bin", "etc"),
				repo.list(FsPath.ROOT).stream().map(DirEntry::name).sorted().collect(Collectors.toList()));
	}

	@Test
	void anNfsOverlayHoldsCopyUpsAndWhiteouts() throws Exception {
		Path lowerDir = Files.createDirectories(local.resolve("lower/d"));
		Files.writeString(lowerDir.resolve("f"), "x");
		Files.writeString(lowerDir.resolve("h"), "h");
		Files.writeString(local.resolve("lower/g"), "g");
		String before = digest(local.resolve("lower"));
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
		assertEquals(before, digest(local.resolve("lower")));
	}

	private static Set<String> names(Mount mount, FsPath dir) throws Exception {
		Set<String> names = new TreeSet<>();
		for (DirEntry e : mount.list(dir)) {
			names.add(e.name());
		}
		return names;
	}
}
