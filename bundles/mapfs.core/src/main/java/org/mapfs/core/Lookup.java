package org.mapfs.core;

import java.util.ArrayList;
import java.util.List;

import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.policy.OverlayPolicy;

/**
 * Path lookup through the map (overlayfs's namei): walk the path one name at a time; at each directory only the
 * layers that merge into it are asked; a whiteout or an opaque directory stops the walk down the layers, and the
 * top match wins. A name of a hard-linked repository file that was copied up under another name is served by
 * the overlay's index ({@link Index}). What is found on the way is cached ({@link NodeCache}).
 */
final class Lookup {
	private final LayerMap map;
	private final OverlayPolicy policy;
	private final Index index;
	private final NodeCache cache = new NodeCache();

	Lookup(LayerMap map, OverlayPolicy policy, Index index) {
		this.map = map;
		this.policy = policy;
		this.index = index;
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
		return new Node(FsPath.ROOT, branches, false);
	}

	/** The node at {@code path}, its top attributes as they are now. */
	Node lookup(FsPath path) throws FsException {
		Node cached = cache.get(path);
		if (cached == null) {
			return resolve(path);
		}
		// only what the cache is told about is known not to change: the attributes (times, size, link count) of
		// an entry change with every write and read, so the top ones are read again
		Layer.Branch top = cached.top();
		FileAttributes now;
		try {
			now = top.layer().store.stat(top.storePath());
		} catch (FsException e) {
			now = null;
		}
		if (now == null || now.type() != top.attrs().type()) {
			// gone or replaced behind the mount's back: look it up afresh, reporting what that finds
			cache.invalidate(path);
			return resolve(path);
		}
		return cached.withTopAttrs(now);
	}

	/**
	 * The node at {@code path} as the cache knows it: its branches, type and overlay state are exact, its
	 * attributes may be older than the last write. For callers that only need to know what and where it is.
	 */
	Node resolve(FsPath path) throws FsException {
		Node node = cache.get(path);
		if (node != null) {
			return node;
		}
		if (path.isRoot()) {
			node = root();
		} else {
			Node parent = resolve(path.parent());
			if (!parent.isDirectory()) {
				throw new FsException(Errno.ENOTDIR, parent.path());
			}
			node = child(parent, path.name());
			if (node == null) {
				throw new FsException(Errno.ENOENT, path);
			}
		}
		cache.put(node);
		return node;
	}

	/**
	 * Forgets what was looked up at {@code path} and below: called after every change the mount makes there
	 * (an entry created, removed, renamed, copied up, or its overlay marks or attributes changed).
	 */
	void invalidate(FsPath path) {
		cache.invalidate(path);
	}

	/**
	 * The number of subdirectories the merged directory {@code dir} shows, for its st_nlink. Counting lists every
	 * layer, and the kernel asks for a directory's attributes after each change in it, so the count is kept with
	 * the cached node until an entry of the directory is created, removed or moved ({@link #entriesChanged}).
	 */
	long subdirs(Node dir, Readdir readdir) throws FsException {
		Long n = cache.subdirs(dir.path());
		if (n == null) {
			n = readdir.list(dir).stream().filter(e -> e.type() == FileType.DIRECTORY).count();
			cache.subdirs(dir.path(), n);
		}
		return n;
	}

	/** An entry of {@code dir} was created, removed or moved. */
	void entriesChanged(FsPath dir) {
		cache.forgetSubdirs(dir);
	}

	/** The node of {@code name} in the directory {@code dir}, or null if no visible entry has that name. */
	Node child(Node dir, String name) throws FsException {
		FsPath path = dir.path().resolve(name);
		List<Layer.Branch> found = new ArrayList<>(2);
		Target target = new Target(dir, name, null);
		boolean metacopy = false;
		for (Layer layer : map.layers()) {
			Layer.Branch b = target.branch(layer);
			if (b == null) {
				continue;
			}
			if (!b.synthetic() && policy.isWhiteout(layer.store, b.storePath(), b.attrs())) {
				break;
			}
			if (metacopy) {
				// the data of a metadata-only copy: the file below, wherever a redirect says it is
				if (b.attrs().isRegularFile()) {
					found.add(b);
				}
				break;
			}
			if (!found.isEmpty() && !b.isDirectory()) {
				break; // a lower non-directory under a directory is hidden
			}
			found.add(b);
			if (b.synthetic()) {
				continue;
			}
			if (layer.index == map.layers().size() - 1) {
				break; // nothing below to hide or to redirect to
			}
			if (b.isDirectory()) {
				if (policy.isOpaque(layer.store, b.storePath())) {
					break;
				}
			} else if (isMetacopy(layer, b)) {
				metacopy = true;
			} else {
				break;
			}
			String redirect = policy.redirect(layer.store, b.storePath());
			if (redirect != null) {
				target = new Target(dir, null, redirect);
			}
		}
		if (metacopy && found.size() < 2) {
			throw new FsException(Errno.EIO, path, "metadata-only copy whose repository data is gone");
		}
		return found.isEmpty() ? null : index.served(new Node(path, found, metacopy));
	}

	/**
	 * Regular files of the overlay may be metadata-only copies, empty ones too (overlayfs makes those as well):
	 * an empty one taken for a complete copy would be written in place and keep its mark, and from its next
	 * lookup on its data would be the repository's again, or gone after a rename. st_blocks tells nothing:
	 * extended attributes may take a block of their own.
	 */
	private boolean isMetacopy(Layer layer, Layer.Branch b) throws FsException {
		return layer.writable && b.attrs().isRegularFile() && policy.isMetacopy(layer.store, b.storePath());
	}

	/**
	 * Where to look for an entry in each layer: by name in the layer's branch of the parent directory, or, below
	 * a redirect, at the path it names: an absolute mount path or another name in the same parent.
	 */
	private record Target(Node dir, String name, String redirect) {
		Layer.Branch branch(Layer layer) throws FsException {
			if (redirect != null && redirect.startsWith("/")) {
				return layer.branch(FsPath.of(redirect));
			}
			String n = redirect != null ? FsPath.checkName(redirect) : name;
			for (Layer.Branch parent : dir.branches()) {
				if (parent.layer() == layer) {
					return layer.child(parent, dir.path().resolve(n));
				}
			}
			return null;
		}
	}

	/**
	 * True if a layer below the overlay has a visible entry for {@code name} in {@code dir}: removing the overlay's
	 * entry would uncover it, so a whiteout is needed.
	 */
	boolean lowerHas(Node dir, String name) throws FsException {
		return lower(dir, name) != null;
	}

	/**
	 * The entry for {@code name} in {@code dir} of the first layer below the overlay that has one, as it would show
	 * without the overlay's entry (found through the directory's branches, so below a redirect too); null if the
	 * repository has none there or deleted it.
	 */
	Layer.Branch lower(Node dir, String name) throws FsException {
		FsPath path = dir.path().resolve(name);
		for (Layer.Branch parent : dir.branches()) {
			Layer layer = parent.layer();
			if (layer.writable) {
				continue;
			}
			Layer.Branch b = layer.child(parent, path);
			if (b != null) {
				return b.synthetic() || !policy.isWhiteout(layer.store, b.storePath(), b.attrs()) ? b : null;
			}
		}
		return null;
	}
}
