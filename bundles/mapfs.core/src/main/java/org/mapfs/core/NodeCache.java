package org.mapfs.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.mapfs.api.FsPath;

/**
 * The nodes a mount has looked up, as a tree of names, so that forgetting a path forgets everything below it at
 * once (a rename or removal of a directory). The repository never changes and the overlay changes only through
 * the mount, which {@linkplain #invalidate invalidates} each path it changes; so a cached node stays true in
 * between. Reads fill the cache in parallel (under the mount's read lock); invalidations run under its write lock,
 * never beside a read.
 */
final class NodeCache {
	/** Bound on the nodes cached; beyond it the cache starts empty again. */
	static final int MAX_CACHED = 1 << 16;

	private static final class Entry {
		final Node node;
		final Map<String, Entry> children = new ConcurrentHashMap<>();
		/** For a merged directory: how many subdirectories it shows (its st_nlink), once counted. */
		volatile Long subdirs;

		Entry(Node node) {
			this.node = node;
		}
	}

	private volatile Entry root;
	/** Nodes put since the cache was last emptied; removals are not counted, so this over-estimates. */
	private final AtomicInteger puts = new AtomicInteger();

	/** The cached node at {@code path}, or null. */
	Node get(FsPath path) {
		Entry e = entry(path);
		return e == null ? null : e.node;
	}

	/** Caches a node whose parent directory is cached (the root needs none). */
	void put(Node node) {
		if (puts.incrementAndGet() > MAX_CACHED) {
			clear();
			puts.set(1);
		}
		FsPath path = node.path();
		if (path.isRoot()) {
			root = new Entry(node);
			return;
		}
		Entry parent = entry(path.parent());
		if (parent != null) {
			parent.children.put(path.name(), new Entry(node));
		}
	}

	/** Forgets the node at {@code path} and every node below it. */
	void invalidate(FsPath path) {
		if (path.isRoot()) {
			clear();
			return;
		}
		Entry parent = entry(path.parent());
		if (parent != null) {
			parent.children.remove(path.name());
		}
	}

	void clear() {
		root = null;
	}

	/** The subdirectory count of the cached directory {@code dir}, or null. */
	Long subdirs(FsPath dir) {
		Entry e = entry(dir);
		return e == null ? null : e.subdirs;
	}

	/** Keeps a count with the cached directory {@code dir} (none if it is not cached). */
	void subdirs(FsPath dir, long count) {
		Entry e = entry(dir);
		if (e != null) {
			e.subdirs = count;
		}
	}

	/** The entries of {@code dir} changed: its count goes (the node stays: its branches did not change). */
	void forgetSubdirs(FsPath dir) {
		Entry e = entry(dir);
		if (e != null) {
			e.subdirs = null;
		}
	}

	private Entry entry(FsPath path) {
		Entry e = root;
		for (int i = 0; e != null && i < path.depth(); i++) {
			e = e.children.get(path.name(i));
		}
		return e;
	}
}
