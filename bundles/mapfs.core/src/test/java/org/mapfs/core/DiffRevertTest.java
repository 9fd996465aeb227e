package org.mapfs.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.core.Tree.p;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.Errno;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.OpenFlag;
import org.mapfs.api.RenameMode;
import org.mapfs.api.admin.Change;
import org.mapfs.api.admin.Change.Kind;
import org.mapfs.api.admin.MountStats;

/** diff and revert of a mount's overlay against the repository, and the mount's statistics. */
class DiffRevertTest {
	@TempDir
	Path tmp;
	Fixture fx;
	Path repo;
	UnionMount mount;
	Map<String, String> repositoryView;

	@BeforeEach
	void setUp() throws IOException {
		fx = new Fixture(tmp);
		repo = fx.etcRepository();
		Files.writeString(repo.resolve("etc/motd"), "golden\n");
		Files.createDirectories(repo.resolve("srv/www"));
		Files.writeString(repo.resolve("srv/www/index.html"), "<html/>\n");
		mount = (UnionMount) fx.mount();
		repositoryView = Tree.of(mount);
	}

	@AfterEach
	void repositoryUnchanged() throws IOException {
		fx.assertRepositoryUnchanged();
	}

	private static Change change(String path, Kind kind) throws FsException {
		return new Change(p(path), kind, null);
	}

	private void write(String path, String content) throws FsException {
		try (FileHandle h = mount.create(p(path), 0644, Caller.PROCESS, false)) {
			h.truncate(0);
			h.write(ByteBuffer.wrap(content.getBytes(UTF_8)), 0);
		}
	}

	private String read(String path) throws FsException {
		return Tree.text(mount, path);
	}

	@Test
	void anUntouchedMountHasNoChanges() throws FsException {
		read("etc/hosts");
		assertEquals(List.of(), mount.diff(FsPath.ROOT));
	}

	@Test
	void diffListsEachKindOfChangeInPathOrderAndNotTheCopiedUpParents() throws FsException {
		write("etc/ssh/sshd_config", "PermitRootLogin yes\n"); // copies up etc and etc/ssh unchanged
		mount.unlink(p("etc/hosts"));
		mount.setattr(p("etc/motd"), AttributeChange.mode(0600)); // metadata-only copy
		mount.mkdir(p("opt"), 0755, Caller.PROCESS);
		write("opt/tool", "new\n");
		mount.rename(p("srv/www"), p("srv/web"), RenameMode.REPLACE);
		write("srv/web/new.html", "<p/>\n");
		assertEquals(List.of(
				change("etc/hosts", Kind.DELETED),
				change("etc/motd", Kind.METADATA),
				change("etc/ssh/sshd_config", Kind.MODIFIED),
				change("opt", Kind.ADDED),
				change("opt/tool", Kind.ADDED),
				new Change(p("srv/web"), Kind.RENAMED, p("srv/www")),
				change("srv/web/new.html", Kind.ADDED),
				change("srv/www", Kind.DELETED)), mount.diff(FsPath.ROOT));
		assertEquals(List.of(change("etc/ssh/sshd_config", Kind.MODIFIED)), mount.diff(p("etc/ssh")));
		assertEquals(List.of(change("etc/hosts", Kind.DELETED)), mount.diff(p("etc/hosts")));
	}

	@Test
	void aDirectoryWhoseModeChangedIsModifiedAndAnOpaqueOneHidesTheRepository() throws FsException {
		mount.setattr(p("etc/ssh"), AttributeChange.mode(0700));
		mount.unlink(p("srv/www/index.html"));
		mount.rmdir(p("srv/www"));
		mount.mkdir(p("srv/www"), 0755, Caller.PROCESS);
		write("srv/www/other.html", "x\n");
		assertEquals(List.of(
				change("etc/ssh", Kind.MODIFIED),
				change("srv/www", Kind.MODIFIED),
				change("srv/www/other.html", Kind.ADDED)), mount.diff(FsPath.ROOT));
	}

