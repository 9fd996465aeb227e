package org.mapfs.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

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
 * The NIO front-end against the JDK's default provider on the same kind of folder: reading a 1 MiB repository file
 * whole (open, read in 64 KiB, close), writing 64 KiB into an open overlay file, and reading the basic attributes of
 * a repository file two directories deep. Each MapFS benchmark has its plain twin with the same name suffix.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class NioBench {
	static final int FILE_SIZE = 1 << 20;
	static final int CHUNK = 1 << 16;

	private Layers layers;
	private FileSystem fs;
	private Path mapfsData;
	private Path plainData;
	private Path mapfsDeep;
	private Path plainDeep;
	private FileChannel mapfsOut;
	private FileChannel plainOut;
	private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
	private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
	private long writeAt;

	@Setup
	public void setUp() throws IOException {
		layers = new Layers("nio");
		byte[] data = new byte[FILE_SIZE];
		new Random(1).nextBytes(data);
		for (Path root : new Path[] { layers.repo, layers.plain }) {
			Files.write(root.resolve("data"), data);
			Files.createDirectories(root.resolve("a/b"));
			Files.write(root.resolve("a/b/file"), new byte[100]);
		}
		layers.mount();
		fs = FileSystems.newFileSystem(URI.create("mapfs://bench-nio/"), Map.of("mount", layers.mount));
		mapfsData = fs.getPath("/data");
		plainData = layers.plain.resolve("data");
		mapfsDeep = fs.getPath("/a/b/file");
		plainDeep = layers.plain.resolve("a/b/file");
		mapfsOut = FileChannel.open(fs.getPath("/written"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
		plainOut = FileChannel.open(layers.plain.resolve("written"), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE);
		new Random(2).nextBytes(chunk.array());
		if (readMapfs() != readPlain()) {
			throw new IllegalStateException("MapFS and the plain folder disagree");
		}
	}

	@TearDown
	public void tearDown() throws IOException {
		mapfsOut.close();
		plainOut.close();
		fs.close();
		layers.close();
	}

	private long read(Path p) throws IOException {
		long total = 0;
		try (FileChannel ch = FileChannel.open(p)) {
			for (int n; (n = ch.read(buffer.clear())) > 0;) {
				total += n;
			}
		}
		return total;
	}

	@Benchmark
	public long readMapfs() throws IOException {
		return read(mapfsData);
	}

	@Benchmark
	public long readPlain() throws IOException {
		return read(plainData);
	}

	/** 64 KiB at the next of 16 places of a 1 MiB file, so the file stays the same size. */
	private int write(FileChannel ch) throws IOException {
		writeAt = (writeAt + CHUNK) % FILE_SIZE;
		return ch.write(chunk.clear(), writeAt);
	}

	@Benchmark
	public int writeMapfs() throws IOException {
		return write(mapfsOut);
	}

	@Benchmark
	public int writePlain() throws IOException {
		return write(plainOut);
	}

	@Benchmark
	public BasicFileAttributes attributesMapfs() throws IOException {
		return Files.readAttributes(mapfsDeep, BasicFileAttributes.class);
	}

	@Benchmark
	public BasicFileAttributes attributesPlain() throws IOException {
		return Files.readAttributes(plainDeep, BasicFileAttributes.class);
	}
}
