package org.mapfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mapfs.core.Tree.p;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;

/**
 * Entries made through the mount in a setgid directory take its group, and directories its setgid bit, as
 * Linux's mkdir, open, mknod and symlink give them; whether the directory is still in the repository, copied up,
 * made through the mount, or the entry replaces a deleted repository entry (built in the work area).
 */
class SetgidTest {
	private static final Caller USER = new Caller(1000, 1000);
	private static final int GROUP = 100;

	@TempDir
	Path tmp;
	private Fixture fx;
	private Mount mount;

	@BeforeEach
	void setUp() throws IOException {
		fx = new Fixture(tmp);
		Path repo = fx.lower("/");
		Path shared = Files.createDirectories(repo.resolve("shared/gone"));
		Files.createDirectories(repo.resolve("plain"));
		Files.setAttribute(repo.resolve("shared"), "unix:gid", GROUP, LinkOption.NOFOLLOW_LINKS);
		Files.setAttribute(repo.resolve("shared"), "unix:mode", 02775, LinkOption.NOFOLLOW_LINKS);
		Files.writeString(shared.getParent().resolve("file"), "x");
		mount = fx.mount();
	}

	@AfterEach
	void close() throws IOException {
		fx.assertRepositoryUnchanged();
		fx.close();
	}

	@Test
	void linuxDoesIt() throws IOException {
		Path dir = Files.createDirectory(tmp.resolve("real"));
		Files.setAttribute(dir, "unix:gid", GROUP, LinkOption.NOFOLLOW_LINKS);
		Files.setAttribute(dir, "unix:mode", 02775, LinkOption.NOFOLLOW_LINKS);
		Path sub = Files.createDirectory(dir.resolve("sub"));
		assertEquals(GROUP, Files.getAttribute(sub, "unix:gid"));
		assertEquals(02000, (Integer) Files.getAttribute(sub, "unix:mode") & 02000);
		assertEquals(GROUP, Files.getAttribute(Files.createFile(dir.resolve("f")), "unix:gid"));
	}

	@Test
	void aNewDirectoryTakesTheGroupAndTheSetgidBit() throws IOException {
		mount.mkdir(p("shared/sub"), 0755, USER);
		assertOwner("shared/sub", 1000, GROUP, 02755);
		// and passes them on: the new directory is setgid too
		mount.mkdir(p("shared/sub/deeper"), 0750, USER);
		assertOwner("shared/sub/deeper", 1000, GROUP, 02750);
	}

	@Test
	void newFilesTakeTheGroupOnly() throws IOException {
		mount.create(p("shared/new"), 0644, USER, true).close();
		assertOwner("shared/new", 1000, GROUP, 0644);
		mount.mknod(p("shared/fifo"), FileType.FIFO, 0600, 0, USER);
		assertOwner("shared/fifo", 1000, GROUP, 0600);
		mount.symlink(p("shared/link"), "file", USER);
		assertEquals(GROUP, mount.stat(p("shared/link")).gid());
		mount.copy(p("shared/file"), p("shared/copy"), false, USER);
		assertOwner("shared/copy", 1000, GROUP, 0644);
	}

	@Test
	void theProcessItselfGetsTheGroupToo() throws IOException {
		mount.mkdir(p("shared/mine"), 0755, Caller.PROCESS);
		assertOwner("shared/mine", 0, GROUP, 02755);
	}

	@Test
	void anEntryReplacingADeletedOneIsBuiltInTheWorkAreaYetInherits() throws IOException {
		mount.rmdir(p("shared/gone"));
		mount.mkdir(p("shared/gone"), 0755, Caller.PROCESS);
		assertOwner("shared/gone", 0, GROUP, 02755);
		mount.unlink(p("shared/file"));
		mount.create(p("shared/file"), 0640, USER, true).close();
		assertOwner("shared/file", 1000, GROUP, 0640);
	}

	@Test
	void aDirectoryMadeSetgidThroughTheMountCountsAtOnce() throws IOException {
		mount.mkdir(p("plain/before"), 0755, USER);
		assertOwner("plain/before", 1000, 1000, 0755);
		mount.setattr(p("plain"), AttributeChange.owner(0, GROUP));
		mount.setattr(p("plain"), AttributeChange.mode(02755));
		mount.mkdir(p("plain/after"), 0755, USER);
		assertOwner("plain/after", 1000, GROUP, 02755);
	}

	private void assertOwner(String path, int uid, int gid, int mode) throws FsException {
		FileAttributes a = mount.stat(p(path));
		assertEquals(uid + ":" + gid + " " + Integer.toOctalString(mode),
				a.uid() + ":" + a.gid() + " " + Integer.toOctalString(a.mode()), path);
	}

}
