package org.mapfs.store.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.store.local.StoreTesting.p;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.Caller;
import org.mapfs.api.FileData;
import org.mapfs.api.FsException;

/**
 * FileData.copyFrom between local files, as a copy-up makes it: the same bytes and size, holes kept, within one
 * file system (copy_file_range) and across two (tmpfs to the disk), and from a file of another store (the default,
 * through a buffer).
 */
class CopyFromTest {
	private static final int MIB = 1 << 20;
	@TempDir
	Path tmp;
	private LocalStore from;
	private LocalStore to;

	@AfterEach
	void close() {
		if (from != null) {
			from.close();
		}
		if (to != null) {
			to.close();
		}
	}

	/** 1 MiB of data, a 4 MiB hole, 1 MiB of data, a trailing 2 MiB hole: 8 MiB. */
	private static byte[] sparse(Path file) throws IOException {
		byte[] data = new byte[MIB];
		new Random(7).nextBytes(data);
		try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
			f.write(data);
			f.seek(5L * MIB);
			f.write(data);
			f.setLength(8L * MIB);
		}
		byte[] all = new byte[8 * MIB];
		System.arraycopy(data, 0, all, 0, MIB);
		System.arraycopy(data, 0, all, 5 * MIB, MIB);
		return all;
	}

	/** Bytes allocated to the copy, as stat's st_blocks counts them. */
	private long allocated() throws FsException {
		return 512L * to.stat(p("copy")).blocks();
	}

	private void copyAndCheck(Path fromDir, Path toDir) throws IOException {
		byte[] expected = sparse(fromDir.resolve("big"));
		from = LocalStore.open("from", fromDir, null, true);
		to = LocalStore.open("to", toDir, null, false);
		try (FileData in = from.open(p("big")); FileData out = to.create(p("copy"), 0600, Caller.PROCESS)) {
			assertEquals(8L * MIB, out.copyFrom(in));
		}
		Path copy = toDir.resolve("copy");
		assertArrayEquals(expected, Files.readAllBytes(copy));
		assertTrue(allocated() <= 3L * MIB, "the holes stay holes: " + allocated() + " bytes allocated");
	}

	@Test
	void withinOneFileSystem() throws IOException {
		copyAndCheck(Files.createDirectory(tmp.resolve("a")), Files.createDirectory(tmp.resolve("b")));
	}

	@Test
	void acrossFileSystems() throws IOException {
		Path shm = Files.createTempDirectory(Path.of("/dev/shm"), "copyfrom");
		try {
			copyAndCheck(shm, Files.createDirectory(tmp.resolve("b")));
		} finally {
			Files.deleteIfExists(shm.resolve("big"));
			Files.deleteIfExists(shm);
		}
	}

	/** A file of another store: read through a buffer, chunks of zeros left as holes. */
	@Test
	void fromAnotherStore() throws IOException {
		byte[] expected = sparse(Files.createDirectory(tmp.resolve("a")).resolve("big"));
		from = LocalStore.open("from", tmp.resolve("a"), null, true);
		to = LocalStore.open("to", Files.createDirectory(tmp.resolve("b")), null, false);
		try (FileData local = from.open(p("big")); FileData out = to.create(p("copy"), 0600, Caller.PROCESS)) {
			FileData other = new FileData() {
				@Override
				public int read(ByteBuffer dst, long position) throws FsException {
					return local.read(dst, position);
				}

				@Override
				public int write(ByteBuffer src, long position) {
					throw new AssertionError("a copy only reads its source");
				}

				@Override
				public long size() throws FsException {
					return local.size();
				}

				@Override
				public void truncate(long size) {
					throw new AssertionError("a copy only reads its source");
				}

				@Override
				public void sync(boolean metadata) {
				}

				@Override
				public void close() {
				}
			};
			assertEquals(8L * MIB, out.copyFrom(other));
		}
		Path copy = tmp.resolve("b/copy");
		assertArrayEquals(expected, Files.readAllBytes(copy));
		assertTrue(allocated() <= 3L * MIB, "zeros became holes: " + allocated() + " bytes allocated");
	}
}
