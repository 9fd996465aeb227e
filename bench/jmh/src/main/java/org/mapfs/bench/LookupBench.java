package org.mapfs.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

import org.mapfs.api.Caller;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileHandle;
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
 * lstat of a repository file 12 names deep ({@code d01/.../d11/file}). The upper half of its directories also
 * exist in the overlay (a sibling file at depth 6 was created through the mount, which copied its parents up),
 * so the walk goes through merged directories and then repository-only ones, as on a client that changed a few
 * files. Baseline: {@link Files#readAttributes} with NOFOLLOW_LINKS of the same file in a plain folder.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class LookupBench {
	static final int DEPTH = 12;

	private Layers layers;
	private FsPath deep;
	private Path plainDeep;

	@Setup
	public void setUp() throws IOException {
		layers = new Layers("lookup");
		StringBuilder rel = new StringBuilder();
		for (int i = 1; i < DEPTH; i++) {
			rel.append(String.format("d%02d/", i));
		}
		rel.append("file");
		for (Path root : new Path[] { layers.repo, layers.plain }) {
			Path f = root.resolve(rel.toString());
			Files.createDirectories(f.getParent());
			Files.write(f, new byte[4096]);
		}
		plainDeep = layers.plain.resolve(rel.toString());
		deep = FsPath.of(rel.toString());
		layers.mount();
		FsPath sibling = deep.prefix(DEPTH / 2).resolve("changed");
		try (FileHandle h = layers.mount.create(sibling, 0644, Caller.PROCESS, true)) {
			h.write(ByteBuffer.wrap(new byte[] { 1 }), 0);
		}
		check();
	}

	private void check() throws IOException {
		if (mapfs().size() != plain().size()) {
			throw new IllegalStateException("MapFS and the plain folder disagree");
		}
	}

	@TearDown
	public void tearDown() throws IOException {
		layers.close();
	}

	@Benchmark
	public FileAttributes mapfs() throws FsException {
		return layers.mount.stat(deep);
	}

	@Benchmark
	public BasicFileAttributes plain() throws IOException {
		return Files.readAttributes(plainDeep, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
	}
}
