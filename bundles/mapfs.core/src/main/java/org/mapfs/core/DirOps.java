package org.mapfs.core;

import org.mapfs.api.Caller;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.RenameMode;
import org.mapfs.api.policy.OverlayPolicy;
import org.mapfs.api.store.WritableStore;

/**
 * Operations that change directories (overlayfs's dir.c): creating entries, over a whiteout where a repository
 * entry was deleted; removing entries, leaving a whiteout where a repository entry would show again; renames.
 * Callers hold the mount's namespace lock.
 */
final class DirOps {
	private final LayerMap map;
	private final Lookup lookup;
	private final Readdir readdir;
	private final CopyUp copyUp;
	private final OverlayPolicy policy;
	private final Identity identity;
	private final Index index;
	private final Stats stats;

	DirOps(LayerMap map, Lookup lookup, Readdir readdir, CopyUp copyUp, OverlayPolicy policy, Identity identity,
			Index index, Stats stats) {
		this.map = map;
		this.lookup = lookup;
		this.readdir = readdir;
		this.copyUp = copyUp;
		this.policy = policy;
		this.identity = identity;
		this.index = index;
		this.stats = stats;
	}

	/** How to make a new entry, with a mode and an owner, at a path of a store (the overlay or its work area). */
	interface Maker {
		void make(WritableStore store, FsPath path, int mode, Caller owner) throws FsException;
	}

	/**
	 * Creates a new entry at {@code path}, which must not exist, for {@code caller} with {@code mode} (as its
	 * directory lets it inherit: {@link SetgidInheritance}). Where the overlay holds a whiteout there, the entry
	 * is built in the work area and replaces the whiteout in one rename; a directory made there is opaque, so the
	 * deleted repository directory's content stays hidden.
	 */
	void create(FsPath path, FileType type, int mode, Caller caller, Maker maker) throws FsException {
		WritableStore overlay = map.overlayStore();
		Node parent = parentDirectory(path);
		if (lookup.child(parent, path.name()) != null) {
			throw new FsException(Errno.EEXIST, path);
		}
		FileAttributes dir = copyUpDirectory(parent);
		int inheritedMode = SetgidInheritance.mode(dir, type, mode);
		Caller owner = SetgidInheritance.owner(dir, caller);
		FsPath target = map.overlay().storePath(path);
		try {
			maker.make(overlay, target, inheritedMode, owner);
			identity.created(overlay, target);
			return;
		} catch (FsException e) {
			// no visible entry, yet the overlay has one: a whiteout, replaced below (making it failed harmlessly)
			if (e.errno() != Errno.EEXIST) {
				throw e;
			}
		}
		WritableStore work = overlay.work();
		FsPath staged = copyUp.stagingName();
		try {
			maker.make(work, staged, inheritedMode, owner);
			if (type == FileType.DIRECTORY) {
				policy.markOpaque(work, staged);
				// rename(2) puts a directory only over a directory: the whiteout goes first (a crash in between
				// uncovers the deleted repository directory, never loses data)
				overlay.unlink(target);
			}
			overlay.publish(staged, target);
		} catch (FsException e) {
			copyUp.discard(work, staged);
			throw e;
		}
		identity.created(overlay, target);
	}

	/**
	 * link(2), its errors in linkat(2)'s order: the resolution of either path, then a taken new name, then a
	 * directory source.
	 */
	void link(FsPath existing, FsPath link) throws FsException {
		Node node = lookup.lookup(existing);
		Node parent = parentDirectory(link);
		if (lookup.child(parent, link.name()) != null) {
			throw new FsException(Errno.EEXIST, link);
		}
		WritableStore overlay = map.overlayStore();
		if (node.isDirectory()) {
			throw new FsException(Errno.EPERM, existing, "hard link to a directory");
		}
		Node upper = copyUp.copyUp(node);
		FsPath from = upper.top().storePath();
		Index.Links links = index.links(upper);
		copyUp.copyUp(parent);
		FsPath target = map.overlay().storePath(link);
		if (overlayHasEntry(overlay, target)) {
			// a whiteout: the store cannot link into the work area, so it goes first (a crash in between
			// uncovers the deleted repository file, never loses data)
			overlay.unlink(target);
		}
		overlay.link(from, target);
		if (links != null) {
			index.linked(links);
		}
	}

