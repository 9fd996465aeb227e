package org.mapfs.frontend.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mapfs.api.FsPath;
import org.mapfs.core.MountBuilder;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/**
 * The union engine's differential test through a real FUSE mount: src/test/resources/differential.py, in
 * another process, applies the same random operations with ordinary syscalls to the mount and to a plain copy of
 * the repository, and compares errnos and trees (also after a remount). The repository must not change.
 * The kernel caches as it does by default (repository-only entries for long), so a stale cache shows up as a
 * difference.
 */
class FuseDifferentialTest {
	private static final Path DRIVER = Path.of("src/test/resources/differential.py").toAbsolutePath();
	private static final int OPS = 80;

	Path base;
	Path mnt;
	FuseFrontEnd fe;
	final List<LocalStore> stores = new ArrayList<>();

	@AfterEach
	void tearDown() throws IOException {
		FuseTests.unmountAndClose(fe, mnt, stores);
		FuseTests.deleteTree(base);
	}

	private void mount(Path repo, Path upper) throws IOException {
		LocalStore u = LocalStore.open("upper", upper, base.resolve("work"), false);
		LocalStore r = LocalStore.open("repo", repo, null, true);
		stores.add(u);
		stores.add(r);
		fe = new FuseFrontEnd();
		fe.mount(MountBuilder.named("diff").overlay(u, FsPath.ROOT).layer(r, FsPath.ROOT, FsPath.ROOT)
				.policy(new ClassicPolicy(), Map.of()).build(), mnt, FuseFrontEnd.Options.defaults());
	}

	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 1, 2, 3, 4, 5, 6 })
	void sameAsAPlainDirectory(long seed) throws IOException {
		FuseTests.requireFuse();
		base = Files.createTempDirectory("mapfs-fuse-diff");
		Path repo = Files.createDirectories(base.resolve("repo"));
		Path upper = Files.createDirectories(base.resolve("upper"));
		mnt = Files.createDirectories(base.resolve("mnt"));
		check(FuseTests.run(List.of("python3", DRIVER.toString(), "build", "" + seed, repo.toString()), base));
		check(FuseTests.run(List.of("cp", "-a", repo.toString(), base.resolve("plain").toString()), base));
		Map<String, String> before = FuseTests.checksums(repo);
		mount(repo, upper);
		check(FuseTests.run(List.of("python3", DRIVER.toString(), "run", "" + seed, mnt.toString(),
				base.resolve("plain").toString(), "" + OPS), base));
		fe.umount();
		mount(repo, upper);
		check(FuseTests.run(List.of("python3", DRIVER.toString(), "compare", mnt.toString(),
				base.resolve("plain").toString()), base));
		assertEquals(before, FuseTests.checksums(repo), "the repository changed");
	}

	private static void check(FuseTests.Result r) {
		assertEquals(0, r.rc(), r.out() + r.err());
	}
}
