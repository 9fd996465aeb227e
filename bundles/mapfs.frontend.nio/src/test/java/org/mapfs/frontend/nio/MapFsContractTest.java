package org.mapfs.frontend.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.core.MountBuilder;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/**
 * The contract on MapFS: a mount of the repository under an empty overlay, reached through the installed
 * provider. After every test the repository folder must be exactly as it was.
 */
class MapFsContractTest extends FileSystemContract {
	private static final AtomicInteger MOUNTS = new AtomicInteger();
	@TempDir
	Path tmp;
	private Path repo;
	private String repoHash;
	private LocalStore upper;
	private LocalStore lower;
	private FileSystem fs;

	@BeforeEach
	void mount() throws IOException {
		repo = Files.createDirectory(tmp.resolve("repo"));
		TestTree.create(repo);
		repoHash = TestTree.hash(repo);
		upper = LocalStore.open("upper", Files.createDirectory(tmp.resolve("upper")), tmp.resolve("work"), false);
		lower = LocalStore.open("repo", repo, null, true);
		Mount mount = MountBuilder.named("contract").overlay(upper, FsPath.ROOT).layer(lower, FsPath.ROOT, FsPath.ROOT)
				.policy(new ClassicPolicy(), Map.of()).build();
		fs = FileSystems.newFileSystem(URI.create("mapfs://contract-" + MOUNTS.incrementAndGet() + "/"),
				Map.of("mount", mount));
	}

	@AfterEach
	void repositoryIsUnchanged() throws IOException {
		fs.close();
		upper.close();
		lower.close();
		assertEquals(repoHash, TestTree.hash(repo), "the repository changed");
	}

	@Override
	Path root() {
		return fs.getPath("/");
	}

	@Override
	boolean isMapFs() {
		return true;
	}
}
