package org.mapfs.frontend.fuse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.core.MountBuilder;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/**
 * A real FUSE mount of a repository and an overlay, served by {@link FuseFrontEnd} in this JVM and used by
 * ordinary programs (shell tools, Python's os module) in other processes.
 */
class FuseFrontEndTest {
	Path base;
	Path repo;
	Path upper;
	Path mnt;
	Map<String, String> repoBefore;
	final List<LocalStore> stores = new ArrayList<>();
	FuseFrontEnd fe;

	@BeforeEach
	void setUp() throws IOException {
		FuseTests.requireFuse();
		base = Files.createTempDirectory("mapfs-fuse");
		repo = Files.createDirectories(base.resolve("repo"));
		Files.createDirectories(repo.resolve("etc/conf.d"));
		Files.writeString(repo.resolve("etc/hosts"), "127.0.0.1 localhost\n");
		Files.writeString(repo.resolve("etc/motd"), "golden\n");
		Files.writeString(repo.resolve("etc/conf.d/a.conf"), "a=1\n");
		Files.writeString(repo.resolve("etc/conf.d/b.conf"), "b=2\n");
		Files.createDirectories(repo.resolve("usr/share/doc"));
		byte[] big = new byte[3 * 1024 * 1024 + 123];
		for (int i = 0; i < big.length; i++) {
			big[i] = (byte) (i * 31 + (i >> 12));
		}
		Files.write(repo.resolve("usr/share/big.bin"), big);
		Files.writeString(repo.resolve("usr/share/doc/README"), "read me\n");
		Files.createSymbolicLink(repo.resolve("usr/share/doc/link"), Path.of("README"));
		Files.setPosixFilePermissions(repo.resolve("etc/motd"),
				java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
		upper = Files.createDirectories(base.resolve("upper"));
		mnt = Files.createDirectories(base.resolve("mnt"));
		repoBefore = FuseTests.checksums(repo);
	}

	@AfterEach
	void tearDown() throws IOException {
		FuseTests.unmountAndClose(fe, mnt, stores);
		if (base != null) {
			assertEquals(repoBefore, FuseTests.checksums(repo), "the repository changed");
			FuseTests.deleteTree(base);
		}
	}

	Mount build(boolean writable) throws IOException {
		MountBuilder b = MountBuilder.named("test");
		if (writable) {
			LocalStore u = LocalStore.open("upper", upper, base.resolve("work"), false);
			stores.add(u);
			b.overlay(u, FsPath.ROOT);
		}
		LocalStore r = LocalStore.open("repo", repo, null, true);
		stores.add(r);
		b.layer(r, FsPath.ROOT, FsPath.ROOT);
		return b.policy(new ClassicPolicy(), Map.of()).build();
	}

	void mount(boolean writable, FuseFrontEnd.Options options) throws IOException {
		fe = new FuseFrontEnd();
		fe.mount(build(writable), mnt, options);
		assertTrue(FuseTests.inProcMounts(mnt), "mounted at " + mnt);
	}

	void mount() throws IOException {
		mount(true, FuseFrontEnd.Options.defaults());
	}

	@Test
	void shellToolsWorkThroughTheMount() throws IOException {
		mount();
		Path out = base.resolve("out");
		Files.createDirectories(out);
		FuseTests.Result r = FuseTests.sh(mnt, """
				echo "ls=$(ls | tr '\\n' ' ')"
				echo "cat=$(cat etc/hosts)"
				echo "statmode=$(stat -c %a etc/motd)"
				echo "statsize=$(stat -c %s usr/share/big.bin)"
				cp etc/hosts etc/hosts.copy
				echo "more" >> etc/hosts
				mv etc/conf.d/a.conf etc/conf.d/a.conf.old
				rm etc/conf.d/b.conf
				mkdir -p new/dir
				echo data > new/dir/file
				mkdir gone && rmdir gone
				ln etc/hosts.copy etc/hosts.hard
				ln -s ../etc/hosts new/hosts.sym
				echo "readlink=$(readlink new/hosts.sym)"
				echo "via_symlink=$(head -n 1 new/hosts.sym)"
				chmod 600 etc/hosts.copy
				truncate -s 3 etc/hosts.hard
				touch -d '2001-02-03 04:05:06' new/dir/file
				echo "mtime=$(stat -c %Y new/dir/file)"
				echo "nlink=$(stat -c %h etc/hosts.copy)"
				echo "copy=$(cat etc/hosts.copy)"
				tar cf "$OUT/usr.tar" usr
				mkdir unpacked && tar xf "$OUT/usr.tar" -C unpacked
				echo "untar=$(cmp usr/share/big.bin unpacked/usr/share/big.bin && echo same)"
				echo "readme=$(cat unpacked/usr/share/doc/README)"
				echo "ls2=$(ls -A etc/conf.d | tr '\\n' ' ')"
				echo "df=$(df -P . | tail -n 1 | wc -w)"
				""".replace("$OUT", out.toString())).ok();
		Map<String, String> v = r.values();
		assertEquals("etc usr ", v.get("ls"));
		assertEquals("127.0.0.1 localhost", v.get("cat"));
		assertEquals("640", v.get("statmode"));
		assertEquals(String.valueOf(Files.size(repo.resolve("usr/share/big.bin"))), v.get("statsize"));
		assertEquals("../etc/hosts", v.get("readlink"));
		assertEquals("127.0.0.1 localhost", v.get("via_symlink"));
		assertEquals(String.valueOf(java.time.LocalDateTime.of(2001, 2, 3, 4, 5, 6)
				.atZone(java.time.ZoneId.systemDefault()).toEpochSecond()), v.get("mtime"));
		assertEquals("2", v.get("nlink"));
		assertEquals("127", v.get("copy"), "truncated through the other name");
		assertEquals("same", v.get("untar"));
		assertEquals("read me", v.get("readme"));
		assertEquals("a.conf.old ", v.get("ls2"));
		assertEquals("6", v.get("df"));

		// the changes are in the overlay, the repository is as it was (checked in tearDown)
		assertEquals("127.0.0.1 localhost\nmore\n", Files.readString(upper.resolve("etc/hosts")));
		assertEquals("data\n", Files.readString(upper.resolve("new/dir/file")));
		assertEquals("a=1\n", Files.readString(upper.resolve("etc/conf.d/a.conf.old")));
		assertTrue(Files.isSymbolicLink(upper.resolve("new/hosts.sym")));
		assertTrue(isWhiteout(upper.resolve("etc/conf.d/b.conf")), "b.conf is a whiteout");
		assertTrue(isWhiteout(upper.resolve("etc/conf.d/a.conf")), "a.conf is a whiteout");
		assertEquals(Files.readAttributes(upper.resolve("etc/hosts.copy"), "unix:ino"),
				Files.readAttributes(upper.resolve("etc/hosts.hard"), "unix:ino"), "one inode, two names");
	}

	static boolean isWhiteout(Path p) throws IOException {
		Map<String, Object> a = Files.readAttributes(p, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
		return ((Integer) a.get("mode") & 0170000) == 0020000 && ((Long) a.get("rdev")) == 0;
	}

	static final String POSIX = """
			import errno, os, stat, sys
			def out(k, v): print(f"{k}={v}")
			def err(f):
			    try:
			        f()
			        return 0
			    except OSError as e:
			        return e.errno
			# names of 255 bytes work, 256 give ENAMETOOLONG
			n255 = "n" * 250 + "\\u00e9\\u00e9" + "x"
			assert len(n255.encode()) == 255
			fd = os.open(n255, os.O_CREAT | os.O_WRONLY, 0o644); os.write(fd, b"long"); os.close(fd)
			out("n255", open(n255).read() + str(n255 in os.listdir(".")))
			out("n256", err(lambda: os.open("m" * 256, os.O_CREAT | os.O_WRONLY, 0o644)))
			out("n256stat", err(lambda: os.stat("m" * 256)))
			# an open file that is unlinked has nlink 0 and stays readable and writable
			fd = os.open("etc/hosts", os.O_RDWR)
			os.unlink("etc/hosts")
			st = os.fstat(fd)
			out("unlinked_nlink", st.st_nlink)
			os.pwrite(fd, b"X", 0)
			out("unlinked_read", os.pread(fd, 5, 0).decode())
			out("unlinked_listed", "hosts" in os.listdir("etc") or any(n.startswith(".fuse") for n in os.listdir("etc")))
			os.close(fd)
			out("unlinked_gone", os.listdir("etc").count("hosts"))
			# hard links: the same attributes through every name
			os.link("etc/motd", "motd.link")
			a, b = os.stat("etc/motd"), os.stat("motd.link")
			out("link_same", (a.st_ino, a.st_nlink, a.st_mode, a.st_size) == (b.st_ino, b.st_nlink, b.st_mode, b.st_size))
			out("link_nlink", b.st_nlink)
			# exclusive create, errors as errno
			out("excl", err(lambda: os.open("etc/motd", os.O_CREAT | os.O_EXCL | os.O_WRONLY)))
			out("enoent", err(lambda: os.stat("no/such")))
			out("enotempty", err(lambda: os.rmdir("etc")))
			out("enotdir", err(lambda: os.listdir("etc/motd")))
			out("eisdir", err(lambda: os.open("etc", os.O_WRONLY)))
			# directory nlink after renames
			os.mkdir("d1"); os.mkdir("d1/sub"); os.mkdir("d2")
			os.rename("d1/sub", "d2/sub")
			out("dir_nlink", (os.stat("d1").st_nlink, os.stat("d2").st_nlink))
			# a big file written and read back in pieces
			data = bytes((i * 7) & 0xff for i in range(1 << 20))
			with open("big.out", "wb") as f: f.write(data)
			with open("big.out", "rb") as f: back = f.read()
			out("big_same", back == data)
			fd = os.open("big.out", os.O_RDWR); os.pwrite(fd, b"abc", 5000)
			out("pread", os.pread(fd, 5, 4999) == bytes([data[4999]]) + b"abc" + bytes([data[5003]])); os.close(fd)
			# the repository's big file reads back whole
			out("repo_big", len(open("usr/share/big.bin", "rb").read()))
			# extended attributes (user.*)
			os.setxattr("etc/motd", "user.color", b"blue")
			os.setxattr("big.out", "user.empty", b"")
			out("xattr_get", os.getxattr("etc/motd", "user.color").decode())
			out("xattr_list", sorted(n for n in os.listxattr("etc/motd") if n.startswith("user.")))
			out("xattr_empty", os.getxattr("big.out", "user.empty"))
			out("xattr_create", err(lambda: os.setxattr("etc/motd", "user.color", b"red", os.XATTR_CREATE)))
			out("xattr_replace", err(lambda: os.setxattr("etc/motd", "user.none", b"x", os.XATTR_REPLACE)))
			os.setxattr("etc/motd", "user.big", b"v" * 3000)
			out("xattr_big", len(os.getxattr("etc/motd", "user.big")))
			os.removexattr("etc/motd", "user.color")
			out("xattr_removed", err(lambda: os.getxattr("etc/motd", "user.color")))
			# special files, times with nanoseconds, utime, statvfs
			os.mkfifo("fifo", 0o600)
			out("fifo", stat.S_ISFIFO(os.lstat("fifo").st_mode))
			os.mknod("chr", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
			out("chr", (stat.S_ISCHR(os.lstat("chr").st_mode), os.major(os.lstat("chr").st_rdev), os.minor(os.lstat("chr").st_rdev)))
			os.utime("big.out", ns=(1_000_000_123, 2_000_000_456))
			s = os.stat("big.out")
			out("utime", (s.st_atime_ns, s.st_mtime_ns))
			v = os.statvfs(".")
			out("statvfs", (v.f_namemax, v.f_bsize > 0, v.f_blocks > 0))
			# readlink of a repository symlink, rename of a repository directory
			out("readlink", os.readlink("usr/share/doc/link"))
			os.rename("usr/share/doc", "usr/share/documents")
			out("renamed", (sorted(os.listdir("usr/share/documents")), os.path.exists("usr/share/doc")))
			out("renamed_read", open("usr/share/documents/README").read().strip())
			# renameat2: RENAME_NOREPLACE works; RENAME_EXCHANGE is refused (the engine cannot swap atomically)
			import ctypes
			libc = ctypes.CDLL(None, use_errno=True)
			def renameat2(a, b, flags):
			    return 0 if libc.renameat2(-100, a.encode(), -100, b.encode(), flags) == 0 else ctypes.get_errno()
			out("noreplace", (renameat2("fifo", "chr", 1), renameat2("fifo", "fifo2", 1), os.path.exists("fifo"),
			    os.path.exists("fifo2"), renameat2("fifo2", "chr", 2)))
			# chown keeps the other id with -1
			os.chown("big.out", 1234, -1); s = os.stat("big.out"); out("chown", (s.st_uid, s.st_gid))
			os.chown("big.out", -1, 4321); s = os.stat("big.out"); out("chown2", (s.st_uid, s.st_gid))
			# new files belong to the caller
			os.mkdir("open", 0o777); os.chmod("open", 0o777)
			os.setegid(2345); os.seteuid(3456)
			try:
			    fd = os.open("open/mine", os.O_CREAT | os.O_WRONLY, 0o600); os.close(fd)
			    os.mkdir("open/mydir")
			finally:
			    os.seteuid(0); os.setegid(0)
			s = os.stat("open/mine"); out("owner", (s.st_uid, s.st_gid)); s = os.stat("open/mydir"); out("dirowner", (s.st_uid, s.st_gid))
			""";

	/**
	 * POSIX details through Python's os module, with the default caches: the names of a hard link share one kernel
	 * inode, so a change through one name shows through the others at once.
	 */
	@Test
	void posixDetailsThroughPython() throws IOException {
		mount(true, FuseFrontEnd.Options.defaults().withAllowOther(true));
		Map<String, String> v = FuseTests.python(mnt, POSIX).ok().values();
		assertEquals("longTrue", v.get("n255"));
		assertEquals("36", v.get("n256"), "ENAMETOOLONG");
		assertEquals("36", v.get("n256stat"), "ENAMETOOLONG");
		assertEquals("0", v.get("unlinked_nlink"));
		assertEquals("X27.0", v.get("unlinked_read"));
		assertEquals("False", v.get("unlinked_listed"));
		assertEquals("0", v.get("unlinked_gone"));
		assertEquals("True", v.get("link_same"));
		assertEquals("2", v.get("link_nlink"));
		assertEquals("17", v.get("excl"), "EEXIST");
		assertEquals("2", v.get("enoent"));
		assertEquals("39", v.get("enotempty"));
		assertEquals("20", v.get("enotdir"));
		assertEquals("21", v.get("eisdir"));
		assertEquals("(2, 3)", v.get("dir_nlink"));
		assertEquals("True", v.get("big_same"));
		assertEquals("True", v.get("pread"));
		assertEquals(String.valueOf(Files.size(repo.resolve("usr/share/big.bin"))), v.get("repo_big"));
		assertEquals("blue", v.get("xattr_get"));
		assertEquals("['user.color']", v.get("xattr_list"));
		assertEquals("b''", v.get("xattr_empty"));
		assertEquals("17", v.get("xattr_create"), "EEXIST");
		assertEquals("61", v.get("xattr_replace"), "ENODATA");
		assertEquals("3000", v.get("xattr_big"));
		assertEquals("61", v.get("xattr_removed"), "ENODATA");
		assertEquals("True", v.get("fifo"));
		assertEquals("(True, 1, 3)", v.get("chr"));
		assertEquals("(1000000123, 2000000456)", v.get("utime"));
		assertEquals("(255, True, True)", v.get("statvfs"));
		assertEquals("README", v.get("readlink"));
		assertEquals("(['README', 'link'], False)", v.get("renamed"));
		assertEquals("read me", v.get("renamed_read"));
		assertEquals("(17, 0, False, True, 22)", v.get("noreplace"),
				"RENAME_NOREPLACE: EEXIST, or renamed; RENAME_EXCHANGE: EINVAL");
		assertEquals("(1234, 0)", v.get("chown"));
		assertEquals("(1234, 4321)", v.get("chown2"));
		assertEquals("(3456, 2345)", v.get("owner"));
		assertEquals("(3456, 2345)", v.get("dirowner"));
		// the repository directory was renamed without copying its files
		assertFalse(Files.exists(upper.resolve("usr/share/documents/README")), "README was not copied up");
	}

	@Test
	void utimeOmitAndNowThroughTouch() throws IOException {
		mount();
		Map<String, String> v = FuseTests.sh(mnt, """
				touch -d '2000-01-01 00:00:00' etc/motd
				touch -m -d '2001-01-01 00:00:00' etc/motd
				echo "after_m=$(stat -c '%X %Y' etc/motd)"
				touch -a -d '2002-01-01 00:00:00' etc/motd
				echo "after_a=$(stat -c '%X %Y' etc/motd)"
				touch etc/motd
				echo "now=$(stat -c '%Y' etc/motd) $(date +%s)"
				""").ok().values();
		long y2000 = epoch(2000), y2001 = epoch(2001), y2002 = epoch(2002);
		assertEquals(y2000 + " " + y2001, v.get("after_m"), "UTIME_OMIT kept the access time");
		assertEquals(y2002 + " " + y2001, v.get("after_a"), "UTIME_OMIT kept the modification time");
		String[] now = v.get("now").split(" ");
		assertTrue(Math.abs(Long.parseLong(now[0]) - Long.parseLong(now[1])) <= 2, "UTIME_NOW: " + v.get("now"));
	}

	static long epoch(int year) {
		return java.time.LocalDateTime.of(year, 1, 1, 0, 0).atZone(java.time.ZoneId.systemDefault()).toEpochSecond();
	}

	@Test
	void permissionsOfAnotherUserAreCheckedByTheKernel() throws IOException {
		mount(true, FuseFrontEnd.Options.defaults().withAllowOther(true));
		Map<String, String> v = FuseTests.python(mnt, """
				import os
				def err(f):
				    try:
				        f(); return 0
				    except OSError as e:
				        return e.errno
				os.mkdir("private", 0o700)
				os.mkdir("shared"); os.chmod("shared", 0o1777)
				open("shared/roots", "w").close()
				open("shared/suid", "w").close(); os.chmod("shared/suid", 0o6777)
				for n in ("trunc", "otrunc"):
				    with open("shared/" + n, "w") as f: f.write("data")
				    os.chmod("shared/" + n, 0o6777)
				os.setegid(65534); os.seteuid(65534)
				print("motd=%d" % err(lambda: open("etc/motd").read()))
				print("hosts=%d" % err(lambda: open("etc/hosts").read()))
				print("write=%d" % err(lambda: open("etc/hosts", "a").write("x")))
				print("private=%d" % err(lambda: os.listdir("private")))
				print("create=%d" % err(lambda: open("shared/mine", "w").close()))
				print("sticky=%d" % err(lambda: os.unlink("shared/roots")))
				with open("shared/suid", "a") as f: f.write("x")
				print("suid=%o" % (os.stat("shared/suid").st_mode & 0o7777))
				os.truncate("shared/trunc", 1)
				print("trunc=%o" % (os.stat("shared/trunc").st_mode & 0o7777))
				os.close(os.open("shared/otrunc", os.O_WRONLY | os.O_TRUNC))
				print("otrunc=%o" % (os.stat("shared/otrunc").st_mode & 0o7777))
				""").ok().values();
		assertEquals("13", v.get("motd"), "0640 root:root is not readable by nobody");
		assertEquals("0", v.get("hosts"));
		assertEquals("13", v.get("write"));
		assertEquals("13", v.get("private"));
		assertEquals("0", v.get("create"));
		assertEquals("1", v.get("sticky"), "EPERM in a sticky directory");
		assertEquals("777", v.get("suid"), "a write by another user cleared setuid and setgid");
		assertEquals("777", v.get("trunc"), "so did truncate");
		assertEquals("777", v.get("otrunc"), "and open with O_TRUNC");
	}

	@Test
	void readOnlyViewRefusesChanges() throws IOException {
		mount(false, FuseFrontEnd.Options.defaults());
		Map<String, String> v = FuseTests.python(mnt, """
				import os
				def err(f):
				    try:
				        f(); return 0
				    except OSError as e:
				        return e.errno
				print("read=" + open("etc/hosts").read().strip())
				print("create=%d" % err(lambda: open("new", "w")))
				print("append=%d" % err(lambda: open("etc/hosts", "a")))
				print("unlink=%d" % err(lambda: os.unlink("etc/hosts")))
				print("mkdir=%d" % err(lambda: os.mkdir("d")))
				print("chmod=%d" % err(lambda: os.chmod("etc/hosts", 0o600)))
				""").ok().values();
		assertEquals("127.0.0.1 localhost", v.get("read"));
		for (String k : List.of("create", "append", "unlink", "mkdir", "chmod")) {
			assertEquals("30", v.get(k), k + ": EROFS");
		}
	}

	@Test
	void umountLeavesNoMountAndStopsTheLoop() throws Exception {
		mount();
		assertTrue(fe.isRunning());
		FuseTests.sh(mnt, "cat etc/hosts >/dev/null").ok();
		fe.umount();
		assertFalse(FuseTests.inProcMounts(mnt));
		assertTrue(fe.awaitUnmounted(Duration.ofSeconds(5)));
		assertFalse(fe.isRunning());
	}

	@Test
	void busyUnmountIsLazyAndDoesNotHang() throws Exception {
		mount();
		// a process whose working directory is in the mount, holding a file open
		Process busy = new ProcessBuilder("sh", "-c", "exec 3<etc/hosts; echo ready; exec sleep 30").directory(
				mnt.toFile()).start();
		try {
			assertEquals("ready", new String(busy.getInputStream().readNBytes(5), UTF_8));
			long t0 = System.nanoTime();
			fe.umount();
			long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
			assertTrue(ms < 15_000, "umount took " + ms + " ms");
			assertFalse(FuseTests.inProcMounts(mnt), "detached from the name space");
			assertTrue(fe.isRunning(), "still serving its busy user");
		} finally {
			busy.destroyForcibly().waitFor();
		}
		assertTrue(fe.awaitUnmounted(Duration.ofSeconds(10)), "the loop ends when the last user has gone");
	}

	@Test
	void externalUnmountEndsTheLoop() throws Exception {
		mount();
		java.util.concurrent.CountDownLatch told = new java.util.concurrent.CountDownLatch(1);
		fe.onUnmounted(told::countDown);
		FuseTests.run(List.of("umount", mnt.toString()), null).ok();
		assertTrue(fe.awaitUnmounted(Duration.ofSeconds(5)));
		assertTrue(told.await(5, TimeUnit.SECONDS), "the listener was told");
	}

	/** The kernel gives FUSE 128 KiB of read-ahead; the front-end raises it to its request size, 1 MiB. */
	@Test
	void sequentialReadsComeInRequestsOfTheLargestSize() throws IOException {
		mount();
		String dev = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" "))
				.filter(f -> f[4].equals(mnt.toString())).map(f -> f[2]).findFirst().orElseThrow();
		assertEquals("1024", Files.readString(Path.of("/sys/class/bdi", dev, "read_ahead_kb")).trim());
		assertEquals(FuseTests.sha256(Files.readAllBytes(repo.resolve("usr/share/big.bin"))),
				FuseTests.sha256(Files.readAllBytes(mnt.resolve("usr/share/big.bin"))));
	}

