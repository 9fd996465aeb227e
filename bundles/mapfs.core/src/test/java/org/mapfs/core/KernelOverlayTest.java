package org.mapfs.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.api.RenameMode;

/**
 * The classic policy's overlay is kernel overlayfs's format: an upper dir written by MapFS mounts with the kernel's
 * overlayfs and shows the tree MapFS shows; an upper dir written by the kernel mounts with MapFS and shows the
 * kernel's tree. Needs root and overlay support; on CI a missing prerequisite is a failure, not a skip.
 */
class KernelOverlayTest {
	@TempDir
	Path tmp;
	Fixture fx;
	Path repo;
	Path kernelMount;
	boolean mounted;

	@BeforeEach
	void setUp() throws Exception {
		boolean supported = "root".equals(System.getProperty("user.name"))
				&& Files.readString(Path.of("/proc/filesystems")).contains("\toverlay\n");
		if (!supported && "true".equals(System.getenv("CI"))) {
			throw new AssertionError("kernel overlayfs is not available to this user: the compatibility test cannot run");
		}
		Assumptions.assumeTrue(supported, "kernel overlayfs as root");
		fx = new Fixture(tmp);
		repo = fx.lower("/");
		Files.createDirectories(repo.resolve("etc/ssh"));
		Files.writeString(repo.resolve("etc/hosts"), "127.0.0.1 localhost\n");
		Files.writeString(repo.resolve("etc/ssh/sshd_config"), "PermitRootLogin no\n");
		Files.writeString(repo.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
		Files.createDirectories(repo.resolve("etc/passwd.d"));
		Files.writeString(repo.resolve("etc/passwd.d/users"), "alice:x:1000:1000::/home/alice:/bin/sh\n");
		Files.createDirectories(repo.resolve("usr/share/doc"));
		Files.writeString(repo.resolve("usr/share/doc/README"), "docs\n");
		Files.createDirectories(repo.resolve("usr/bin"));
		Files.writeString(repo.resolve("usr/bin/tool"), "#!/bin/sh\n");
		Files.createDirectories(repo.resolve("var/log"));
		Files.writeString(repo.resolve("var/log/old.log"), "old\n");
		kernelMount = Files.createDirectories(tmp.resolve("kernel"));
	}

	@AfterEach
	void tearDown() throws Exception {
		if (mounted) {
			run("umount", kernelMount.toString());
		}
		if (fx != null) {
			fx.assertRepositoryUnchanged();
		}
	}

	private void kernelMount() throws Exception {
		run("mount", "-t", "overlay", "overlay", "-o", "lowerdir=" + repo + ",upperdir=" + fx.upper + ",workdir="
				+ fx.work + ",redirect_dir=on,metacopy=on", kernelMount.toString());
		mounted = true;
	}

	private static void run(String... cmd) throws Exception {
		Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes(), UTF_8);
		assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
	}

	private static void write(Mount mount, String path, String content) throws IOException {
		try (FileHandle h = mount.create(FsPath.of(path), 0640, Caller.PROCESS, false)) {
			h.truncate(0);
			h.write(ByteBuffer.wrap(content.getBytes(UTF_8)), 0);
		}
	}

	@Test
	void theKernelShowsWhatMapFsWrote() throws Exception {
		Mount mount = fx.mount();
		write(mount, "etc/hosts", "10.0.0.1 db\n");
		mount.unlink(FsPath.of("etc/passwd"));
		mount.unlink(FsPath.of("etc/ssh/sshd_config"));
		mount.rmdir(FsPath.of("etc/ssh"));
		mount.mkdir(FsPath.of("etc/ssh"), 0700, Caller.PROCESS);
		write(mount, "etc/ssh/new_config", "new\n");
		mount.rename(FsPath.of("var/log/old.log"), FsPath.of("var/log/old.log.1"), RenameMode.REPLACE);
		mount.symlink(FsPath.of("etc/link"), "hosts", Caller.PROCESS);
		mount.setattr(FsPath.of("var/log"), AttributeChange.mode(0750));
		// a metadata-only copy and a renamed repository directory (redirect)
		mount.setattr(FsPath.of("etc/passwd.d/users"), AttributeChange.mode(0600));
		mount.rename(FsPath.of("usr"), FsPath.of("usr2"), RenameMode.REPLACE);
		mount.mkdir(FsPath.of("srv"), 0755, Caller.PROCESS);
		mount.rename(FsPath.of("usr2/share"), FsPath.of("srv/share"), RenameMode.REPLACE);
		var expected = Tree.withoutDirectoryLinks(Tree.of(mount));
		kernelMount();
		assertEquals(expected, Tree.withoutDirectoryLinks(Tree.of(kernelMount, false)));
		assertTrue(expected.containsKey("etc/ssh/new_config") && !expected.containsKey("etc/ssh/sshd_config"));
		assertTrue(expected.containsKey("srv/share/doc/README") && !expected.containsKey("usr"));
	}

	@Test
	void mapFsShowsWhatTheKernelWrote() throws Exception {
		fx.mount(); // takes the repository checksum
		kernelMount();
		Files.writeString(kernelMount.resolve("etc/hosts"), "10.0.0.1 db\n");
		Files.delete(kernelMount.resolve("etc/passwd"));
		Files.delete(kernelMount.resolve("etc/ssh/sshd_config"));
		Files.delete(kernelMount.resolve("etc/ssh"));
		Files.createDirectory(kernelMount.resolve("etc/ssh"));
		Files.writeString(kernelMount.resolve("etc/ssh/new_config"), "new\n");
		Files.move(kernelMount.resolve("var/log/old.log"), kernelMount.resolve("var/log/old.log.1"));
		Files.createSymbolicLink(kernelMount.resolve("etc/link"), Path.of("hosts"));
		Files.setPosixFilePermissions(kernelMount.resolve("etc/passwd.d/users"),
				java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
		Files.move(kernelMount.resolve("usr"), kernelMount.resolve("usr2"));
		Files.createDirectory(kernelMount.resolve("srv"));
		Files.move(kernelMount.resolve("usr2/share"), kernelMount.resolve("srv/share"));
		var expected = Tree.withoutDirectoryLinks(Tree.of(kernelMount, false));
		run("umount", kernelMount.toString());
		mounted = false;
		assertTrue(Files.size(fx.upper.resolve("etc/passwd.d/users")) > 0
				&& Files.readAllBytes(fx.upper.resolve("etc/passwd.d/users"))[0] == 0, "the kernel made a metacopy");
		Mount mount = fx.remount();
		assertEquals(expected, Tree.withoutDirectoryLinks(Tree.of(mount)));
		assertTrue(expected.containsKey("srv/share/doc/README") && !expected.containsKey("usr"));
		assertEquals(List.of("new_config"), mount.list(FsPath.of("etc/ssh")).stream().map(e -> e.name()).toList());
		try (FileHandle h = mount.open(FsPath.of("etc/hosts"), Set.of(OpenFlag.READ))) {
			assertEquals(12, h.size());
		}
	}
}
