package org.mapfs.frontend.fuse;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.mapfs.api.Errno;

/**
 * The worker threads of one FUSE connection. Each reads a request from the kernel, serves it and writes the reply,
 * with its own buffers; the kernel gives each request to one waiting thread. The session ends when the file system
 * is unmounted (the kernel answers reads with ENODEV); then {@code onEnd} runs once, on the last thread.
 */
final class FuseSession {
	private static final System.Logger LOG = System.getLogger(FuseSession.class.getName());

	private final DevFuse dev;
	private final MapFsFuse fs;
	private final List<Thread> workers = new ArrayList<>();
	private final CountDownLatch running;
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

	private void work() {
		Request in = new Request();
		Reply out = new Reply();
		try {
			while (dev.read(in.buffer)) {
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
