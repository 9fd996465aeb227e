package org.mapfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.core.Tree.p;
import static org.mapfs.core.Tree.text;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.DirEntry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.RenameMode;
import org.mapfs.api.XattrMode;
import org.mapfs.api.admin.Change;
import org.mapfs.api.store.WritableStore;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/**
 * The classic policy's OCI format (whiteouts and opaque marks as {@code .wh.} names), for overlays on stores
 * without character devices or extended attributes: what it writes, what the mount shows, and that the policy
 * picks it by itself for such a store.
 */
class OciWhiteoutsTest {
	@TempDir
	Path tmp;
	private Fixture fx;
	private Path repo;

	@BeforeEach
	void setUp() throws IOException {
		fx = new Fixture(tmp);
		repo = fx.etcRepository();
		fx.policyOptions = Map.of("format", "oci");
	}

	@AfterEach
	void tearDown() throws IOException {
		fx.assertRepositoryUnchanged();
		fx.close();
	}

	@Test
	void aDeletedRepositoryFileIsAWhiteoutName() throws IOException {
		Mount mount = fx.mount();
		mount.unlink(p("/etc/hosts"));
		assertTrue(Files.isRegularFile(fx.upper.resolve("etc/.wh.hosts")), "the whiteout is a .wh. file");
		assertFalse(Files.exists(fx.upper.resolve("etc/hosts"), LinkOption.NOFOLLOW_LINKS));
		assertEquals(List.of("ssh"), names(mount, "/etc"));
		assertEquals(Errno.ENOENT, errno(() -> mount.stat(p("/etc/hosts"))));
		assertEquals(List.of("ssh"), names(fx.remount(), "/etc"), "after a remount");
	}

	@Test
	void aNameMadeAgainDropsItsWhiteout() throws IOException {
		Mount mount = fx.mount();
		mount.unlink(p("/etc/hosts"));
		try (FileHandle h = mount.create(p("/etc/hosts"), 0644, Caller.PROCESS, true)) {
			h.write(java.nio.ByteBuffer.wrap("new\n".getBytes(StandardCharsets.UTF_8)), 0);
		}
		assertFalse(Files.exists(fx.upper.resolve("etc/.wh.hosts")), "the whiteout went");
		assertEquals("new\n", text(fx.remount(), "/etc/hosts"));
	}

	@Test
	void aDirectoryRemovedAndMadeAgainIsOpaque() throws IOException {
		Mount mount = fx.mount();
		mount.unlink(p("/etc/ssh/sshd_config"));
		mount.rmdir(p("/etc/ssh"));
		mount.mkdir(p("/etc/ssh"), 0755, Caller.PROCESS);
		assertTrue(Files.isRegularFile(fx.upper.resolve("etc/ssh/.wh..wh..opq")), "the opaque mark is a name");
		assertFalse(Files.exists(fx.upper.resolve("etc/.wh.ssh")), "the directory's whiteout went");
		assertEquals(List.of(), names(mount, "/etc/ssh"));
		assertEquals(List.of(), names(fx.remount(), "/etc/ssh"), "after a remount");
	}

	@Test
	void renamingARepositoryFileLeavesAWhiteoutName() throws IOException {
		Mount mount = fx.mount();
		mount.rename(p("/etc/hosts"), p("/etc/hosts.old"), RenameMode.REPLACE);
		assertTrue(Files.isRegularFile(fx.upper.resolve("etc/.wh.hosts")));
		assertEquals(List.of("hosts.old", "ssh"), names(fx.remount(), "/etc"));
		// and back over the whiteout: the name shows, its whiteout goes
		mount.rename(p("/etc/hosts.old"), p("/etc/hosts"), RenameMode.REPLACE);
		assertFalse(Files.exists(fx.upper.resolve("etc/.wh.hosts")));
		assertEquals("127.0.0.1 localhost\n", text(fx.remount(), "/etc/hosts"));
	}

	@Test
	void aRepositoryDirectoryCannotBeRenamed() throws IOException {
		Mount mount = fx.mount();
		assertEquals(Errno.EXDEV, errno(() -> mount.rename(p("/etc/ssh"), p("/etc/ssh2"), RenameMode.REPLACE)));
		assertEquals(List.of("hosts", "ssh"), names(mount, "/etc"), "nothing changed");
		// a directory of the overlay's own moves as usual
		mount.mkdir(p("/new"), 0755, Caller.PROCESS);
		mount.rename(p("/new"), p("/newer"), RenameMode.REPLACE);
		assertTrue(Files.isDirectory(fx.upper.resolve("newer")));
	}

