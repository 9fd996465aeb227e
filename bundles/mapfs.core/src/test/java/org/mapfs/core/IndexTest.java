package org.mapfs.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.core.Tree.p;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.api.Placement;
import org.mapfs.api.RenameMode;
import org.mapfs.api.admin.Change;
import org.mapfs.api.admin.Change.Kind;

/**
 * Hard links of the repository stay one file through the overlay's index: a change through one name shows through
 * every name, the link count follows names that come and go, and the index survives a remount but never shows in
 * the tree, in diff or in the repository.
 */
class IndexTest {
	@TempDir
	Path tmp;
	Fixture fx;
	Path repo;
	Mount mount;

	@BeforeEach
	void setUp() throws IOException {
		fx = new Fixture(tmp);
		repo = fx.lower("/");
		Files.createDirectories(repo.resolve("etc"));
		Files.createDirectories(repo.resolve("usr/bin"));
		Files.writeString(repo.resolve("etc/hard1"), "same inode\n");
		Files.createLink(repo.resolve("etc/hard2"), repo.resolve("etc/hard1"));
		Files.createLink(repo.resolve("usr/bin/hard3"), repo.resolve("etc/hard1"));
		Files.writeString(repo.resolve("etc/single"), "one name\n");
		mount = fx.mount();
	}

	@AfterEach
	void repositoryUnchanged() throws IOException {
		fx.assertRepositoryUnchanged();
	}

	private String read(String path) throws FsException {
		return Tree.text(mount, path);
	}

	private void write(String path, String content) throws FsException {
		try (FileHandle h = mount.open(p(path), Set.of(OpenFlag.WRITE, OpenFlag.TRUNCATE))) {
			h.write(ByteBuffer.wrap(content.getBytes(UTF_8)), 0);
		}
	}

	private long nlink(String path) throws FsException {
		return mount.stat(p(path)).nlink();
	}

	private List<String> index() throws IOException {
		Path dir = fx.work.resolve(Index.DIR);
		if (!Files.exists(dir)) {
			return List.of();
		}
		try (Stream<Path> s = Files.list(dir)) {
			return s.map(f -> f.getFileName().toString()).toList();
		}
	}

	@Test
	void aWriteThroughOneNameShowsThroughEveryName() throws IOException {
		long ino = mount.stat(p("etc/hard1")).ino();
		assertEquals(Placement.REPOSITORY, mount.lookup(p("etc/hard2")).placement());
		write("etc/hard1", "changed\n");
		assertEquals("changed\n", read("etc/hard2"));
		assertEquals("changed\n", read("usr/bin/hard3"));
		for (String name : List.of("etc/hard1", "etc/hard2", "usr/bin/hard3")) {
			assertEquals(ino, mount.stat(p(name)).ino(), name);
			assertEquals(3, nlink(name), name);
		}
		assertEquals(Placement.OVERLAY, mount.lookup(p("etc/hard2")).placement());
		assertEquals(1, index().size());
		// only the name written through is in the overlay; the others are served by the index
		assertTrue(Files.exists(fx.upper.resolve("etc/hard1")));
		assertFalse(Files.exists(fx.upper.resolve("etc/hard2")));
		write("usr/bin/hard3", "again\n");
		assertEquals("again\n", read("etc/hard1"));
		assertEquals(Files.getAttribute(fx.upper.resolve("etc/hard1"), "unix:ino"),
				Files.getAttribute(fx.upper.resolve("usr/bin/hard3"), "unix:ino"), "one inode in the overlay");
		assertEquals("one name\n", read("etc/single"));
		assertEquals(1, nlink("etc/single"));
	}

	@Test
	void aHandleOpenUnderAnotherNameReadsTheCopy() throws IOException {
		try (FileHandle other = mount.open(p("etc/hard2"), Set.of(OpenFlag.READ))) {
			write("etc/hard1", "changed\n");
			ByteBuffer b = ByteBuffer.allocate(100);
			other.read(b, 0);
			assertEquals("changed\n", new String(b.array(), 0, b.position(), UTF_8));
		}
	}

	@Test
	void namesThatGoLowerTheCountOfTheOthers() throws IOException {
		mount.unlink(p("etc/hard1"));
		assertEquals(2, nlink("etc/hard2"));
		assertEquals("same inode\n", read("etc/hard2"));
		write("etc/hard2", "changed\n");
		assertEquals("changed\n", read("usr/bin/hard3"));
		mount.unlink(p("etc/hard2"));
		assertEquals(1, nlink("usr/bin/hard3"));
		assertEquals("changed\n", read("usr/bin/hard3"));
		mount.unlink(p("usr/bin/hard3"));
		assertEquals(List.of(), index(), "the entry goes with the last name");
		assertEquals(List.of("single"), mount.list(p("etc")).stream().map(e -> e.name()).toList());
	}

	@Test
	void anOpenHandleOfAnUnlinkedNameCountsOneLess() throws IOException {
		write("etc/hard1", "changed\n");
		try (FileHandle h = mount.open(p("etc/hard2"), Set.of(OpenFlag.READ))) {
			mount.unlink(p("etc/hard2"));
			assertEquals(2, h.stat().nlink());
		}
		assertEquals(2, nlink("etc/hard1"));
	}