	void unlink(FsPath path) throws FsException {
		Node node = lookup.resolve(path);
		if (node.isDirectory()) {
			throw new FsException(Errno.EISDIR, path);
		}
		remove(node);
	}

	void rmdir(FsPath path) throws FsException {
		if (path.isRoot()) {
			throw new FsException(Errno.EBUSY, path);
		}
		Node node = lookup.resolve(path);
		if (!node.isDirectory()) {
			throw new FsException(Errno.ENOTDIR, path);
		}
		if (!readdir.isEmpty(node)) {
			throw new FsException(Errno.ENOTEMPTY, path);
		}
		remove(node);
	}

	/** Removes a visible entry; a directory must be empty in the merged view. */
	private void remove(Node node) throws FsException {
		WritableStore overlay = map.overlayStore();
		FsPath path = node.path();
		node = copyUp.beforeUnlink(node);
		Index.Links links = index.links(node);
		Node parent = copyUp.copyUp(lookup.resolve(path.parent()));
		// an entry served by a layer below is one the lower layers have, no need to ask them again
		boolean whiteout = !node.isUpper() || lookup.lowerHas(parent, path.name());
		FsPath target = map.overlay().storePath(path);
		if (node.isUpper()) {
			if (node.isDirectory()) {
				// only whiteouts can be left in it: the merged view is empty
				CopyUp.remove(overlay, target);
			} else if (!whiteout) {
				overlay.unlink(target);
			}
		}
		if (whiteout) {
			WritableStore work = overlay.work();
			FsPath staged = copyUp.stagingName();
			try {
				policy.writeWhiteout(work, staged);
				overlay.publish(staged, target);
			} catch (FsException e) {
				copyUp.discard(work, staged);
				throw e;
			}
			stats.whiteout();
		}
		if (links != null) {
			index.unlinked(links);
		}
	}

	/**
	 * rename(2). Files are copied up and renamed in the overlay; a directory is renamed in the overlay, and one
	 * with repository content records where that content lives (a redirect) instead of copying it.
	 */
	void rename(FsPath from, FsPath to, RenameMode mode) throws FsException {
		if (from.isRoot() || to.isRoot()) {
			throw new FsException(Errno.EBUSY, FsPath.ROOT);
		}
		if (to.startsWith(from) && !to.equals(from)) {
			throw new FsException(Errno.EINVAL, to, "cannot move a directory into itself");
		}
		if (from.startsWith(to) && !to.equals(from)) {
			// the target is an ancestor of the source, so it is not empty: rename(2) checks this first
			throw new FsException(Errno.ENOTEMPTY, to);
		}
		Node src = lookup.lookup(from);
		Node dstParent = parentDirectory(to);
		Node dst = lookup.child(dstParent, to.name());
		if (dst != null) {
			if (mode == RenameMode.NOREPLACE) {
				throw new FsException(Errno.EEXIST, to);
			}
			if (from.equals(to) || sameFile(src, dst)) {
				return; // rename(2) of two names of one file does nothing
			}
			checkReplace(src, dst);
		}
		// the replaced file loses a name
		Index.Links replaced = dst == null ? null : index.links(copyUp.beforeUnlink(dst));
		String redirect = src.isDirectory() && (src.branches().size() > 1 || !src.isUpper()) ? redirect(src) : null;
		WritableStore overlay = map.overlayStore();
		src = copyUp.copyUp(src); // a directory alone, not its tree
		copyUp.copyUp(lookup.lookup(to.parent()));
		Node srcParent = lookup.lookup(from.parent());
		boolean whiteout = lookup.lowerHas(srcParent, from.name());
		FsPath target = map.overlay().storePath(to);
		if (dst != null && dst.isDirectory() && dst.isUpper()) {
			CopyUp.remove(overlay, target); // empty in the merged view: only whiteouts left
		}
		if (redirect != null) {
			policy.setRedirect(overlay, src.top().storePath(), redirect);
		} else if (src.isDirectory() && !isRedirected(src) && lookup.lowerHas(lookup.lookup(to.parent()), to.name())) {
			// the moved directory must not merge with a repository directory of its new name
			policy.markOpaque(overlay, src.top().storePath());
		}
		if (src.isDirectory() && dst == null && overlayHasEntry(overlay, target)) {
			overlay.unlink(target); // a whiteout: rename(2) puts a directory only over a directory
		}
		overlay.rename(src.top().storePath(), target, true);
		if (whiteout) {
			WritableStore work = overlay.work();
			FsPath staged = copyUp.stagingName();
			policy.writeWhiteout(work, staged);
			overlay.publish(staged, map.overlay().storePath(from));
			stats.whiteout();
		}
		if (replaced != null) {
			index.unlinked(replaced);
		}
	}