	@Test
	void clientsCannotMakeWhiteoutNames() throws IOException {
		Mount mount = fx.mount();
		assertEquals(Errno.EINVAL, errno(() -> mount.create(p("/etc/.wh.hosts"), 0644, Caller.PROCESS, true)));
		assertEquals(Errno.EINVAL, errno(() -> mount.mkdir(p("/.wh..wh..opq"), 0755, Caller.PROCESS)));
		assertEquals(Errno.EINVAL, errno(() -> mount.rename(p("/etc/hosts"), p("/etc/.wh.x"), RenameMode.REPLACE)));
		assertEquals(List.of("hosts", "ssh"), names(mount, "/etc"));
	}

	@Test
	void theDiffShowsTheDeletion() throws IOException {
		UnionMount mount = (UnionMount) fx.mount();
		mount.unlink(p("/etc/hosts"));
		assertEquals(List.of(new Change(p("/etc/hosts"), Change.Kind.DELETED, null)), mount.diff(FsPath.ROOT));
	}

	/**
	 * With no format given, an overlay store that refuses extended attributes gets the OCI format; one that takes
	 * them, overlayfs's.
	 */
	@Test
	void thePolicyPicksTheFormatTheStoreSupports() throws IOException {
		fx.policyOptions = Map.of();
		Mount plain = fx.mount();
		plain.unlink(p("/etc/hosts"));
		assertTrue(Files.exists(fx.upper.resolve("etc/hosts"), LinkOption.NOFOLLOW_LINKS), "a character device");

		WritableStore noXattrs = withoutXattrs(LocalStore.open("upper2",
				Files.createDirectories(tmp.resolve("upper2")), Files.createDirectories(tmp.resolve("work2")), false));
		Mount mount = MountBuilder.named("oci").overlay(noXattrs, FsPath.ROOT)
				.layer(LocalStore.open("repo", repo, null, true), FsPath.ROOT, FsPath.ROOT)
				.policy(new ClassicPolicy(), Map.of()).build();
		mount.unlink(p("/etc/hosts"));
		assertTrue(Files.isRegularFile(tmp.resolve("upper2/etc/.wh.hosts")));
		assertEquals(List.of("ssh"), names(mount, "/etc"));
		// an attribute is refused before anything is copied up
		assertEquals(Errno.ENOTSUP, errno(() -> mount.setxattr(p("/etc/ssh/sshd_config"), "user.k", new byte[1],
				XattrMode.SET)));
		assertFalse(Files.exists(tmp.resolve("upper2/etc/ssh")), "a copy-up for a refused attribute");
		// chmod copies the whole file: a metadata-only copy would need an attribute
		mount.setattr(p("/etc/ssh/sshd_config"), AttributeChange.mode(0600));
		assertEquals("PermitRootLogin no\n", Files.readString(tmp.resolve("upper2/etc/ssh/sshd_config")));
		try (Stream<Path> work = Files.list(tmp.resolve("work2"))) {
			assertEquals(List.of(), work.filter(w -> w.getFileName().toString().startsWith(".mapfs-probe")).toList(),
					"the probes are gone");
		}
	}

	/** A store that has no extended attributes, as an NFSv3 export. */
	private static WritableStore withoutXattrs(WritableStore store) {
		return (WritableStore) Proxy.newProxyInstance(OciWhiteoutsTest.class.getClassLoader(),
				new Class<?>[] { WritableStore.class }, (proxy, method, args) -> {
					switch (method.getName()) {
					case "setxattr", "removexattr" -> throw new FsException(Errno.ENOTSUP, (FsPath) args[0]);
					case "work" -> {
						return withoutXattrs(store.work());
					}
					default -> {
						try {
							return method.invoke(store, args);
						} catch (InvocationTargetException e) {
							throw e.getCause();
						}
					}
					}
				});
	}

	private static List<String> names(Mount mount, String dir) throws FsException {
		return mount.list(p(dir)).stream().map(DirEntry::name).sorted().toList();
	}

	private interface Call {
		void run() throws Exception;
	}

	private static Errno errno(Call call) {
		FsException e = assertThrows(FsException.class, call::run);
		return e.errno();
	}
}