	@Test
	void renamesAndNewLinksKeepTheFileWhole() throws IOException {
		long ino = mount.stat(p("etc/hard1")).ino();
		mount.rename(p("etc/hard1"), p("moved"), RenameMode.REPLACE);
		assertEquals(3, nlink("moved"));
		write("moved", "changed\n");
		assertEquals("changed\n", read("etc/hard2"));
		mount.link(p("etc/hard2"), p("usr/fourth"));
		for (String name : List.of("moved", "etc/hard2", "usr/bin/hard3", "usr/fourth")) {
			assertEquals(4, nlink(name), name);
			assertEquals(ino, mount.stat(p(name)).ino(), name);
		}
		// renaming a name onto another name of the same file does nothing
		mount.rename(p("usr/fourth"), p("etc/hard2"), RenameMode.REPLACE);
		assertEquals(4, nlink("moved"));
		// a rename over a name of the file takes that name away
		mount.rename(p("etc/single"), p("usr/bin/hard3"), RenameMode.REPLACE);
		assertEquals(3, nlink("moved"));
		assertEquals("one name\n", read("usr/bin/hard3"));
		assertNotEquals(ino, mount.stat(p("usr/bin/hard3")).ino());
	}

	@Test
	void aRepositoryNameReplacedByRenameIsCounted() throws IOException {
		mount.rename(p("etc/single"), p("etc/hard1"), RenameMode.REPLACE);
		assertEquals(2, nlink("etc/hard2"));
		assertEquals(2, nlink("usr/bin/hard3"));
		assertEquals("one name\n", read("etc/hard1"));
	}

	@Test
	void aMetadataChangeCopiesTheWholeFileToTheIndex() throws IOException {
		mount.setattr(p("etc/hard2"), AttributeChange.mode(0600));
		assertEquals(0600, mount.stat(p("etc/hard1")).mode());
		assertEquals(0600, mount.stat(p("usr/bin/hard3")).mode());
		assertEquals("same inode\n", Files.readString(fx.upper.resolve("etc/hard2")), "a whole copy, no metacopy");
		write("etc/hard1", "changed\n");
		assertEquals("changed\n", read("etc/hard2"));
		assertEquals(0600, mount.stat(p("etc/hard2")).mode());
	}

	@Test
	void theIndexSurvivesARemountAndTheWorkAreaCleaning() throws IOException {
		write("etc/hard1", "changed\n");
		mount.unlink(p("usr/bin/hard3"));
		Map<String, Long> inodes = Tree.inodes(mount);
		Map<String, String> tree = Tree.of(mount);
		Files.writeString(fx.work.resolve("#leftover"), "a copy-up a crash interrupted");
		mount = fx.remount();
		assertFalse(Files.exists(fx.work.resolve("#leftover")));
		assertEquals(tree, Tree.of(mount));
		assertEquals(inodes, Tree.inodes(mount));
		assertEquals("changed\n", read("etc/hard2"));
		assertEquals(2, nlink("etc/hard2"));
		mount.unlink(p("etc/hard1"));
		assertEquals(1, nlink("etc/hard2"));
	}

	@Test
	void diffDoesNotListTheIndexAndRevertShowsTheRepositoryAgain() throws IOException {
		UnionMount union = (UnionMount) mount;
		write("etc/hard1", "changed\n");
		assertEquals(List.of(new Change(p("etc/hard1"), Kind.MODIFIED, null)), union.diff(FsPath.ROOT),
				"the copied-up name only: not the index, nor the names it serves");
		union.revert(p("etc/hard1"), false);
		assertEquals("same inode\n", read("etc/hard1"));
		assertEquals("same inode\n", read("etc/hard2"));
		assertEquals(List.of(), index());
		write("etc/hard2", "changed\n");
		mount.link(p("etc/hard2"), p("new"));
		union.revert(FsPath.ROOT, true);
		assertEquals(List.of(), index());
		assertEquals("same inode\n", read("usr/bin/hard3"));
		assertEquals(3, nlink("etc/hard1"));
	}

	@Test
	void aRevertOfOneNameLeavesTheOtherNamesOfTheOverlayAnOrdinaryFile() throws IOException {
		write("etc/hard1", "changed\n");
		mount.setattr(p("etc/hard2"), AttributeChange.mode(0600));
		((UnionMount) mount).revert(p("etc/hard1"), false);
		assertEquals("same inode\n", read("etc/hard1"));
		assertEquals("same inode\n", read("usr/bin/hard3"));
		assertEquals("changed\n", read("etc/hard2"));
		assertEquals(1, nlink("etc/hard2"));
		mount.unlink(p("etc/hard2"));
		assertEquals("same inode\n", read("usr/bin/hard3"));
	}

	@Test
	void aCopyIsANewFile() throws IOException {
		write("etc/hard1", "changed\n");
		mount.copy(p("etc/hard2"), p("copy"), false, Caller.PROCESS);
		assertEquals("changed\n", read("copy"));
		assertEquals(1, nlink("copy"));
		assertEquals(3, nlink("etc/hard2"));
		// a copy onto another name of the same file changes nothing
		mount.copy(p("etc/hard1"), p("usr/bin/hard3"), true, Caller.PROCESS);
		assertEquals(3, nlink("usr/bin/hard3"));
	}
}
