package org.mapfs.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.core.Tree.p;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

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
import org.mapfs.api.OpenFlag;
import org.mapfs.api.RenameMode;

/**
 * The lookup cache ({@link NodeCache}) never shows a stale view: every path is looked up first, so that it is
 * cached, then changed through the mount, and must show the change at once.
 */
class LookupCacheTest {
	@TempDir
	Path tmp;
	Fixture fx;
	Mount mount;

	@BeforeEach
	void setUp() throws IOException {
		fx = new Fixture(tmp);
		Path repo = fx.lower("/");
		Files.createDirectories(repo.resolve("usr/bin"));
		Files.writeString(repo.resolve("usr/bin/tool"), "tool\n");
		Files.createDirectories(repo.resolve("etc/ssh"));
		Files.writeString(repo.resolve("etc/ssh/config"), "config\n");
		Files.writeString(repo.resolve("etc/hosts"), "hosts\n");
		mount = fx.mount();
	}

	@AfterEach
	void repositoryUnchanged() throws IOException {
		fx.assertRepositoryUnchanged();
	}

	private Errno errnoOf(String path) {
		return assertThrows(FsException.class, () -> mount.stat(p(path))).errno();
	}

	private List<String> names(String dir) throws FsException {
		return mount.list(p(dir)).stream().map(DirEntry::name).sorted().toList();
	}

	@Test
	void writesAndAttributeChangesShowAtOnce() throws IOException {
		assertEquals(6, mount.stat(p("etc/hosts")).size());
		long ino = mount.stat(p("etc/hosts")).ino();
		try (FileHandle h = mount.open(p("etc/hosts"), Set.of(OpenFlag.READ, OpenFlag.WRITE))) {
			h.write(ByteBuffer.wrap("more\n".getBytes(UTF_8)), 6);
			assertEquals(11, mount.stat(p("etc/hosts")).size(), "a write through a handle, no namespace change");
		}
		mount.setattr(p("etc/hosts"), AttributeChange.mode(0600));
		assertEquals(0600, mount.stat(p("etc/hosts")).mode() & 07777);
		mount.setattr(p("etc/ssh/config"), AttributeChange.times(1_000_000_000L, 2_000_000_000L));
		assertEquals(2_000_000_000L, mount.stat(p("etc/ssh/config")).mtimeNs(), "metadata-only copy-up");
		assertEquals(7, mount.stat(p("etc/ssh/config")).size(), "its data still the repository's");
		assertEquals(ino, mount.stat(p("etc/hosts")).ino());
		// a change of the folder's times by another name of the same directory
		mount.setattr(p("etc/ssh"), AttributeChange.times(3_000_000_000L, 3_000_000_000L));
		assertEquals(3_000_000_000L, mount.stat(p("etc/ssh")).mtimeNs());
	}

	@Test
	void removalsAndCreationsShowAtOnce() throws IOException {
		mount.stat(p("etc/ssh/config"));
		mount.unlink(p("etc/ssh/config"));
		assertEquals(Errno.ENOENT, errnoOf("etc/ssh/config"));
		mount.rmdir(p("etc/ssh"));
		assertEquals(Errno.ENOENT, errnoOf("etc/ssh"));
		assertEquals(Errno.ENOENT, errnoOf("etc/ssh/config"));
		mount.mkdir(p("etc/ssh"), 0700, Caller.PROCESS);
		assertEquals(0700, mount.stat(p("etc/ssh")).mode() & 07777);
		assertEquals(List.of(), names("etc/ssh"), "recreated over a whiteout: opaque");
		assertEquals(Errno.ENOENT, errnoOf("etc/ssh/config"));
		mount.create(p("etc/ssh/config"), 0640, Caller.PROCESS, true).close();
		assertEquals(0, mount.stat(p("etc/ssh/config")).size());
		// a file replaced by a directory and the other way round
		mount.unlink(p("etc/hosts"));
		mount.mkdir(p("etc/hosts"), 0755, Caller.PROCESS);
		assertTrue(mount.stat(p("etc/hosts")).isDirectory());
		mount.rmdir(p("etc/hosts"));
		mount.symlink(p("etc/hosts"), "ssh", Caller.PROCESS);
		assertEquals("ssh", mount.readlink(p("etc/hosts")));
		assertEquals(Errno.ENOTDIR, errnoOf("etc/hosts/config"), "a symlink is not followed");
	}

	@Test
	void renamingADirectoryMovesItsCachedChildren() throws IOException {
		long ino = mount.stat(p("usr/bin/tool")).ino();
		mount.rename(p("usr"), p("usr2"), RenameMode.REPLACE);
		assertEquals(Errno.ENOENT, errnoOf("usr/bin/tool"));
		assertEquals(Errno.ENOENT, errnoOf("usr"));
		assertEquals(ino, mount.stat(p("usr2/bin/tool")).ino());
		// a new directory under the old name does not merge with the moved repository directory
		mount.mkdir(p("usr"), 0755, Caller.PROCESS);
		assertEquals(List.of(), names("usr"));
		assertEquals(Errno.ENOENT, errnoOf("usr/bin"));
		// renamed over an empty directory whose path was looked up
		mount.mkdir(p("opt"), 0755, Caller.PROCESS);
		mount.stat(p("opt"));
		mount.rename(p("usr2/bin"), p("opt"), RenameMode.REPLACE);
		assertEquals(ino, mount.stat(p("opt/tool")).ino());
		assertEquals(Errno.ENOENT, errnoOf("usr2/bin/tool"));
		// a file renamed over another, both looked up
		long hosts = mount.stat(p("etc/hosts")).ino();
		mount.stat(p("etc/ssh/config"));
		mount.rename(p("etc/hosts"), p("etc/ssh/config"), RenameMode.REPLACE);
		assertEquals(hosts, mount.stat(p("etc/ssh/config")).ino());
		assertEquals(Errno.ENOENT, errnoOf("etc/hosts"));
	}

	@Test
	void hardLinksShowEachOthersChanges() throws IOException {
		mount.stat(p("etc/hosts"));
		mount.link(p("etc/hosts"), p("etc/hosts2"));
		assertEquals(2, mount.stat(p("etc/hosts")).nlink());
		mount.setattr(p("etc/hosts2"), AttributeChange.mode(0604));
		assertEquals(0604, mount.stat(p("etc/hosts")).mode() & 07777);
		mount.unlink(p("etc/hosts2"));
		assertEquals(1, mount.stat(p("etc/hosts")).nlink());
	}
}
