package org.mapfs.frontend.fuse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mapfs.frontend.fuse.FuseFrontEnd;
import org.mapfs.frontend.fuse.FuseTests;

/**
 * {@code ./mapfs mount}: the script starts MountCommand in the background and returns once the mount is ready;
 * {@code umount MNT} makes the process exit; a process killed with SIGKILL leaves no mount behind (auto_unmount)
 * or, without that helper, a stale mount point that the next mount clears.
 */
class MountCommandTest {
	static final Path SCRIPT = Path.of("../../mapfs").toAbsolutePath().normalize();

	Path base;
	Path lower1;
	Path lower2;
	Path mnt;
	Map<String, String> repoBefore;

	@BeforeEach
	void setUp() throws IOException {
		base = Files.createTempDirectory("mapfs-mount");
		lower1 = Files.createDirectories(base.resolve("l1"));
		lower2 = Files.createDirectories(base.resolve("l2"));
		Files.writeString(lower1.resolve("top"), "top\n");
		Files.writeString(lower1.resolve("both"), "from l1\n");
		Files.writeString(lower2.resolve("both"), "from l2\n");
		Files.writeString(lower2.resolve("bottom"), "bottom\n");
		Files.createDirectories(base.resolve("upper"));
		mnt = Files.createDirectories(base.resolve("mnt with space"));
		repoBefore = FuseTests.checksums(base.resolve("l1"));
		repoBefore.putAll(FuseTests.checksums(base.resolve("l2")));
	}

	@AfterEach
	void tearDown() throws IOException {
		if (base == null) {
			return;
		}
		mountProcess().ifPresent(p -> {
			p.destroy();
			p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
		});
		FuseTests.forceUnmount(mnt);
		assertFalse(FuseTests.inProcMounts(mnt), "a mount is left at " + mnt);
		Map<String, String> after = FuseTests.checksums(base.resolve("l1"));
		after.putAll(FuseTests.checksums(base.resolve("l2")));
		assertEquals(repoBefore, after, "the lower folders changed");
		FuseTests.deleteTree(base);
	}

	String options(String... extra) {
		String o = "lowerdir=" + lower1 + ":" + lower2 + ",upperdir=" + base.resolve("upper") + ",workdir="
				+ base.resolve("work");
		return extra.length == 0 ? o : o + "," + String.join(",", extra);
	}

	FuseTests.Result mapfsMount(String options) {
		return FuseTests.run(List.of(SCRIPT.toString(), "mount", "-o", options, mnt.toString()), null,
				Map.of("MAPFS_MOUNT_LOG", base.resolve("mount.log").toString()));
	}

	/** The MountCommand process serving {@link #mnt}. */
	Optional<ProcessHandle> mountProcess() {
		String m = mnt.toString();
		return ProcessHandle.allProcesses().filter(p -> p.info().arguments().map(a -> List.of(a).contains(m)
				&& List.of(a).contains("org.mapfs.frontend.fuse.cli.MountCommand")).orElse(false)).findFirst();
	}

	@Test
	void mountsInTheBackgroundAndExitsOnUmount() throws Exception {
		FuseTests.requireFuse();
		long t0 = System.nanoTime();
		mapfsMount(options()).ok();
		long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
		assertTrue(ms < 10_000, "ready after " + ms + " ms");
		assertTrue(FuseTests.inProcMounts(mnt), "mounted when the script returns");
		ProcessHandle p = mountProcess().orElseThrow();
		Map<String, String> v = FuseTests.sh(mnt, """
				echo "top=$(cat top)"
				echo "both=$(cat both)"
				echo "bottom=$(cat bottom)"
				echo new > new
				rm bottom
				echo "ls=$(ls | tr '\\n' ' ')"
				""").ok().values();
		assertEquals("top", v.get("top"));
		assertEquals("from l1", v.get("both"), "the first lowerdir is the top one");
		assertEquals("bottom", v.get("bottom"));
		assertEquals("both new top ", v.get("ls"));
		assertEquals("new\n", Files.readString(base.resolve("upper/new")));

		FuseTests.run(List.of("umount", mnt.toString()), null).ok();
		assertTrue(p.onExit().orTimeout(10, TimeUnit.SECONDS).handle((x, e) -> e == null).join(),
				"the process exits after umount");
		assertFalse(FuseTests.inProcMounts(mnt));
	}

