package org.mapfs.frontend.fuse;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

import org.mapfs.api.Errno;

/**
 * The worker threads of one FUSE connection. Each reads a request from the kernel, serves it and writes the reply,
 * with its own buffers. The session ends when the file system
 * is unmounted (the kernel answers reads with ENODEV); then {@code onEnd} runs once, on the last thread.
 */
final class FuseSession {
	private static final System.Logger LOG = System.getLogger(FuseSession.class.getName());

	private final DevFuse dev;
	private final MapFsFuse fs;
	private final List<Thread> workers = new ArrayList<>();
	private final CountDownLatch running;
	private final Semaphore reader = new Semaphore(1);
	private final Runnable onEnd;
	private final boolean debug;

	FuseSession(DevFuse dev, MapFsFuse fs, int threads, String name, boolean debug, Runnable onEnd) {
		this.dev = dev;
		this.fs = fs;
		this.debug = debug;
		this.onEnd = onEnd;
		this.running = new CountDownLatch(threads);
		for (int i = 0; i < threads; i++) {
			Thread t = new Thread(this::work, name + " #" + i);
			t.setDaemon(true);
			workers.add(t);
		}
	}

	void start() {
		workers.forEach(Thread::start);
	}

	/**
	 * Serves requests. One thread at a time waits in the kernel for the next request (it holds {@link #reader}),
	 * and it serves what it reads itself, so a run of quick requests goes to one thread whose caches are warm:
	 * handing each request to the next of several waiting threads costs more than the request (measured: a third
	 * more time for untar). Before a request that may take long (I/O, a copy-up) it lets another thread wait in
	 * the kernel, so the mount keeps serving meanwhile.
	 */
	private void work() {
		Request in = new Request();
		Reply out = new Reply();
		boolean reading = false;
		try {
			while (true) {
				if (!reading) {
					reader.acquireUninterruptibly();
					reading = true;
				}
				if (!dev.read(in.buffer)) {
					break;
				}
				if (fs.mayBlock(in)) {
					reader.release();
					reading = false;
				}
				boolean reply = fs.serve(in, out);
				if (debug) {
					System.err.printf("mapfs fuse: unique %d op %d node %d -> %s%n", in.unique(), in.opcode(),
							in.nodeId(), reply ? "error " + out.buffer.getInt(4) + ", " + out.buffer.limit() + " bytes"
									: "no reply");
				}
				if (reply) {
					send(in, out);
				}
			}
		} catch (IOException | RuntimeException e) {
			LOG.log(Level.ERROR, Thread.currentThread().getName() + " stopped", e);
		} finally {
			if (reading) {
				// the next thread then sees the end too
				reader.release();
			}
			running.countDown();
			if (running.getCount() == 0) {
				dev.close();
				onEnd.run();
			}
		}
	}

	/** Sends a reply; one the kernel refuses is answered with EIO, so the caller never waits forever. */
	private void send(Request in, Reply out) {
		try {
			dev.write(out.buffer);
		} catch (IOException e) {
			LOG.log(Level.ERROR, "reply to FUSE op " + in.opcode() + " refused; answering EIO", e);
			try {
				dev.write(out.start(in.unique()).finish(-Errno.EIO.code()));
			} catch (IOException again) {
				LOG.log(Level.ERROR, "cannot answer FUSE op " + in.opcode(), again);
			}
		}
	}
}
