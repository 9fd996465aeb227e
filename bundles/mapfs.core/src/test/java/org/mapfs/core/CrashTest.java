package org.mapfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.DirEntry;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.store.local.LocalStore;

/**
 * A process that is copying files up is killed with SIGKILL at random moments; the remount must show every file
 * either exactly as in the repository or exactly in its complete new version, the work area must be empty, and
 * the repository must be byte for byte as before.
 * <p>
 * What this proves, and what it does not: SIGKILL ends the process but keeps the kernel's page cache, so what
 * the process wrote before it died is all still there. This tests that copy-up is published atomically (staged
 * in the work area, renamed into place, leftovers removed at the next mount); it does not test power loss, where
 * the fsync before the rename would matter and unsynced data could be lost.
 * <p>
 * The worker ({@link CopyUpWorker}) runs in its own JVM and visits the files in a shuffled order; each run goes
 * on from the overlay the previous run's crash (and this test's remount) left, so a file whose copy-up a kill
 * interrupted is copied up again by the next run. The kill points are random; the seed is in every failure
 * message and can be fixed with {@code -Dmapfs.crash.seed=N}.
 */
class CrashTest {
	/** Content of the repository files: fixed, so a failing file can be regenerated. */
	private static final long CONTENT_SEED = 20240611L;
	/** Kill points per test; up to twice as many if none of them landed inside a copy-up. */
	private static final int RUNS = 4;
	/** 128 + SIGKILL: how Process reports a child that SIGKILL ended. */
	private static final int KILLED = 137;
	private static final long WORKER_TIMEOUT_S = 20;

	@TempDir
	Path tmp;

	private enum State {
		OLD, NEW
	}

	@Test
	void killDuringCopyUpsLeavesNoTornFile() throws Exception {
		long seed = Long.getLong("mapfs.crash.seed", System.nanoTime());
		Random random = new Random(seed);
		String why = "(seed " + seed + ")";

		Path repo = Files.createDirectories(tmp.resolve("repo"));
		Path upper = Files.createDirectories(tmp.resolve("upper"));
		Path work = Files.createDirectories(tmp.resolve("work"));
		String[] oldHash = new String[CopyUpWorker.FILES];
		String[] newHash = new String[CopyUpWorker.FILES];
		int[] size = new int[CopyUpWorker.FILES];
		for (int i = 0; i < CopyUpWorker.FILES; i++) {
			byte[] content = CopyUpWorker.content(CONTENT_SEED, i);
			Path file = repo.resolve(CopyUpWorker.name(i));
			Files.createDirectories(file.getParent());
			Files.write(file, content);
			size[i] = content.length;
			oldHash[i] = sha256(content);
			newHash[i] = sha256(CopyUpWorker.newVersion(content, i));
		}
		Map<String, String> repoBefore = hashes(repo);

		State[] state = new State[CopyUpWorker.FILES];
		Arrays.fill(state, State.OLD);
		int hitsInsideCopyUp = 0;
		List<String> log = new ArrayList<>();
		Map<Integer, List<String>> history = new TreeMap<>();
		for (int run = 0; run < RUNS || hitsInsideCopyUp == 0 && run < 2 * RUNS; run++) {
			String where = "run " + run + " " + why;
			Kill kill = runAndKill(repo, upper, work, random.nextLong(), 3 + random.nextInt(25),
					0.8 * random.nextDouble(), size, where);

			// before the remount: what the kill left in the work area (a copy-up it interrupted)
			List<String> stagedNames;
			try (Stream<Path> s = Files.list(work)) {
				stagedNames = s.map(x -> x.getFileName().toString()).toList();
			}
			int staged = stagedNames.size();
			if (staged > 0) {
				hitsInsideCopyUp++;
			}

			try (LocalStore upperStore = LocalStore.open("upper", upper, work, false);
					LocalStore repoStore = LocalStore.open("repo", repo, null, true)) {
				Mount mount = CopyUpWorker.mount(upperStore, repoStore);
				try (Stream<Path> s = Files.list(work)) {
					assertEquals(List.of(), s.map(Path::toString).toList(),
							"work area not empty after the remount, " + where);
				}
				assertListings(mount, where);
				for (int i = 0; i < CopyUpWorker.FILES; i++) {
					FsPath path = FsPath.of(CopyUpWorker.name(i));
					String h = sha256(read(mount, path));
					State seen = h.equals(oldHash[i]) ? State.OLD : h.equals(newHash[i]) ? State.NEW : null;
					if (seen == null) {
						fail(path + " is neither the repository version nor the new version (size "
								+ mount.stat(path).size() + "), " + where);
					}
					if (kill.done.contains(i)) {
						assertEquals(State.NEW, seen, path + " was reported written before the kill, " + where);
					} else if (!kill.begun.contains(i)) {
						assertEquals(state[i], seen, path + " was not touched in this run, " + where + "; history "
								+ history.get(i) + "; the workers said " + said(i));
					}
					state[i] = seen;
					history.computeIfAbsent(i, k -> new ArrayList<>()).add(run + ":" + seen
							+ (kill.begun.contains(i) ? "(begun)" : "") + (kill.done.contains(i) ? "(done)" : ""));
				}
			}
			assertEquals(repoBefore, hashes(repo), "the repository changed, " + where);
			long changed = Arrays.stream(state).filter(s -> s == State.NEW).count();
			log.add(String.format("run %d: killed after %d changes at +%d us into a change, %d staged "
					+ "entr%s left in the work area %s, in-flight file %s; %d/%d files now new; tail %s", run,
					kill.done.size(), kill.delayUs, staged, staged == 1 ? "y" : "ies", stagedNames, kill.inFlight(),
					changed, CopyUpWorker.FILES, kill.tail));
			System.out.println(log.get(log.size() - 1));
		}
		// the kill points are random; most land inside a copy-up (it takes far longer than the one small write),
		// so many runs in a row that all missed would mean the test no longer tests what it should
		assertTrue(hitsInsideCopyUp > 0, "no kill landed inside a copy-up " + why + ": " + log);
	}

