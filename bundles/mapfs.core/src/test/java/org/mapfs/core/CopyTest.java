package org.mapfs.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.core.Tree.p;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.api.XattrMode;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/**
 * Mount.copy done by the engine: a new file in the overlay, built from the source's data where it lives, with the
 * default's results and errors (permission bits only, owner the caller, times of now, no extended attributes).
 */
class CopyTest {
	@TempDir
	Path tmp;
	Fixture fx;
	Path repo;
	Mount mount;

	@BeforeEach
	void setUp() throws IOException {
		fx = new Fixture(tmp);
		repo = fx.etcRepository();
		Files.setAttribute(repo.resolve("etc/hosts"), "unix:mode", 0640);
		Files.setAttribute(repo.resolve("etc/hosts"), "unix:uid", 1000);
		Files.getFileAttributeView(repo.resolve("etc/hosts"), UserDefinedFileAttributeView.class).write("color", ByteBuffer.wrap("blue".getBytes(UTF_8)));
		Files.writeString(repo.resolve("tool"), "#!/bin/sh\n");
		Files.setAttribute(repo.resolve("tool"), "unix:mode", 04755);
		Files.createSymbolicLink(repo.resolve("link"), Path.of("etc/hosts"));
		Files.createDirectories(repo.resolve("empty"));
		mount = fx.mount();
	}

	@AfterEach
	void repositoryUnchanged() throws IOException {
		fx.assertRepositoryUnchanged();
	}

	private String read(String path) throws FsException {
		return Tree.text(mount, path);
	}

	private Errno fails(String from, String to, boolean replace) {
		return assertThrows(FsException.class, () -> mount.copy(p(from), p(to), replace, Caller.PROCESS)).errno();
	}

	/** The work area holds nothing after a copy: the copy was published. */
	private void workAreaEmpty() throws IOException {
		try (Stream<Path> s = Files.list(fx.work)) {
			assertEquals(List.of(), s.filter(f -> !f.getFileName().toString().equals(Index.DIR)).toList());
		}
	}

	@Test
	void copiesARepositoryFileIntoAMergedAndANewDirectory() throws IOException {
		long before = System.currentTimeMillis() * 1_000_000 - 1_000_000_000L;
		FileAttributes source = mount.stat(p("etc/hosts"));
		mount.copy(p("etc/hosts"), p("etc/ssh/hosts"), false, Caller.PROCESS);
		mount.mkdir(p("new"), 0755, Caller.PROCESS);
		mount.copy(p("etc/hosts"), p("new/hosts"), false, new Caller(1234, 5678));
		for (String copy : List.of("etc/ssh/hosts", "new/hosts")) {
			FileAttributes a = mount.stat(p(copy));
			assertEquals("127.0.0.1 localhost\n", read(copy));
			assertEquals(0640, a.mode(), copy);
			assertNotEquals(source.ino(), a.ino(), "a new file, not a link");
			assertEquals(1, a.nlink());
			assertTrue(a.mtimeNs() > before, "times of now");
			assertEquals(List.of(), mount.listxattr(p(copy)), "no extended attributes");
		}
		assertEquals(0, mount.stat(p("etc/ssh/hosts")).uid(), "owned by the caller: the process");
		assertEquals(1234, mount.stat(p("new/hosts")).uid());
		assertEquals(5678, mount.stat(p("new/hosts")).gid());
		assertEquals(1, source.nlink());
		assertEquals(1, mount.stat(p("etc/hosts")).nlink());
		assertTrue(Files.isRegularFile(fx.upper.resolve("new/hosts")));
		assertTrue(!Files.exists(fx.upper.resolve("etc/hosts")), "the source is not copied up");
		workAreaEmpty();
	}

	@Test
	void copiesAnOverlayFileAndAFileOpenForWriting() throws IOException {
		try (FileHandle h = mount.open(p("etc/hosts"), Set.of(OpenFlag.READ, OpenFlag.WRITE))) {
			h.write(ByteBuffer.wrap("10.0.0.1 ".getBytes(UTF_8)), 0);
			mount.copy(p("etc/hosts"), p("hosts.copy"), false, Caller.PROCESS);
			assertEquals("10.0.0.1  localhost\n", read("hosts.copy"));
			h.write(ByteBuffer.wrap("X".getBytes(UTF_8)), 0);
		}
		assertEquals("10.0.0.1  localhost\n", read("hosts.copy"), "a copy, not a link");
		assertEquals("X0.0.0.1  localhost\n", read("etc/hosts"));
		mount.copy(p("hosts.copy"), p("etc/ssh/again"), false, Caller.PROCESS);
		assertEquals("10.0.0.1  localhost\n", read("etc/ssh/again"));
		workAreaEmpty();
	}

