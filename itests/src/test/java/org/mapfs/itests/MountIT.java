package org.mapfs.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mapfs.api.Caller;
import org.mapfs.api.Errno;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.api.admin.MountState;
import org.mapfs.api.admin.Mounts;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** A mount made by Declarative Services from ConfigAdmin configurations, used through its Mount service. */
class MountIT {
	@InjectBundleContext
	BundleContext context;
	@InjectService
	ConfigurationAdmin cm;
	@InjectService
	Mounts mounts;

	Path base;
	Path repo;
	Map<String, String> repoBefore;
	Configuration golden;
	Configuration overlay;
	Configuration mountConfig;

	@BeforeEach
	void setUp() throws IOException {
		base = Files.createTempDirectory("mapfs-it");
		repo = Files.createDirectories(base.resolve("repo/etc"));
		Files.writeString(repo.resolve("hosts"), "127.0.0.1 localhost\n");
		Files.writeString(repo.resolve("motd"), "golden\n");
		Files.createDirectories(base.resolve("upper"));
		repoBefore = checksums(base.resolve("repo"));
		golden = Configs.store(cm, "golden", base.resolve("repo"), null, true);
		overlay = Configs.store(cm, "private", base.resolve("upper"), base.resolve("work"), false);
	}

	@AfterEach
	void tearDown() throws IOException {
		for (Configuration c : new Configuration[] { mountConfig, overlay, golden }) {
			if (c != null) {
				c.delete();
			}
		}
		assertEquals(repoBefore, checksums(base.resolve("repo")), "the repository changed");
	}

	private Mount awaitMount(String name) throws InterruptedException, Exception {
		String filter = "(" + Mount.NAME_PROPERTY + "=" + name + ")";
		for (int i = 0; i < 100; i++) {
			var refs = context.getServiceReferences(Mount.class, filter);
			if (!refs.isEmpty()) {
				ServiceReference<Mount> ref = refs.iterator().next();
				return context.getService(ref);
			}
			Thread.sleep(100);
		}
		return null;
	}

	@Test
	void aConfiguredMountServesTheMergedViewAndCopiesUp() throws Exception {
		mountConfig = Configs.mount(cm, "it", "private", "golden");
		Mount mount = awaitMount("it");
		assertNotNull(mount, "no Mount service for the configuration");
		assertEquals("golden\n", read(mount, "etc/motd"));
		try (FileHandle h = mount.open(FsPath.of("etc/motd"), Set.of(OpenFlag.WRITE, OpenFlag.TRUNCATE))) {
			h.write(ByteBuffer.wrap("private\n".getBytes(UTF_8)), 0);
		}
		assertEquals("private\n", read(mount, "etc/motd"));
		assertEquals("private\n", Files.readString(base.resolve("upper/etc/motd")));
		mount.unlink(FsPath.of("etc/hosts"));
		assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> mount.stat(FsPath.of("etc/hosts"))).errno());
		var whiteout = Files.readAttributes(base.resolve("upper/etc/hosts"), "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
		assertEquals(0020000, (Integer) whiteout.get("mode") & 0170000, "a 0/0 character device whiteout");
		mount.mkdir(FsPath.of("srv"), 0755, Caller.PROCESS);
		assertTrue(Files.isDirectory(base.resolve("upper/srv")));
		// deleting the configuration tears the mount down
		mountConfig.delete();
		mountConfig = null;
		for (int i = 0; i < 50 && !context.getServiceReferences(Mount.class, "(mapfs.mount=it)").isEmpty(); i++) {
			Thread.sleep(100);
		}
		assertTrue(context.getServiceReferences(Mount.class, "(mapfs.mount=it)").isEmpty());
	}

	@Test
	void aFuseMountPointServesTheMountToOtherProcessesAndGoesWithItsConfiguration() throws Exception {
		mountConfig = Configs.mount(cm, "fused", "private", "golden");
		assertNotNull(awaitMount("fused"));
		Path mnt = Files.createDirectories(base.resolve("mnt"));
		Configuration fuse = Configs.fuse(cm, "fused", mnt, Map.of("attrTimeout", 0.0, "entryTimeout", 0.0));
		try {
			assertTrue(Await.within(Await.TIMEOUT, () -> Await.mounted(mnt)), "no FUSE mount at " + mnt + " within 10 s");
			assertEquals("golden\n", shell("cat " + mnt + "/etc/motd"));
			shell("echo private > " + mnt + "/etc/motd && mkdir " + mnt + "/srv && rm " + mnt + "/etc/hosts");
			assertEquals("private\n", Files.readString(base.resolve("upper/etc/motd")));
			assertEquals("etc\nsrv\n", shell("ls " + mnt));
			assertEquals("motd\n", shell("ls " + mnt + "/etc"));
		} finally {
			fuse.delete();
		}
		assertTrue(Await.within(Await.TIMEOUT, () -> !Await.mounted(mnt)), "still mounted at " + mnt + " after its configuration was deleted");
	}

	/** Runs a shell command in another process; its output, or an assertion error with its errors. */
	private static String shell(String command) throws Exception {
		Process p = new ProcessBuilder("sh", "-ec", command).start();
		String out = new String(p.getInputStream().readAllBytes(), UTF_8);
		String err = new String(p.getErrorStream().readAllBytes(), UTF_8);
		assertEquals(0, p.waitFor(), command + ": " + err);
		return out;
	}

	@Test
	void aMountNamingAMissingStoreWaitsForItAndHarmsNothing() throws Exception {
		mountConfig = Configs.mount(cm, "broken", "private", "no-such-store");
		String reason = null;
		for (int i = 0; i < 50 && reason == null; i++) {
			Thread.sleep(100);
			reason = mounts.get("broken").filter(s -> s.state() == MountState.State.WAITING).map(MountState::reason)
					.orElse(null);
		}
		assertNotNull(reason, "the mount waits for its store: " + mounts.get("broken"));
		assertTrue(reason.contains("no-such-store"), reason);
		assertNull(awaitMountBriefly("broken"));
		// the other stores keep working: a good mount next to the broken one comes up
		Configuration good = Configs.mount(cm, "good", "private", "golden");
		try {
			Mount mount = awaitMount("good");
			assertNotNull(mount);
			assertEquals("golden\n", read(mount, "etc/motd"));
		} finally {
			good.delete();
		}
	}

	private Mount awaitMountBriefly(String name) throws Exception {
		var refs = context.getServiceReferences(Mount.class, "(" + Mount.NAME_PROPERTY + "=" + name + ")");
		return refs.isEmpty() ? null : context.getService(refs.iterator().next());
	}

	private static String read(Mount mount, String path) throws FsException {
		try (FileHandle h = mount.open(FsPath.of(path), Set.of(OpenFlag.READ))) {
			ByteBuffer buf = ByteBuffer.allocate((int) h.size());
			h.read(buf, 0);
			return new String(buf.array(), UTF_8);
		}
	}

	private static Map<String, String> checksums(Path root) throws IOException {
		Map<String, String> out = new TreeMap<>();
		try (Stream<Path> walk = Files.walk(root)) {
			for (Path p : (Iterable<Path>) walk::iterator) {
				var a = Files.readAttributes(p, "unix:mode,uid,gid,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
				String content = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? sha256(Files.readAllBytes(p)) : "";
				out.put(root.relativize(p).toString(), a.get("mode") + " " + a.get("uid") + " " + a.get("gid") + " "
						+ a.get("lastModifiedTime") + " " + content);
			}
		}
		return out;
	}

	private static String sha256(byte[] data) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
		} catch (java.security.NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
