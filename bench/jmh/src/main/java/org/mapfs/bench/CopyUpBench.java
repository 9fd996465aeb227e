package org.mapfs.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.OpenFlag;
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
 * The first write (1 byte) to a 1 MiB repository file through the mount: the classic policy copies the whole
 * file up (staged in the work area, fdatasync'ed, metadata copied, renamed into place), then writes the byte.
 * After each invocation the private copy is deleted from the overlay folder, so every invocation copies up
 * again (the engine keeps no cache that this would confuse). The file is in the page cache for both sides.
 * <p>
 * Baselines: {@code plain} = {@link Files#copy} of the same 1 MiB + a 1-byte write; {@code plainSynced} = the
 * same plus fdatasync, which is what the copy-up pays for its crash safety.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class CopyUpBench {
	static final int SIZE = 1024 * 1024;

	private Layers layers;
	private FsPath file;
	private Path upperCopy;
	private Path plainSource;
	private Path plainCopy;
	private final ByteBuffer one = ByteBuffer.allocate(1);

	@Setup(Level.Trial)
	public void setUp() throws IOException {
		layers = new Layers("copyup");
		byte[] data = new byte[SIZE];
		new Random(42).nextBytes(data);
		Files.createDirectories(layers.repo.resolve("data"));
		Files.write(layers.repo.resolve("data/file.bin"), data);
		plainSource = layers.plain.resolve("file.bin");
		Files.write(plainSource, data);
		plainCopy = layers.plain.resolve("copy.bin");
		file = FsPath.of("data/file.bin");
		upperCopy = layers.upper.resolve("data/file.bin");
		layers.mount();
	}

	@TearDown(Level.Trial)
	public void tearDown() throws IOException {
		layers.close();
	}

	/** Drops the copies the last invocation made, so the next one starts from a repository-only file. */
	@TearDown(Level.Invocation)
	public void reset() throws IOException {
		Files.deleteIfExists(upperCopy);
		Files.deleteIfExists(plainCopy);
	}

	@Benchmark
	public int mapfs() throws FsException {
		try (FileHandle h = layers.mount.open(file, Set.of(OpenFlag.WRITE))) {
			return h.write(one.clear().put(0, (byte) 'x'), 0);
		}
	}

	@Benchmark
	public int plain() throws IOException {
		Files.copy(plainSource, plainCopy);
		try (FileChannel ch = FileChannel.open(plainCopy, StandardOpenOption.WRITE)) {
			return ch.write(one.clear().put(0, (byte) 'x'), 0);
		}
	}

	@Benchmark
	public int plainSynced() throws IOException {
		Files.copy(plainSource, plainCopy);
		try (FileChannel ch = FileChannel.open(plainCopy, StandardOpenOption.WRITE)) {
			int n = ch.write(one.clear().put(0, (byte) 'x'), 0);
			ch.force(false);
			return n;
		}
	}
}
