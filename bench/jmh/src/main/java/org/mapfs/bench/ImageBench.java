package org.mapfs.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.mapfs.api.DirEntry;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileData;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.store.image.ImageStore;
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
 * The image store against the same data in a plain folder: a sequential read of a 64 MiB file in 1 MiB reads,
 * and a metadata walk (list and lstat of every entry) of 40 directories of 50 files. The image is made from the
 * plain folder with {@code mke2fs -d} (e2fsprogs must be installed); both are in the page cache after warm-up,
 * so the figures compare the code paths, not the disk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ImageBench {
	static final int FILE_MIB = 64;
	static final int DIRS = 40;
	static final int FILES_PER_DIR = 50;

	private Layers layers;
	private Path image;
	private ImageStore store;
	private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
	private final FsPath big;

	public ImageBench() {
		try {
			big = FsPath.of("big.bin");
		} catch (FsException e) {
			throw new IllegalStateException(e);
		}
	}

	@Setup
	public void setUp() throws IOException, InterruptedException {
		layers = new Layers("image");
		Random random = new Random(1);
		byte[] chunk = new byte[1 << 20];
		try (FileChannel out = FileChannel.open(layers.plain.resolve("big.bin"), StandardOpenOption.CREATE_NEW,
				StandardOpenOption.WRITE)) {
			for (int i = 0; i < FILE_MIB; i++) {
				random.nextBytes(chunk);
				out.write(ByteBuffer.wrap(chunk));
			}
		}
		for (int d = 0; d < DIRS; d++) {
			Path dir = Files.createDirectories(layers.plain.resolve("tree/d" + d));
			for (int f = 0; f < FILES_PER_DIR; f++) {
				Files.writeString(dir.resolve("f" + f), "file " + f);
			}
		}
		image = layers.base.resolve("repo.img");
		Process mkfs = new ProcessBuilder("mke2fs", "-q", "-F", "-t", "ext4", "-b", "4096", "-d",
				layers.plain.toString(), image.toString(), (FILE_MIB + 64) + "M").inheritIO().start();
		if (mkfs.waitFor() != 0) {
			throw new IllegalStateException("mke2fs failed");
		}
		store = ImageStore.open("bench", image, 0, 64L << 20);
		long walked = imageWalk();
		if (walked != plainWalk() || imageRead() != plainRead()) {
			throw new IllegalStateException("the image and the folder differ");
		}
	}

	@TearDown
	public void tearDown() throws IOException {
		store.close();
		layers.close();
	}

	@Benchmark
	public long imageRead() throws FsException {
		long total = 0;
		try (FileData data = store.open(big)) {
			for (int n; (n = data.read(buffer.clear(), total)) > 0;) {
				total += n;
			}
		}
		return total;
	}

	@Benchmark
	public long plainRead() throws IOException {
		long total = 0;
		try (FileChannel in = FileChannel.open(layers.plain.resolve("big.bin"))) {
			for (int n; (n = in.read(buffer.clear(), total)) > 0;) {
				total += n;
			}
		}
		return total;
	}

	/** The sum of the sizes of every entry under tree/, listed and stat'ed one by one. */
	@Benchmark
	public long imageWalk() throws FsException {
		return walk(FsPath.of("tree"));
	}

	private long walk(FsPath dir) throws FsException {
		long sum = 0;
		for (DirEntry e : store.list(dir)) {
			FsPath p = dir.resolve(e.name());
			FileAttributes a = store.stat(p);
			sum += a.isDirectory() ? walk(p) : a.size();
		}
		return sum;
	}

	@Benchmark
	public long plainWalk() throws IOException {
		long[] sum = { 0 };
		Files.walkFileTree(layers.plain.resolve("tree"), new SimpleFileVisitor<>() {
			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
				sum[0] += Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
				return FileVisitResult.CONTINUE;
			}
		});
		return sum[0];
	}
}