	@Test
	void sigtermUnmounts() throws Exception {
		FuseTests.requireFuse();
		mapfsMount("lowerdir=" + lower1).ok();
		ProcessHandle p = mountProcess().orElseThrow();
		assertEquals("30", FuseTests.python(mnt, """
				import os
				try:
				    open("x", "w"); print(0)
				except OSError as e:
				    print(e.errno)
				""").ok().out().trim(), "lowerdir alone is read-only: EROFS");
		p.destroy();
		assertTrue(p.onExit().orTimeout(10, TimeUnit.SECONDS).handle((x, e) -> e == null).join(), "exited");
		assertFalse(FuseTests.inProcMounts(mnt), "unmounted on SIGTERM");
	}

	@Test
	void sigkillLeavesNoMountWithAutoUnmount() throws Exception {
		FuseTests.requireFuse();
		mapfsMount(options()).ok();
		mountProcess().orElseThrow().destroyForcibly();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (FuseTests.inProcMounts(mnt) && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertFalse(FuseTests.inProcMounts(mnt), "the fusermount helper unmounted it");
		mapfsMount(options()).ok();
		assertEquals("top\n", Files.readString(mnt.resolve("top")));
	}

	@Test
	void aStaleMountPointIsClearedAtTheNextMount() throws Exception {
		FuseTests.requireFuse();
		mapfsMount(options("noauto_unmount")).ok();
		ProcessHandle p = mountProcess().orElseThrow();
		p.destroyForcibly();
		p.onExit().get(10, TimeUnit.SECONDS);
		assertTrue(FuseFrontEnd.isStale(mnt), "ENOTCONN after SIGKILL");
		assertTrue(FuseTests.inProcMounts(mnt));

		mapfsMount(options("noauto_unmount")).ok();
		assertFalse(FuseFrontEnd.isStale(mnt));
		assertEquals("from l1\n", Files.readString(mnt.resolve("both")));
		FuseTests.run(List.of("fusermount", "-u", mnt.toString()), null).ok();
		mountProcess().ifPresent(h -> h.onExit().orTimeout(10, TimeUnit.SECONDS).join());
		assertFalse(FuseTests.inProcMounts(mnt));
	}

	@Test
	void aFailedMountReportsItsReason() {
		FuseTests.Result r = mapfsMount("lowerdir=" + base.resolve("missing"));
		assertEquals(1, r.rc(), r.out() + r.err());
		assertTrue(r.err().contains("is not a directory"), r.err());
		assertFalse(mountProcess().isPresent());
	}

	// ------------------------------------------------------------------------------------- the option syntax

	@Test
	void parsesTheOptionsOfOverlayfs() throws Exception {
		MountCommand.Args a = MountCommand.parse(new String[] { "-o", options("allow_other", "metacopy=off",
				"index=on", "attr_timeout=3", "volatile"), "-o", "default_permissions", mnt.toString() });
		assertEquals(List.of(lower1, lower2), a.lower());
		assertEquals(base.resolve("upper"), a.upper());
		assertEquals(base.resolve("work"), a.work());
		assertEquals(mnt, a.mountPoint());
		assertTrue(a.allowOther());
		assertTrue(a.autoUnmount());
		assertFalse(a.foreground());
		assertEquals(Map.of("metacopy", "false", "volatile", "true"), a.policyOptions());
		assertEquals(List.of("attr_timeout=3"), a.fuseOptions());
		assertEquals(List.of("index=on"), a.ignored());

		MountCommand.Args ro = MountCommand.parse(new String[] { "-f", "-olowerdir=" + lower1, mnt.toString() });
		assertTrue(ro.foreground());
		assertNull(ro.upper());
		assertEquals(List.of(lower1), ro.lower());
	}

	@Test
	void escapesInPaths() {
		assertEquals(List.of("a:b", "c"), MountCommand.split("a\\:b:c", ':', true));
		assertEquals(List.of("lowerdir=a\\:b", "upperdir=x,y"), MountCommand.split("lowerdir=a\\:b,upperdir=x\\,y",
				','));
	}

	@Test
	void refusesIncompleteOptions() {
		String m = mnt.toString();
		assertThrows(MountCommand.UsageException.class, () -> MountCommand.parse(new String[] { m }));
		assertThrows(MountCommand.UsageException.class,
				() -> MountCommand.parse(new String[] { "-o", "upperdir=" + base + ",workdir=/w", m }));
		assertThrows(MountCommand.UsageException.class,
				() -> MountCommand.parse(new String[] { "-o", "lowerdir=" + lower1 + ",upperdir=" + base, m }));
		assertThrows(MountCommand.UsageException.class,
				() -> MountCommand.parse(new String[] { "-o", "lowerdir=" + lower1 }));
		assertThrows(MountCommand.UsageException.class,
				() -> MountCommand.parse(new String[] { "-o", "lowerdir=" + lower1 + ",metacopy=maybe", m }));
	}
}
