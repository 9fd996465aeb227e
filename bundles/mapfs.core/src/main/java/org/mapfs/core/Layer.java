package org.mapfs.core;

import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.store.Store;
import org.mapfs.api.store.WritableStore;

/**
 * A portion of a store placed into the merged view: the root of its (sub-)store appears at the mount path
 * {@code at}. Above {@code at} the layer contributes only the directories leading to it.
 */
final class Layer {
	final Store store;
	final FsPath at;
	/** Position in the map, 0 = top. Part of every inode number the layer serves. */
	final int index;
	final boolean writable;
	/**
	 * True for the overlay's work area as it serves indexed files ({@link Index}): writable, numbered as the
	 * overlay, but outside the merged tree.
	 */
	final boolean indexArea;

	/** @param store the store, already narrowed to the layer's sub-path ({@link SubStore}) */
	Layer(Store store, FsPath at, int index, boolean writable) {
		this(store, at, index, writable, false);
	}

	private Layer(Store store, FsPath at, int index, boolean writable, boolean indexArea) {
		this.store = store;
		this.at = at;
		this.index = index;
		this.writable = writable;
		this.indexArea = indexArea;
	}

	/** The overlay's work area as the layer of the index entries ({@link Index}). */
	static Layer indexArea(WritableStore work) {
		return new Layer(work, FsPath.ROOT, 0, true, true);
	}

	WritableStore writableStore() {
		return (WritableStore) store;
	}

	/** The path in the store that serves {@code path}, or null if the layer does not reach it. */
	FsPath storePath(FsPath path) {
		return path.startsWith(at) ? path.relativize(at) : null;
	}

	/** True if the layer is placed strictly below {@code dir}, so it only contributes a directory there. */
	boolean placedBelow(FsPath dir) {
		return at.depth() > dir.depth() && at.startsWith(dir);
	}

	/** This layer's entry at {@code path}, or null if it has none. */
	Branch branch(FsPath path) throws FsException {
		if (placedBelow(path)) {
			return new Branch(this, FsPath.ROOT, store.stat(FsPath.ROOT), true);
		}
		FsPath sp = storePath(path);
		return sp == null ? null : stat(sp);
	}

	/**
	 * This layer's entry at {@code path} below its branch {@code parent} of the parent directory: the parent's
	 * store path leads the way, so the children of a renamed (redirected) directory are found where they live.
	 */
	Branch child(Branch parent, FsPath path) throws FsException {
		return parent.synthetic() ? branch(path) : stat(parent.storePath().resolve(path.name()));
	}

	private Branch stat(FsPath sp) throws FsException {
		try {
			return new Branch(this, sp, store.stat(sp), false);
		} catch (FsException e) {
			// on the way: nothing, a file, or a symlink (never followed): no entry here
			if (e.errno() == Errno.ENOENT || e.errno() == Errno.ENOTDIR || e.errno() == Errno.ELOOP) {
				return null;
			}
			throw e;
		}
	}

	@Override
	public String toString() {
		return store.location() + "@" + at.toAbsoluteString() + (writable ? " rw" : " ro");
	}

	/** One layer's entry for one mount path. A synthetic branch is a directory leading to a deeper placement. */
	record Branch(Layer layer, FsPath storePath, FileAttributes attrs, boolean synthetic) {
		boolean isDirectory() {
			return attrs.isDirectory();
		}
	}
}
