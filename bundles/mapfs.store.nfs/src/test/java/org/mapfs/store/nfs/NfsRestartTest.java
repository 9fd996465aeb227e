package org.mapfs.store.nfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.store.nfs.NfsTesting.assertErrno;
import static org.mapfs.store.nfs.NfsTesting.bytes;
import static org.mapfs.store.nfs.NfsTesting.p;
import static org.mapfs.store.nfs.NfsTesting.readAll;
import static org.mapfs.store.nfs.NfsTesting.writeAll;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mapfs.api.Caller;
import org.mapfs.api.Errno;
import org.mapfs.api.FileData;
import org.mapfs.api.FsException;

/**
 * The NFS server stops and starts again while the store works: hard operations wait for it and complete with
 * the data intact; soft ones fail with EIO in bounded time; handles that went stale meanwhile are looked up
 * again.
 */
@ExtendWith(NfsServer.class)
@Timeout(120)
class NfsRestartTest {
	private static final int SIZE = 6 << 20;
	private static final long OUTAGE_MILLIS = 1500;

	private NfsStore store;

	@AfterEach
	void close() throws Exception {
		NfsServer.get().resume();
		if (store != null) {
			store.close();
		}
	}

	private static byte[] random(int seed) {
		byte[] b = new byte[SIZE];
		new Random(seed).nextBytes(b);
		return b;
	}

	/** Runs {@code work} in a thread that calls {@code halfway} once, and stops the server for a while then. */
	private static void withOutage(CountDownLatch halfway, CountDownLatch stopped, ThrowingRunnable work)
			throws Exception {
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread t = new Thread(() -> {
			try {
				work.run();
			} catch (Throwable e) {
				failure.set(e);
			}
		});
		t.start();
		assertTrue(halfway.await(30, TimeUnit.SECONDS), "the work got halfway");
		NfsServer.get().stop();
		stopped.countDown();
		Thread.sleep(OUTAGE_MILLIS);
		NfsServer.get().resume();
		t.join(60_000);
		assertTrue(!t.isAlive(), "the work ended after the server came back");
		if (failure.get() != null) {
			throw new AssertionError("the work failed", failure.get());
		}
	}

	interface ThrowingRunnable {
		void run() throws Exception;
	}

	@Test
	void aHardReadWaitsForTheServerAndGetsAllData() throws Exception {
		byte[] data = random(1);
		Files.write(NfsServer.get().repo().resolve("restart-read.bin"), data);
		store = NfsTesting.openRepo();
		CountDownLatch halfway = new CountDownLatch(1);
		CountDownLatch stopped = new CountDownLatch(1);
		byte[] read = new byte[SIZE];
		withOutage(halfway, stopped, () -> {
			try (FileData d = store.open(p("restart-read.bin"))) {
				int pos = 0;
				while (pos < SIZE) {
					if (pos >= SIZE / 3 && halfway.getCount() > 0) {
						halfway.countDown();
						stopped.await();
					}
					ByteBuffer b = ByteBuffer.wrap(read, pos, Math.min(100_000, SIZE - pos));
					int n = d.read(b, pos);
					assertTrue(n > 0);
					pos += n;
				}
				assertEquals(-1, d.read(ByteBuffer.allocate(1), SIZE));
			}
		});
		assertArrayEquals(data, read);
	}

	@Test
	void hardWritesSurviveARestartAndAreCommitted() throws Exception {
		Path dir = Files.createDirectories(NfsServer.get().rw().resolve("restart-write"));
		store = NfsTesting.openRw("restart-write");
		byte[] data = random(2);
		CountDownLatch halfway = new CountDownLatch(1);
		CountDownLatch stopped = new CountDownLatch(1);
		withOutage(halfway, stopped, () -> {
			try (FileData d = store.create(p("f"), 0644, Caller.PROCESS)) {
				for (int pos = 0; pos < SIZE; pos += 250_000) {
					if (pos >= SIZE / 2 && halfway.getCount() > 0) {
						halfway.countDown();
						stopped.await();
					}
					writeAll(d, Arrays.copyOfRange(data, pos, Math.min(SIZE, pos + 250_000)), pos);
				}
			}
		});
		assertArrayEquals(data, Files.readAllBytes(dir.resolve("f")));
	}

	@Test
	void aRestartBetweenWriteAndCommitLosesNothing() throws Exception {
		Path dir = Files.createDirectories(NfsServer.get().rw().resolve("restart-commit"));
		store = NfsTesting.openRw("restart-commit");
		byte[] data = random(3);
		FileData d = store.create(p("f"), 0644, Caller.PROCESS);
		writeAll(d, data, 0);
		NfsServer.get().restart();
		d.close();
		assertArrayEquals(data, Files.readAllBytes(dir.resolve("f")));
	}

	@Test
	void softOperationsFailWithEioWithinTheBoundAndWorkAgainLater() throws Exception {
		Files.write(NfsServer.get().repo().resolve("soft.bin"), random(4));
		store = NfsStore.open("soft", new NfsOptions(NfsServer.HOST, "/repo", "/", null, true, 0, 0, 0, 0,
				new int[0], false, 500, 1, 60_000, 2));
		try (FileData d = store.open(p("soft.bin"))) {
			NfsServer.get().stop();
			long start = System.nanoTime();
			FsException e = assertErrno(() -> d.read(ByteBuffer.allocate(4096), 3 << 20), Errno.EIO);
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			assertTrue(e.getMessage().contains("not responding"), e.getMessage());
			assertTrue(millis < 3000, millis + " ms");
			assertErrno(() -> store.statfs(), Errno.EIO);
			NfsServer.get().resume();
			assertEquals(4096, d.read(ByteBuffer.allocate(4096), 3 << 20));
		}
	}

	@Test
	void handlesThatWentStaleAreLookedUpAgain() throws Exception {
		Path dir = Files.createDirectories(NfsServer.get().rw().resolve("stale"));
		store = NfsTesting.openRw("stale");
		try (FileData d = store.create(p("f"), 0644, Caller.PROCESS)) {
			writeAll(d, bytes("old"), 0);
		}
		FileData open = store.open(p("f"));
		assertArrayEquals(bytes("old"), readAll(open, 100));
		// replaced while the server is down (so that it keeps nothing of the old file open)
		NfsServer.get().stop();
		Files.delete(dir.resolve("f"));
		Files.writeString(dir.resolve("f"), "new content");
		NfsServer.get().resume();
		try (FileData d = store.open(p("f"))) {
			assertArrayEquals(bytes("new content"), readAll(d, 100));
		}
		assertEquals(Files.getAttribute(dir.resolve("f"), "unix:ino"), store.stat(p("f")).ino());
		// an open file follows its name
		assertEquals(11, open.read(ByteBuffer.allocate(100), 0));
		open.close();
	}
}
