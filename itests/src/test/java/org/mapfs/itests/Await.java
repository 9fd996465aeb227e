package org.mapfs.itests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.mapfs.api.admin.MountState;
import org.mapfs.api.admin.Mounts;

/** Waiting, with a deadline, for what the framework does in its own threads (FileInstall, SCR, the engine). */
final class Await {
	/** Long enough for FileInstall (it polls every second) and a mount to come up. */
	static final Duration TIMEOUT = Duration.ofSeconds(15);

	interface Condition {
		boolean holds() throws Exception;
	}

	private Await() {
	}

	/** Waits until {@code c} holds; an assertion error naming {@code what} after {@link #TIMEOUT}. */
	static void until(String what, Condition c) throws Exception {
		if (!within(TIMEOUT, c)) {
			throw new AssertionError("not within " + TIMEOUT.toSeconds() + " s: " + what);
		}
	}

	/** True once {@code c} holds, false if it did not within {@code timeout}. */
	static boolean within(Duration timeout, Condition c) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!c.holds()) {
			if (System.nanoTime() > deadline) {
				return false;
			}
			Thread.sleep(20);
		}
		return true;
	}

	/** Waits until the mount {@code name} is in {@code state}; returns that state. */
	static MountState state(Mounts mounts, String name, MountState.State state) throws Exception {
		until(name + " " + state + " (now " + mounts.get(name) + ")",
				() -> mounts.get(name).map(s -> s.state() == state).orElse(false));
		return mounts.get(name).orElseThrow();
	}

	/** True if a FUSE file system is mounted at {@code mnt}. */
	static boolean mounted(Path mnt) throws IOException {
		return Files.readString(Path.of("/proc/mounts")).contains(" " + mnt + " fuse");
	}
}
