package org.mapfs.bench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.core.MountBuilder;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/**
 * The folders of one benchmark: a repository, an overlay with its work area, and a plain folder for the java.nio
 * baseline, all under one temporary folder (on {@code -Dmapfs.bench.dir}, default java.io.tmpdir) on one file
 * system, so MapFS and the baseline touch the same kind of disk. The mount is a 2-layer map: the overlay over the
 * repository, with the classic policy, built with {@link MountBuilder} as a plain-Java user would.
 */
final class Layers implements AutoCloseable {
	final Path base;
	final Path repo;
	final Path upper;
	final Path work;
	final Path plain;
	private LocalStore upperStore;
	private LocalStore repoStore;
	Mount mount;

	Layers(String name) throws IOException {
		Path parent = Path.of(System.getProperty("mapfs.bench.dir", System.getProperty("java.io.tmpdir")));
		base = Files.createTempDirectory(Files.createDirectories(parent), "mapfs-bench-" + name + "-");
		repo = Files.createDirectories(base.resolve("repo"));
		upper = Files.createDirectories(base.resolve("upper"));
		work = Files.createDirectories(base.resolve("work"));
		plain = Files.createDirectories(base.resolve("plain"));
	}

	/** Mounts the map; call once the folders are filled. */
	Mount mount() throws FsException {
		upperStore = LocalStore.open("upper", upper, work, false);
		repoStore = LocalStore.open("repo", repo, null, true);
		mount = MountBuilder.named("bench").overlay(upperStore, FsPath.ROOT).layer(repoStore, FsPath.ROOT, FsPath.ROOT)
				.policy(new ClassicPolicy(), Map.of()).build();
		return mount;
	}

	@Override
	public void close() throws IOException {
		if (upperStore != null) {
			upperStore.close();
		}
		if (repoStore != null) {
			repoStore.close();
		}
		deleteTree(base);
	}

	static void deleteTree(Path root) throws IOException {
		if (!Files.exists(root)) {
			return;
		}
		Files.walkFileTree(root, new SimpleFileVisitor<>() {
			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
				Files.delete(file);
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
				Files.delete(dir);
				return FileVisitResult.CONTINUE;
			}
		});
	}
}