	/** What the worker reported before it died, and when it was killed. */
	private record Kill(Set<Integer> begun, Set<Integer> done, long delayUs, List<String> tail) {
		String inFlight() {
			Set<Integer> s = new TreeSet<>(begun);
			s.removeAll(done);
			return s.isEmpty() ? "none" : s.stream().map(CopyUpWorker::name).toList().toString();
		}
	}

	/**
	 * Starts a worker and lets it finish {@code changes} files; then waits for its next copy-up to show in the work
	 * area and kills it {@code fraction} of the way through the time that change should take (the worker's own
	 * median time per byte so far, times the file's size), so the kill lands inside the copy-up on a fast disk
	 * as on a slow one. Returns what the worker printed up to its death.
	 * <p>
	 * The worker's stdout goes to a file, not a pipe: {@link Process#destroyForcibly()} closes the pipe, and what
	 * the worker wrote just before it died would be lost with it; a file keeps every line.
	 */
	private Kill runAndKill(Path repo, Path upper, Path work, long seed, int changes, double fraction, int[] size,
			String where) throws Exception {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Path stderr = tmp.resolve("worker-" + seed + ".err");
		Path stdout = tmp.resolve("worker-" + seed + ".out");
		ProcessBuilder pb = new ProcessBuilder(java.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
				System.getProperty("java.class.path"), CopyUpWorker.class.getName(), repo.toString(),
				upper.toString(), work.toString(), Long.toString(seed));
		pb.redirectOutput(stdout.toFile());
		pb.redirectError(stderr.toFile());
		Process p = pb.start();
		long delayNs;
		try {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WORKER_TIMEOUT_S);
			Progress progress = new Progress(size);
			while (progress.done.size() < changes) {
				progress = Progress.of(stdout, size);
				if (progress.finished || !p.isAlive()) {
					fail("worker ended before the kill, " + where + workerErrors(stderr));
				}
				if (System.nanoTime() > deadline) {
					fail("worker not at the kill point after " + WORKER_TIMEOUT_S + " s, " + where + workerErrors(stderr));
				}
				LockSupport.parkNanos(200_000);
			}
			// the next copy-up underway: its staged copy is in the work area
			while (isEmpty(work)) {
				if (System.nanoTime() > deadline || !p.isAlive()) {
					fail("no copy-up started, " + where + workerErrors(stderr));
				}
				LockSupport.parkNanos(20_000);
			}
			int current = Progress.of(stdout, size).last;
			delayNs = (long) (fraction * progress.medianNsPerByte() * size[current]);
			LockSupport.parkNanos(delayNs);
			assertTrue(p.isAlive(), "worker died before the kill, " + where + workerErrors(stderr));
			p.destroyForcibly();
			assertTrue(p.waitFor(WORKER_TIMEOUT_S, TimeUnit.SECONDS), "worker survived SIGKILL, " + where);
			assertEquals(KILLED, p.exitValue(), "worker exit status, " + where + workerErrors(stderr));
		} finally {
			p.destroyForcibly();
		}
		Progress last = Progress.of(stdout, size);
		if (last.finished) {
			fail("worker finished before the kill, " + where);
		}
		return new Kill(last.begun, last.done, delayNs / 1000, last.tail(4));
	}

	/** The worker's lines, read. */
	private static final class Progress {
		final int[] size;
		final Set<Integer> begun = new HashSet<>();
		final Set<Integer> done = new HashSet<>();
		final List<Double> nsPerByte = new ArrayList<>();
		final List<String> lines = new ArrayList<>();
		int last = -1;
		boolean finished;

		Progress(int[] size) {
			this.size = size;
		}

		/** Every complete line the worker has written so far. */
		static Progress of(Path stdout, int[] size) throws IOException {
			Progress progress = new Progress(size);
			String text = Files.readString(stdout, StandardCharsets.US_ASCII);
			int end = text.lastIndexOf('\n');
			if (end >= 0) {
				for (String line : text.substring(0, end).split("\n")) {
					progress.add(line);
				}
			}
			return progress;
		}

		List<String> tail(int n) {
			return lines.subList(Math.max(0, lines.size() - n), lines.size());
		}

		void add(String line) {
			lines.add(line);
			String[] w = line.split(" ");
			switch (w[0]) {
				case "BEGIN" -> {
					last = Integer.parseInt(w[1]);
					begun.add(last);
				}
				case "DONE" -> {
					int i = Integer.parseInt(w[1]);
					done.add(i);
					nsPerByte.add(Long.parseLong(w[2]) / (double) size[i]);
				}
				case "FINISHED" -> finished = true;
				default -> {
				}
			}
		}

		double medianNsPerByte() {
			List<Double> sorted = new ArrayList<>(nsPerByte);
			Collections.sort(sorted);
			return sorted.get(sorted.size() / 2);
		}
	}

	private static boolean isEmpty(Path dir) throws IOException {
		try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
			return !s.iterator().hasNext();
		}
	}

	/** Every line of every worker about file {@code i}, per worker. */
	private String said(int i) throws IOException {
		StringBuilder sb = new StringBuilder();
		try (Stream<Path> s = Files.list(tmp)) {
			for (Path out : s.filter(f -> f.toString().endsWith(".out")).sorted().toList()) {
				sb.append('\n').append(out.getFileName()).append(':');
				for (String line : Files.readAllLines(out)) {
					String[] w = line.split(" ");
					if (w.length > 1 && w[1].equals(Integer.toString(i))) {
						sb.append(' ').append(line);
					}
				}
			}
		}
		return sb.toString();
	}

	private static String workerErrors(Path stderr) throws IOException {
		return Files.exists(stderr) ? "\nworker stderr:\n" + Files.readString(stderr) : "";
	}

	/** The root lists the directories, each directory its files, and nothing else (no staged name). */
	private static void assertListings(Mount mount, String where) throws FsException {
		Map<String, Set<String>> expected = new TreeMap<>();
		for (int i = 0; i < CopyUpWorker.FILES; i++) {
			String[] parts = CopyUpWorker.name(i).split("/");
			expected.computeIfAbsent(parts[0], k -> new TreeSet<>()).add(parts[1]);
		}
		assertEquals(expected.keySet(), names(mount.list(FsPath.ROOT)), "root listing, " + where);
		for (var e : expected.entrySet()) {
			assertEquals(e.getValue(), names(mount.list(FsPath.of(e.getKey()))), e.getKey() + " listing, " + where);
		}
	}

	private static Set<String> names(List<DirEntry> entries) {
		Set<String> s = new TreeSet<>();
		entries.forEach(e -> s.add(e.name()));
		return s;
	}

	private static byte[] read(Mount mount, FsPath path) throws FsException {
		try (FileHandle h = mount.open(path, Set.of(OpenFlag.READ))) {
			long size = h.size();
			ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(size));
			while (buf.hasRemaining()) {
				if (h.read(buf, buf.position()) < 0) {
					break;
				}
			}
			// nothing past the size it reported
			if (h.read(ByteBuffer.allocate(1), size) >= 0) {
				throw new AssertionError(path + " has data past its size " + size);
			}
			return Arrays.copyOf(buf.array(), buf.position());
		}
	}

	/** SHA-256 of every file below {@code root}, read with java.nio. */
	private static Map<String, String> hashes(Path root) throws IOException {
		Map<String, String> out = new TreeMap<>();
		try (Stream<Path> walk = Files.walk(root)) {
			for (Path p : (Iterable<Path>) walk::iterator) {
				String rel = root.relativize(p).toString();
				out.put(rel, Files.isRegularFile(p) ? sha256(Files.readAllBytes(p)) : "dir");
			}
		}
		return out;
	}

	private static String sha256(byte[] data) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
		} catch (NoSuchAlgorithmException e) {
			throw new AssertionError(e);
		}
	}
}
