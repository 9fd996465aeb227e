package org.mapfs.core;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/**
 * The victim of {@link CrashTest}, run in its own JVM: mounts {@code repo} under the overlay {@code upper} (work
 * area {@code work}) and changes every repository file through the mount, in an order shuffled by {@code seed},
 * until it is killed. Each change is the first write to a repository file, so it copies the whole file up first.
 * <p>
 * The repository files and their new versions are defined here, so the test knows what each file may hold: file
 * {@code i} is {@link #content(long, int) pseudo-random bytes}; its new version has the 16-byte {@link #marker(int)}
 * written over its first bytes (even {@code i}) or appended (odd {@code i}). Either write is a single pwrite that
 * stays inside one page, so a SIGKILL can interrupt it only before or after, never in the middle: a file can
 * only be torn if the copy-up is.
 * <p>
 * Why not a full rewrite (open with TRUNCATE, write everything): between the truncate and the end of the write
 * the file is legitimately partial on any POSIX file system, so a kill there says nothing about MapFS.
 * <p>
 * Protocol on stdout, one flushed line each: {@code READY}; per file {@code BEGIN i} before it is opened and
 * {@code DONE i ns} after its handle is closed (with the nanoseconds the change took), or {@code SKIP i} for a
 * file an earlier run already changed; {@code FINISHED} at the end. Errors go to stderr with exit status 2.
 */
public final class CopyUpWorker {
	static final int FILES = 300;
	static final int DIRS = 10;
	static final int MIN_SIZE = 64 * 1024;
	static final int MAX_SIZE = 1024 * 1024;
	static final int MARKER = 16;
	private static final int PAGE = 4096;

	private CopyUpWorker() {
	}

	/** Repository path of file {@code i}. */
	static String name(int i) {
		return String.format("d%02d/f%03d.bin", i % DIRS, i);
	}

	/** The 16 bytes that mark the new version of file {@code i}. */
	static byte[] marker(int i) {
		byte[] m = String.format("#NEWVERSION%04d#", i).getBytes(US_ASCII);
		if (m.length != MARKER) {
			throw new IllegalStateException();
		}
		return m;
	}

	static boolean appends(int i) {
		return (i & 1) == 1;
	}

	/**
	 * The repository version of file {@code i}: 64 KiB to 1 MiB, with a zero region (a hole in the copy) in some
	 * files and a zero tail in others; the size leaves room for the appended marker in its last page.
	 */
	static byte[] content(long seed, int i) {
		SplittableRandom r = new SplittableRandom(seed * 1_000_003L + i);
		int size = MIN_SIZE + r.nextInt(MAX_SIZE - MIN_SIZE + 1);
		if (size % PAGE > PAGE - MARKER) {
			size -= MARKER;
		}
		byte[] b = new byte[size];
		r.nextBytes(b);
		if (i % 5 == 0 && size >= 4 * 65536) {
			Arrays.fill(b, 65536, 3 * 65536, (byte) 0);
		}
		if (i % 7 == 0) {
			Arrays.fill(b, size - size / 4, size, (byte) 0);
		}
		return b;
	}

	/** The new version of file {@code i}, from its repository version. */
	static byte[] newVersion(byte[] old, int i) {
		byte[] m = marker(i);
		if (appends(i)) {
			byte[] b = Arrays.copyOf(old, old.length + MARKER);
			System.arraycopy(m, 0, b, old.length, MARKER);
			return b;
		}
		byte[] b = old.clone();
		System.arraycopy(m, 0, b, 0, MARKER);
		return b;
	}

	/** The shuffled order in which a worker started with {@code seed} visits the files. */
	static List<Integer> order(long seed) {
		List<Integer> order = new ArrayList<>();
		for (int i = 0; i < FILES; i++) {
			order.add(i);
		}
		Collections.shuffle(order, new Random(seed));
		return order;
	}

	/** Mounts the repository under the overlay; the caller closes the stores. */
	static Mount mount(LocalStore upper, LocalStore repo) throws FsException {
		return MountBuilder.named("crash").overlay(upper, FsPath.ROOT).layer(repo, FsPath.ROOT, FsPath.ROOT)
				.policy(new ClassicPolicy(), Map.of()).build();
	}

	/** Arguments: repo upper work seed. */
	public static void main(String[] args) throws IOException {
		PrintStream out = System.out;
		try {
			Path repoDir = Path.of(args[0]);
			Path upperDir = Path.of(args[1]);
			Path workDir = Path.of(args[2]);
			long seed = Long.parseLong(args[3]);
			try (LocalStore upper = LocalStore.open("upper", upperDir, workDir, false);
					LocalStore repo = LocalStore.open("repo", repoDir, null, true)) {
				Mount mount = mount(upper, repo);
				say(out, "READY");
				for (int i : order(seed)) {
					FsPath path = FsPath.of(name(i));
					if (isNew(mount, path, i)) {
						say(out, "SKIP " + i);
						continue;
					}
					say(out, "BEGIN " + i);
					long start = System.nanoTime();
					try (FileHandle h = mount.open(path, Set.of(OpenFlag.READ, OpenFlag.WRITE))) {
						long at = appends(i) ? h.size() : 0;
						// the first write copies the whole file up (staged in the work area, fsynced, renamed)
						int n = h.write(ByteBuffer.wrap(marker(i)), at);
						if (n != MARKER) {
							throw new IOException("short write " + n + " to " + path);
						}
					}
					say(out, "DONE " + i + " " + (System.nanoTime() - start));
				}
				say(out, "FINISHED");
			}
		} catch (Throwable t) {
			t.printStackTrace();
			System.exit(2);
		}
	}

	/** True if file {@code i} already shows its marker (a run before this one changed it). */
	private static boolean isNew(Mount mount, FsPath path, int i) throws FsException {
		try (FileHandle h = mount.open(path, Set.of(OpenFlag.READ))) {
			long at = appends(i) ? h.size() - MARKER : 0;
			ByteBuffer buf = ByteBuffer.allocate(MARKER);
			while (buf.hasRemaining()) {
				if (h.read(buf, at + buf.position()) < 0) {
					break;
				}
			}
			return Arrays.equals(buf.array(), marker(i));
		}
	}

	private static void say(PrintStream out, String line) {
		out.println(line);
		out.flush();
	}
}
