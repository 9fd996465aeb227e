package org.mapfs.core;

import java.util.List;

import org.mapfs.api.DirEntry;
import org.mapfs.api.Errno;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.admin.Change;
import org.mapfs.api.store.WritableStore;

/**
 * Undoing a client's changes at a path: the overlay's entry there goes (a private copy, a whiteout, a redirected
 * or opaque directory, an added entry), with everything below it, so that the repository version shows again or,
 * for an added entry, nothing. Only the overlay is written, through the store SPI.
 * <p>
 * Without {@code recursive}, a path with changes below it is refused with ENOTEMPTY: a directory that only holds
 * unchanged copies (parents copied up for a child since reverted) goes without the flag. Reverting a renamed
 * directory drops it at its new path; its old path stays deleted until reverted too (both are listed by diff).
 * Reverting a name of an indexed hard-linked file drops its index entry too: its repository names show the
 * repository's version again, while other names the overlay holds keep the private copy ({@link Index}).
 * Callers hold the mount's namespace write lock and forget what was looked up.
 */
final class Revert {
	private final LayerMap map;
	private final Lookup lookup;
	private final Diff diff;
	private final Index index;

	Revert(LayerMap map, Lookup lookup, Diff diff, Index index) {
		this.map = map;
		this.lookup = lookup;
		this.diff = diff;
		this.index = index;
	}

	/** Reverts {@code path}; returns the changes undone (as diff listed them before). */
	List<Change> revert(FsPath path, boolean recursive) throws FsException {
		WritableStore overlay = map.overlayStore();
		List<Change> changes = diff.diff(path);
		if (!recursive && changes.stream().anyMatch(c -> !c.path().equals(path))) {
			throw new FsException(Errno.ENOTEMPTY, path, "changes below it: revert recursively");
		}
		if (path.isRoot()) {
			for (DirEntry e : overlay.list(FsPath.ROOT)) {
				CopyUp.remove(overlay, FsPath.ROOT.resolve(e.name()));
			}
			index.clear();
			return changes;
		}
		// a parent the overlay does not hold has nothing private below it; the entry's path in the overlay is
		// found through the parent, as below a renamed directory it differs from the mount path
		Node parent = lookup.resolve(path.parent());
		if (parent.isUpper()) {
			CopyUp.remove(overlay, parent.top().storePath().resolve(path.name()), index::reverted);
		}
		return changes;
	}
}
