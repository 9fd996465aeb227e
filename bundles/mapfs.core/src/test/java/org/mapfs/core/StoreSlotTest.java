package org.mapfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mapfs.core.Tree.p;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.Errno;
import org.mapfs.api.FileData;
import org.mapfs.api.FsException;
import org.mapfs.store.local.LocalStore;

/**
 * The place of a store in live mounts: a file opened through it shows the store's own file data to a copy (so
 * that two local files are copied within the kernel), and only while the store it was opened on is in the slot.
 */
class StoreSlotTest {
	@TempDir
	Path tmp;

	@Test
	void openFilesShowTheirStoresFileDataWhileTheStoreIsThere() throws IOException {
		Files.writeString(tmp.resolve("f"), "data\n");
		try (LocalStore store = LocalStore.open("s", tmp, null, true)) {
			StoreSlot slot = new StoreSlot("s");
			slot.fill(store);
			try (FileData d = slot.open(p("f"))) {
				assertEquals("LocalFileData", d.unwrap().getClass().getSimpleName());
				assertEquals(5, d.read(ByteBuffer.allocate(16), 0));
				slot.empty(store);
				assertEquals(Errno.EIO, assertThrows(FsException.class, d::unwrap).errno());
				slot.fill(store);
				// the same store instance back: its descriptors are still the ones the file has
				assertEquals("LocalFileData", d.unwrap().getClass().getSimpleName());
			}
		}
	}
}
