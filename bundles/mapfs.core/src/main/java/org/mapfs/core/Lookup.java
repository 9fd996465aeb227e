package org.mapfs.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.policy.OverlayPolicy;

/**
 * Path lookup through the map (overlayfs's namei): walk the path one name at a time; at each directory only the
 * layers that merge into it are asked; a whiteout or an opaque directory stops the walk down the layers, and the
 * top match wins. Directories found on the way are cached.
 */
final class Lookup {
	private static final int MAX_CACHED = 1 << 16;
	private final LayerMap map;
	private final OverlayPolicy policy;
	/**
	 * Directories already looked up. The repository never changes and the overlay changes only through this
	 * mount, so an entry stays true until the mount changes its namespace, which {@link #forget()}s them all.
	 */
	private final Map<FsPath, Node> directories = new ConcurrentHashMap<>();
	private final BooleanSupplier cacheUsable;

	/** @param cacheUsable true while no change of the namespace can be under way (the caller holds the read lock) */
	Lookup(LayerMap map, OverlayPolicy policy, BooleanSupplier cacheUsable) {
		this.map = map;
		this.policy = policy;
		this.cacheUsable = cacheUsable;
	}

	Node root() throws FsException {
		List<Layer.Branch> branches = new ArrayList<>();
		for (Layer layer : map.layers()) {
			Layer.Branch b = layer.branch(FsPath.ROOT);
			if (b == null || !b.isDirectory()) {
				throw new FsException(Errno.EIO, FsPath.ROOT, "root of layer " + layer + " is not a directory");
			}
			branches.add(b);
			if (!b.synthetic() && policy.isOpaque(layer.store, b.storePath())) {
				break;
			}
		}
		return new Node(FsPath.ROOT, branches);
	}

	Node lookup(FsPath path) throws FsException {
		boolean cache = cacheUsable.getAsBoolean();
		Node node = cache ? directories.get(path) : null;
		if (node != null) {
			return node;
		}
		if (path.isRoot()) {
			node = root();
		} else {
			Node parent = lookup(path.parent());
			if (!parent.isDirectory()) {
				throw new FsException(Errno.ENOTDIR, parent.path());
			}
			node = child(parent, path.name());
			if (node == null) {
				throw new FsException(Errno.ENOENT, path);
			}
		}
		if (cache && node.isDirectory()) {
			if (directories.size() >= MAX_CACHED) {
				directories.clear();
			}
			directories.put(path, node);
		}
		return node;
	}

	/** Drops every cached directory: called after each change of the namespace. */
	void forget() {
		directories.clear();
	}

	/** The node of {@code name} in the directory {@code dir}, or null if no visible entry has that name. */
	Node child(Node dir, String name) throws FsException {
		FsPath path = dir.path().resolve(name);
		List<Layer.Branch> found = new ArrayList<>(2);
		List<Layer.Branch> parents = dir.branches();
		for (int i = 0; i < parents.size(); i++) {
			Layer layer = parents.get(i).layer();
			Layer.Branch b = layer.branch(path);
			if (b == null) {
				continue;
			}
			if (!b.synthetic() && policy.isWhiteout(layer.store, b.storePath(), b.attrs())) {
				break;
			}
			if (!found.isEmpty() && !b.isDirectory()) {
				break; // a lower non-directory under a directory is hidden
			}
			found.add(b);
			boolean last = i == parents.size() - 1;
			if (!b.isDirectory() || last || (!b.synthetic() && policy.isOpaque(layer.store, b.storePath()))) {
				break;
			}
		}
		return found.isEmpty() ? null : new Node(path, found);
	}

	/**
	 * True if a layer below the overlay has a visible entry for {@code name} in {@code dir}: removing the overlay's
	 * entry would uncover it, so a whiteout is needed.
	 */
	boolean lowerHas(Node dir, String name) throws FsException {
		FsPath path = dir.path().resolve(name);
		for (Layer.Branch parent : dir.branches()) {
			Layer layer = parent.layer();
			if (layer.writable) {
				continue;
			}
			Layer.Branch b = layer.branch(path);
			if (b != null) {
				return b.synthetic() || !policy.isWhiteout(layer.store, b.storePath(), b.attrs());
			}
		}
		return false;
	}
}