	@Test
	void replacesOnlyWhenAsked() throws IOException {
		assertEquals(Errno.EEXIST, fails("etc/hosts", "etc/ssh/sshd_config", false));
		assertEquals("PermitRootLogin no\n", read("etc/ssh/sshd_config"));
		long ino = mount.stat(p("etc/ssh/sshd_config")).ino();
		try (FileHandle old = mount.open(p("etc/ssh/sshd_config"), Set.of(OpenFlag.READ))) {
			mount.copy(p("etc/hosts"), p("etc/ssh/sshd_config"), true, Caller.PROCESS);
			assertEquals(0, old.stat().nlink(), "the replaced file lost its name");
		}
		assertEquals("127.0.0.1 localhost\n", read("etc/ssh/sshd_config"));
		assertNotEquals(ino, mount.stat(p("etc/ssh/sshd_config")).ino());
		assertEquals(0640, mount.stat(p("etc/ssh/sshd_config")).mode());
		// over a symlink: the symlink goes, not its target
		mount.copy(p("etc/ssh/sshd_config"), p("link"), true, Caller.PROCESS);
		assertTrue(mount.stat(p("link")).isRegularFile());
		assertEquals("127.0.0.1 localhost\n", read("etc/hosts"));
		// where a repository file was deleted (a whiteout)
		mount.unlink(p("tool"));
		mount.copy(p("etc/hosts"), p("tool"), false, Caller.PROCESS);
		assertEquals("127.0.0.1 localhost\n", read("tool"));
		workAreaEmpty();
	}

	@Test
	void failsAsTheDefault() throws IOException {
		assertEquals(Errno.ENOENT, fails("missing", "x", false));
		assertEquals(Errno.EISDIR, fails("etc", "x", false));
		assertEquals(Errno.EINVAL, fails("link", "x", false));
		assertEquals(Errno.EEXIST, fails("etc/hosts", "empty", false));
		assertEquals(Errno.EISDIR, fails("etc/hosts", "empty", true));
		assertEquals(Errno.ENOENT, fails("etc/hosts", "nodir/x", false));
		assertEquals(Errno.ENOTDIR, fails("etc/hosts", "tool/x", false));
		// onto itself: nothing changes
		mount.copy(p("etc/hosts"), p("etc/hosts"), true, Caller.PROCESS);
		mount.copy(p("etc/hosts"), p("etc/hosts"), false, Caller.PROCESS);
		assertTrue(!Files.exists(fx.upper.resolve("etc/hosts")));
		Mount readOnly = MountBuilder.named("ro").layer(LocalStore.open("ro", repo, null, true), FsPath.ROOT, FsPath.ROOT)
				.policy(new ClassicPolicy(), Map.of()).build();
		assertEquals(Errno.EROFS,
				assertThrows(FsException.class, () -> readOnly.copy(p("etc/hosts"), p("x"), false, Caller.PROCESS))
						.errno());
	}

	@Test
	void aCallerWithoutPrivilegeLosesSetuidAsWithTheDefault() throws IOException {
		mount.copy(p("tool"), p("tool.root"), false, Caller.PROCESS);
		assertEquals(04755, mount.stat(p("tool.root")).mode());
		mount.copy(p("tool"), p("tool.user"), false, new Caller(1000, 1000));
		assertEquals(0755, mount.stat(p("tool.user")).mode());
		mount.setattr(p("tool"), AttributeChange.mode(04755));
		mount.setxattr(p("tool.root"), "user.k", "v".getBytes(UTF_8), XattrMode.SET);
		mount.copy(p("tool.root"), p("tool.again"), false, Caller.PROCESS);
		assertEquals(List.of(), mount.listxattr(p("tool.again")));
	}
}
