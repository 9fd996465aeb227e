package org.mapfs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Merged listing of a directory of 10,000 names: the repository holds names 0..5499, the overlay 4500..9999
 * (1,000 names in both, where the overlay's entry wins), so each layer has a bit over half. Baseline: counting
 * {@link Files#list} of a plain folder with the same 10,000 names.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ReaddirBench {
	static final int ENTRIES = 10_000;
	static final int REPO_LAST = 5_499;
	static final int UPPER_FIRST = 4_500;

	private Layers layers;
	private Path plainDir;
	private final FsPath dir;

	public ReaddirBench() {
		try {
			dir = FsPath.of("big");
		} catch (FsException e) {
			throw new IllegalStateException(e);
		}
	}

	@Setup
	public void setUp() throws IOException {
		layers = new Layers("readdir");
		Path repoDir = Files.createDirectories(layers.repo.resolve("big"));
		Path upperDir = Files.createDirectories(layers.upper.resolve("big"));
		plainDir = Files.createDirectories(layers.plain.resolve("big"));
		for (int i = 0; i < ENTRIES; i++) {
			String name = String.format("entry-%05d", i);
			if (i <= REPO_LAST) {
				Files.createFile(repoDir.resolve(name));
			}
			if (i >= UPPER_FIRST) {
				Files.createFile(upperDir.resolve(name));
			}
			Files.createFile(plainDir.resolve(name));
		}
		layers.mount();
		if (mapfs() != ENTRIES || plain() != ENTRIES) {
			throw new IllegalStateException("listing is not " + ENTRIES + " names: " + mapfs() + " / " + plain());
		}
	}

	@TearDown
	public void tearDown() throws IOException {
		layers.close();
	}

	@Benchmark
	public int mapfs() throws FsException {
		return layers.mount.list(dir).size();
	}

	@Benchmark
	public long plain() throws IOException {
		try (Stream<Path> s = Files.list(plainDir)) {
			return s.count();
		}
	}
}
