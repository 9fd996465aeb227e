package org.mapfs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.mapfs.api.FsPath;
import org.mapfs.api.RenameMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Renaming a repository directory of 10,000 files through the mount, each time with an empty overlay (a fresh
 * mount): the engine copies the directory alone and records a redirect, so no file data is written; the
 * teardown of every invocation checks that the overlay holds nothing but the renamed directory and the whiteout.
 * Baseline: rename(2) of a directory of 10,000 files on the plain folder.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class RenameBench {
	static final int FILES = 10_000;

	/** A repository directory of 10,000 files, and the same in the plain folder. */
	@State(Scope.Benchmark)
	public static class Trees {
		Layers layers;

		@Setup(Level.Trial)
		public void setUp() throws IOException {
			layers = new Layers("rename");
			Path big = Files.createDirectories(layers.repo.resolve("big"));
			Path plainBig = Files.createDirectories(layers.plain.resolve("big"));
			for (int i = 0; i < FILES; i++) {
				Files.writeString(big.resolve("f" + i), "data " + i);
				Files.writeString(plainBig.resolve("f" + i), "data " + i);
			}
		}

		@TearDown(Level.Trial)
		public void tearDown() throws IOException {
			layers.close();
		}
	}

	/** A fresh mount with an empty overlay for every rename, checked afterwards for copied data. */
	@State(Scope.Benchmark)
	public static class Fresh {
		@Setup(Level.Invocation)
		public void emptyOverlay(Trees trees) throws IOException {
			try (Stream<Path> s = Files.list(trees.layers.upper)) {
				for (Path p : s.toList()) {
					Layers.deleteTree(p);
				}
			}
			trees.layers.mount();
		}

		@TearDown(Level.Invocation)
		public void checkNoDataWasCopied(Trees trees) throws IOException {
			try (Stream<Path> s = Files.walk(trees.layers.upper)) {
				long entries = s.count() - 1;
				if (entries != 2) {
					throw new IllegalStateException("the overlay holds " + entries + " entries, not big2 and a whiteout");
				}
			}
		}
	}

	@State(Scope.Benchmark)
	public static class Plain {
		boolean moved;
	}

	@Benchmark
	public void mapfs(Trees trees, Fresh fresh) throws IOException {
		trees.layers.mount.rename(FsPath.of("big"), FsPath.of("big2"), RenameMode.REPLACE);
	}

	@Benchmark
	public void plain(Trees trees, Plain state) throws IOException {
		Path from = trees.layers.plain.resolve(state.moved ? "big2" : "big");
		Path to = trees.layers.plain.resolve(state.moved ? "big" : "big2");
		Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
		state.moved = !state.moved;
	}
}