	/**
	 * Where the repository part of a directory that is being renamed lives, as an absolute mount path, unless
	 * the overlay already records it; null then. Renaming thus never copies a tree (overlayfs's redirect_dir).
	 */
	private String redirect(Node dir) throws FsException {
		if (isRedirected(dir)) {
			return null;
		}
		if (!policy.canRedirect()) {
			throw new FsException(Errno.EXDEV, dir.path(), "the overlay cannot record where a renamed directory's "
					+ "repository content lives (" + policy + ")");
		}
		Layer.Branch lower = dir.branches().get(dir.isUpper() ? 1 : 0);
		if (lower.synthetic()) {
			throw new FsException(Errno.EXDEV, dir.path(), "the directory leads to where a layer is placed");
		}
		return lower.layer().at.resolve(lower.storePath()).toAbsoluteString();
	}

	private boolean isRedirected(Node dir) throws FsException {
		return dir.isUpper() && policy.redirect(map.overlayStore(), dir.top().storePath()) != null;
	}

	/** True for two names of one file, as the mount numbers files (a copy keeps its repository file's number). */
	private boolean sameFile(Node a, Node b) throws FsException {
		return !a.top().synthetic() && !b.top().synthetic() && identity.ino(a) == identity.ino(b);
	}

	private void checkReplace(Node src, Node dst) throws FsException {
		if (src.isDirectory() && !dst.isDirectory()) {
			throw new FsException(Errno.ENOTDIR, dst.path());
		}
		if (!src.isDirectory() && dst.isDirectory()) {
			throw new FsException(Errno.EISDIR, dst.path());
		}
		if (dst.isDirectory() && !readdir.isEmpty(dst)) {
			throw new FsException(Errno.ENOTEMPTY, dst.path());
		}
	}

	/**
	 * A copy of the regular file {@code source} at the free name {@code path} (Mount.copy), in a directory copied up
	 * for it; no partial copy is ever visible.
	 */
	void copy(Node source, FsPath path, int mode, Caller caller) throws FsException {
		Node parent = parentDirectory(path);
		if (lookup.child(parent, path.name()) != null) {
			throw new FsException(Errno.EEXIST, path);
		}
		Caller owner = SetgidInheritance.owner(copyUpDirectory(parent), caller);
		copyUp.copy(source, map.overlay().storePath(path), mode, owner);
	}

	/**
	 * Copies up the directory a new entry is made in; returns its attributes as they are now (those of a cached
	 * node may be older than a chmod or chown of it).
	 */
	private FileAttributes copyUpDirectory(Node dir) throws FsException {
		copyUp.copyUp(dir);
		return lookup.lookup(dir.path()).storeAttrs();
	}

	private Node parentDirectory(FsPath path) throws FsException {
		if (path.isRoot()) {
			throw new FsException(Errno.EEXIST, path);
		}
		Node parent = lookup.resolve(path.parent());
		if (!parent.isDirectory()) {
			throw new FsException(Errno.ENOTDIR, parent.path());
		}
		return parent;
	}

	private static boolean overlayHasEntry(WritableStore overlay, FsPath target) throws FsException {
		try {
			FileAttributes ignored = overlay.stat(target);
			return ignored != null;
		} catch (FsException e) {
			if (e.errno() == Errno.ENOENT) {
				return false;
			}
			throw e;
		}
	}
}