	@Test
	void revertOfAFileShowsTheRepositoryVersionAgainAndTellsListeners() throws Exception {
		write("etc/motd", "private\n");
		List<FsPath> told = new ArrayList<>();
		try (AutoCloseable ignored = mount.onChange(told::add)) {
			assertEquals(List.of(change("etc/motd", Kind.MODIFIED)), mount.revert(p("etc/motd"), false));
		}
		assertEquals("golden\n", read("etc/motd"));
		assertEquals(List.of(p("etc/motd")), told);
		assertEquals(List.of(), mount.diff(FsPath.ROOT));
		assertEquals(repositoryView, Tree.of(mount));
	}

	@Test
	void revertOfAWhiteoutBringsTheDeletedEntryBack() throws FsException {
		mount.unlink(p("etc/hosts"));
		assertEquals(List.of(change("etc/hosts", Kind.DELETED)), mount.revert(p("etc/hosts"), false));
		assertEquals("127.0.0.1 localhost\n", read("etc/hosts"));
	}

	@Test
	void revertOfARenamedDirectoryDropsTheNewNameAndOfTheOldNameBringsItBack() throws FsException {
		mount.rename(p("srv/www"), p("srv/web"), RenameMode.REPLACE);
		assertEquals(List.of(new Change(p("srv/web"), Kind.RENAMED, p("srv/www"))), mount.revert(p("srv/web"), false));
		assertEquals(List.of(change("srv/www", Kind.DELETED)), mount.revert(p("srv/www"), false));
		assertEquals(repositoryView, Tree.of(mount));
	}

	@Test
	void revertOfADirectoryWithChangesBelowNeedsTheRecursiveFlag() throws FsException {
		write("etc/motd", "private\n");
		mount.unlink(p("etc/ssh/sshd_config"));
		write("etc/new", "added\n");
		assertEquals(Errno.ENOTEMPTY, assertThrows(FsException.class, () -> mount.revert(p("etc"), false)).errno());
		assertEquals(3, mount.diff(FsPath.ROOT).size(), "nothing was reverted");
		assertEquals(List.of(change("etc/motd", Kind.MODIFIED), change("etc/new", Kind.ADDED),
				change("etc/ssh/sshd_config", Kind.DELETED)), mount.revert(p("etc"), true));
		assertEquals(repositoryView, Tree.of(mount));
		assertFalse(Files.exists(fx.upper.resolve("etc")), "the overlay's copy of etc is gone");
	}

	@Test
	void revertOfEverythingEmptiesTheOverlay() throws IOException {
		write("etc/motd", "private\n");
		mount.mkdir(p("opt"), 0755, Caller.PROCESS);
		assertEquals(Errno.ENOTEMPTY, assertThrows(FsException.class, () -> mount.revert(FsPath.ROOT, false)).errno());
		assertEquals(2, mount.revert(FsPath.ROOT, true).size());
		assertEquals(repositoryView, Tree.of(mount));
		try (var s = Files.list(fx.upper)) {
			assertEquals(0, s.count());
		}
	}

	@Test
	void anOpenFileKeepsItsPrivateCopyAcrossARevert() throws FsException {
		write("etc/motd", "private\n");
		try (FileHandle h = mount.open(p("etc/motd"), Set.of(OpenFlag.READ, OpenFlag.WRITE))) {
			mount.revert(p("etc/motd"), false);
			assertEquals("golden\n", read("etc/motd"), "a new open sees the repository version");
			ByteBuffer buf = ByteBuffer.allocate(8);
			h.read(buf, 0);
			assertEquals("private\n", new String(buf.array(), UTF_8), "the open handle keeps what it had");
			h.write(ByteBuffer.wrap("P".getBytes(UTF_8)), 0);
		}
		assertEquals("golden\n", read("etc/motd"));
	}

	@Test
	void statsCountCopyUpsWhiteoutsOpenFilesAndOperations() throws FsException {
		long before = mount.statistics().operations();
		write("etc/motd", "private\n");
		mount.unlink(p("etc/hosts"));
		try (FileHandle h = mount.open(p("etc/ssh/sshd_config"), Set.of(OpenFlag.READ))) {
			MountStats s = mount.statistics();
			assertEquals(2, s.copyUps(), "etc, then etc/motd");
			assertEquals("golden\n".length(), s.bytesCopied());
			assertEquals(1, s.whiteouts());
			assertEquals(1, s.openFiles());
			assertTrue(s.operations() - before >= 4, s.toString());
		}
		assertEquals(0, mount.statistics().openFiles());
	}
}
