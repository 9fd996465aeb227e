package org.mapfs.store.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.FileData;
import org.mapfs.api.FsPath;

/**
 * Many threads reading one store at once, through caches far smaller than the data (so entries are evicted
 * and loaded again all the time): every read returns the source's bytes, and the caches stay in budget.
 */
@Timeout(60)
class ConcurrencyTest {
	private static final int THREADS = 8;
	private static final int READS_PER_THREAD = 400;

	@TempDir
	Path dir;

	@Test
	void concurrentReadersSeeTheSourceBytes() throws Exception {
		Path source = dir.resolve("src");
		SourceTree.build(source, 500, false);
		Path img = dir.resolve("fs.img");
		Tools.run("mke2fs", "-q", "-F", "-t", "ext4", "-b", "1024", "-d", source.toString(), img.toString(), "32M");
		List<Path> files = new ArrayList<>();
		try (Stream<Path> s = Files.walk(source)) {
			s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && p.toFile().length() > 0)
					.forEach(files::add);
		}
		long budget = 256 << 10;
		ImageStore store = ImageStore.open("t", img, 0, budget);
		ExecutorService pool = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<Integer>> results = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				long seed = t;
				results.add(pool.submit(() -> {
					Random random = new Random(seed);
					for (int i = 0; i < READS_PER_THREAD; i++) {
						Path file = files.get(random.nextInt(files.size()));
						byte[] want = Files.readAllBytes(file);
						int from = random.nextInt(want.length);
						int length = 1 + random.nextInt(Math.min(want.length - from, 20_000));
						FsPath path = FsPath.of(source.relativize(file).toString());
						try (FileData data = store.open(path)) {
							ByteBuffer b = ByteBuffer.allocate(length);
							assertEquals(length, data.read(b, from), path + " at " + from);
							assertArrayEquals(Arrays.copyOfRange(want, from, from + length), b.array(), path.toString());
						}
						store.list(path.parent());
					}
					return READS_PER_THREAD;
				}));
			}
			for (Future<Integer> f : results) {
				assertEquals(READS_PER_THREAD, f.get(50, TimeUnit.SECONDS));
			}
		} finally {
			pool.shutdownNow();
		}
		ExtFileSystem fs = store.fileSystem();
		for (Map.Entry<String, Long> cache : fs.cacheWeights().entrySet()) {
			assertTrue(cache.getValue() <= budget, cache.getKey() + " cache holds " + cache.getValue());
		}
		store.close();
	}
}
