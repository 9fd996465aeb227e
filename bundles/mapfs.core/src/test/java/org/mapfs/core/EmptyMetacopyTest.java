package org.mapfs.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mapfs.core.Tree.p;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.AttributeChange;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.api.RenameMode;
import org.mapfs.api.XattrMode;

/**
 * A metadata-only copy of an empty repository file (as chmod, setxattr or utimens make it, and as overlayfs makes
 * them too) is one: its first write or truncate completes it, so what is written stays, also for a mount that
 * looks it up afresh and after a rename (both once read the repository's empty file again, or failed with EIO).
 */
class EmptyMetacopyTest {
	@TempDir
	Path tmp;
	private Fixture fx;
	private Mount mount;

	@BeforeEach
	void setUp() throws IOException {
		fx = new Fixture(tmp);
		Path repo = Files.createDirectories(fx.lower("/").resolve("bigdir"));
		for (String name : new String[] { "f00000", "f00028", "f00038" }) {
			Files.write(repo.resolve(name), new byte[0]);
		}
		mount = fx.mount();
	}

	@AfterEach
	void close() throws IOException {
		fx.assertRepositoryUnchanged();
		fx.close();
	}

	@Test
	void aTruncateAfterAChmodStays() throws IOException {
		mount.setattr(p("bigdir/f00038"), AttributeChange.mode(0600));
		mount.truncate(p("bigdir/f00038"), 924);
		mount.setattr(p("bigdir/f00000"), AttributeChange.mode(0600));
		assertEquals(924, mount.stat(p("bigdir/f00038")).size());
		assertEquals(924, fx.remount().stat(p("bigdir/f00038")).size());
		assertEquals(0600, fx.remount().stat(p("bigdir/f00038")).mode());
	}

	@Test
	void aWriteAfterASetxattrStaysThroughARename() throws IOException {
		mount.setxattr(p("bigdir/f00028"), "user.k", new byte[] { 1 }, XattrMode.SET);
		try (FileHandle h = mount.open(p("bigdir/f00028"), Set.of(OpenFlag.READ, OpenFlag.WRITE))) {
			h.write(ByteBuffer.wrap("data".getBytes(UTF_8)), 10_261);
		}
		assertEquals(10_265, fx.remount().stat(p("bigdir/f00028")).size());
		mount.rename(p("bigdir/f00028"), p("new-103"), RenameMode.NOREPLACE);
		Mount fresh = fx.remount();
		assertEquals(10_265, fresh.stat(p("new-103")).size());
		assertEquals("data", new String(Tree.read(fresh, p("new-103")), 10_261, 4, UTF_8));
		assertEquals(1, fresh.getxattr(p("new-103"), "user.k")[0]);
	}

	@Test
	void aMetadataOnlyCopyOfAnEmptyFileIsReadAsOneAndRenamedWhole() throws IOException {
		mount.setattr(p("bigdir/f00000"), AttributeChange.times(1_000_000_000L, 1_000_000_000L));
		Mount fresh = fx.remount();
		fresh.rename(p("bigdir/f00000"), p("moved"), RenameMode.NOREPLACE);
		assertEquals(0, fx.remount().stat(p("moved")).size());
		assertEquals(1_000_000_000L, fx.remount().stat(p("moved")).mtimeNs());
	}

}