	@Test
	void mountingAtAMissingDirectoryFailsClearly() throws IOException {
		fe = new FuseFrontEnd();
		Mount m = build(true);
		IOException e = assertThrows(IOException.class,
				() -> fe.mount(m, base.resolve("nowhere"), FuseFrontEnd.Options.defaults()));
		assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
	}

	@Test
	void optionsBecomeMountArguments() throws IOException {
		Mount m = build(true);
		FuseFrontEnd.Mounting x = FuseFrontEnd.mounting(m, FuseFrontEnd.Options.defaults().withAllowOther(true)
				.withDefaultPermissions(false).withTimeouts(5, 0.5, 60)
				.withExtra(List.of("max_read=65536", "suid", "noexec", "kernel_cache", "entry_timeout=2")));
		assertEquals("mapfs:test", x.source());
		assertEquals(List.of("max_read=65536", "allow_other", "default_permissions"),
				List.of(x.driverOptions().split(",")));
		assertEquals(DevFuse.MS_NODEV | DevFuse.MS_NOEXEC, x.flags(), "suid given: no nosuid; noexec added");
		assertEquals(new MapFsFuse.Settings(2, 5, 60, FuseKernel.MAX_DATA), x.settings());
		IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
				() -> FuseFrontEnd.mounting(m, FuseFrontEnd.Options.defaults().withExtra(List.of("bogus=1"))));
		assertTrue(bad.getMessage().contains("bogus=1"), bad.getMessage());
		assertThrows(IllegalArgumentException.class, () -> FuseFrontEnd.mounting(m,
				FuseFrontEnd.Options.defaults().withExtra(List.of("attr_timeout=soon"))));
	}

	static void dump(Map<String, String> m) {
		for (Entry<String, String> e : m.entrySet()) {
			System.out.println(e.getKey() + "=" + e.getValue());
		}
	}
}
