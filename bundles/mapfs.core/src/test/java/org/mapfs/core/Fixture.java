package org.mapfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.policy.Policy;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/**
 * Real directories for a mount: repository layers, an overlay and its work area; and a checksum of the
 * repository taken before the test, to prove that nothing the test does through MapFS changed it.
 */
final class Fixture implements AutoCloseable {
	final Path base;
	final List<Path> lowers = new ArrayList<>();
	final List<FsPath> placements = new ArrayList<>();
	/** The sub-path of each lower store that its layer shows (default: the store's root). */
	final List<FsPath> roots = new ArrayList<>();
	final Path upper;
	final Path work;
	/** The policy of the next mount, and its options. */
	Policy policy = new ClassicPolicy();
	Map<String, String> policyOptions = Map.of();
	private List<Map<String, String>> repositoryBefore;
	/** The stores of every mount made, closed with the fixture: each holds descriptors. */
	private final List<LocalStore> stores = new ArrayList<>();

	Fixture(Path base) throws IOException {
		this.base = base;
		this.upper = Files.createDirectories(base.resolve("upper"));
		this.work = Files.createDirectories(base.resolve("work"));
	}

	/** Adds a read-only layer below the others, placed at {@code at}; returns its folder to fill. */
	Path lower(String at) throws IOException {
		Path dir = Files.createDirectories(base.resolve("lower" + lowers.size()));
		lowers.add(dir);
		placements.add(FsPath.of(at));
		roots.add(FsPath.ROOT);
		return dir;
	}

	/**
	 * Adds a repository layer at / holding etc/hosts and etc/ssh/sshd_config, the start of most tests' trees;
	 * returns its folder to fill further.
	 */
	Path etcRepository() throws IOException {
		Path repo = lower("/");
		Files.createDirectories(repo.resolve("etc/ssh"));
		Files.writeString(repo.resolve("etc/hosts"), "127.0.0.1 localhost\n");
		Files.writeString(repo.resolve("etc/ssh/sshd_config"), "PermitRootLogin no\n");
		return repo;
	}

	/** Takes the repository checksum; call once the layers are filled. */
	Mount mount() throws IOException {
		repositoryBefore = snapshot();
		return remount();
	}

	/** A new mount over the same folders, as after a restart. */
	Mount remount() throws FsException {
		MountBuilder b = MountBuilder.named("test").overlay(opened(LocalStore.open("upper", upper, work, false)),
				FsPath.ROOT);
		for (int i = 0; i < lowers.size(); i++) {
			b.layer(opened(LocalStore.open("lower" + i, lowers.get(i), null, true)), roots.get(i), placements.get(i));
		}
		return b.policy(policy, policyOptions).build();
	}

	private LocalStore opened(LocalStore store) {
		stores.add(store);
		return store;
	}

	/** Closes the stores of every mount made: their mounts serve no more. */
	@Override
	public void close() {
		stores.forEach(LocalStore::close);
		stores.clear();
	}

	private List<Map<String, String>> snapshot() throws IOException {
		List<Map<String, String>> trees = new ArrayList<>();
		for (Path l : lowers) {
			trees.add(Tree.of(l, true));
		}
		return trees;
	}

	/** Content, type, mode, owner, mtime and user xattrs of every repository entry are as before the test. */
	void assertRepositoryUnchanged() throws IOException {
		assertEquals(repositoryBefore, snapshot(), "the repository changed");
	}
}
