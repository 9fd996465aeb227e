package org.mapfs.store.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.store.local.StoreTesting.p;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.Caller;
import org.mapfs.api.FsException;

/**
 * The store keeps descriptors of the directories it used last ({@link DirFds}): a directory the store renames,
 * removes or publishes over is never reached through an old descriptor, and the descriptors kept are bounded and
 * released with the store.
 */
class DirFdsTest {
	@TempDir
	Path tmp;
	Path root;
	LocalStore store;

	@BeforeEach
	void setUp() throws Exception {
		root = Files.createDirectory(tmp.resolve("root"));
		store = LocalStore.open("s", root, tmp.resolve("work"), false);
	}

	@AfterEach
	void tearDown() {
		store.close();
	}

	private void create(String path) throws FsException {
		store.create(p(path), 0644, Caller.PROCESS).close();
	}

	@Test
	void aRenamedDirectoryIsNotReachedByItsOldName() throws Exception {
		store.mkdir(p("a"), 0755, Caller.PROCESS);
		store.mkdir(p("a/b"), 0755, Caller.PROCESS);
		create("a/b/f"); // the descriptors of a and a/b are kept now
		store.rename(p("a"), p("c"), false);
		store.mkdir(p("a"), 0755, Caller.PROCESS);
		store.mkdir(p("a/b"), 0755, Caller.PROCESS);
		create("a/b/g");
		assertTrue(Files.exists(root.resolve("a/b/g")));
		assertFalse(Files.exists(root.resolve("c/b/g")), "created through the moved directory's descriptor");
		// the moved directory is reached by its new name
		create("c/b/h");
		assertTrue(Files.exists(root.resolve("c/b/h")));
	}

	@Test
	void aRemovedDirectoryIsNotReachedByItsOldName() throws Exception {
		store.mkdir(p("d"), 0755, Caller.PROCESS);
		store.mkdir(p("d/e"), 0755, Caller.PROCESS);
		create("d/e/f");
		store.unlink(p("d/e/f"));
		store.rmdir(p("d/e"));
		store.mkdir(p("d/e"), 0700, Caller.PROCESS);
		create("d/e/g");
		assertTrue(Files.exists(root.resolve("d/e/g")));
	}

	@Test
	void aDirectoryPublishedOverAnotherIsReachedAsTheNewOne() throws Exception {
		store.mkdir(p("x"), 0755, Caller.PROCESS);
		store.mkdir(p("x/y"), 0755, Caller.PROCESS);
		create("x/y/old");
		store.unlink(p("x/y/old"));
		LocalStore work = (LocalStore) store.work();
		work.mkdir(p("staged"), 0755, Caller.PROCESS);
		work.mkdir(p("staged/inner"), 0755, Caller.PROCESS);
		store.publish(p("staged"), p("x/y"));
		create("x/y/inner/new");
		assertTrue(Files.exists(root.resolve("x/y/inner/new")));
		// and the work area's name is free for a new entry
		work.mkdir(p("staged"), 0755, Caller.PROCESS);
		work.mkdir(p("staged/inner"), 0755, Caller.PROCESS);
		work.create(p("staged/inner/w"), 0644, Caller.PROCESS).close();
		assertTrue(Files.exists(tmp.resolve("work/staged/inner/w")));
		assertFalse(Files.exists(root.resolve("x/y/inner/w")));
	}

	@Test
	void theDescriptorsKeptAreBoundedAndReleasedOnClose() throws Exception {
		int before = StoreTesting.openFds();
		for (int i = 0; i < DirFds.MAX * 3; i++) {
			store.mkdir(p("d" + i), 0755, Caller.PROCESS);
			create("d" + i + "/f");
			assertEquals(1, store.list(p("d" + i)).size());
		}
		int during = StoreTesting.openFds();
		// three times the bound were used; the JVM may open a few files of its own meanwhile (a class's jar)
		assertTrue(during - before <= DirFds.MAX + 8, "kept " + (during - before) + " descriptors");
		store.close();
		assertTrue(StoreTesting.openFds() <= before, "descriptors left after close");
	}
}
