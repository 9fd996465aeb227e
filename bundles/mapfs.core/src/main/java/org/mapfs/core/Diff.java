package org.mapfs.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.mapfs.api.DirEntry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.admin.Change;
import org.mapfs.api.admin.Change.Kind;
import org.mapfs.api.policy.OverlayPolicy;
import org.mapfs.api.store.WritableStore;

/**
 * What a client changed against the repository, as {@code git status} shows it: a walk of the overlay (not of the
 * merged view), each overlay entry compared with what the repository has at its place.
 * <ul>
 * <li>a whiteout that hides a repository entry: DELETED (one that hides nothing is no change);</li>
 * <li>a directory with a redirect: RENAMED from the repository path it shows (the old path, whited out, is
 * DELETED beside it), then the changes inside it;</li>
 * <li>an opaque directory replacing a repository directory: MODIFIED, and everything in it ADDED;</li>
 * <li>a metadata-only copy: METADATA;</li>
 * <li>any other entry with a repository counterpart: MODIFIED; but a directory only if its type, mode or owner
 * differ: one copied up as the parent of a changed entry is no change itself;</li>
 * <li>an entry without a repository counterpart: ADDED, and so is every entry below an added directory (as
 * {@code git status -uall} lists them).</li>
 * </ul>
 * Callers hold the mount's namespace lock (a read lock is enough).
 */
final class Diff {
	private final LayerMap map;
	private final Lookup lookup;
	private final OverlayPolicy policy;

	Diff(LayerMap map, Lookup lookup, OverlayPolicy policy) {
		this.map = map;
		this.lookup = lookup;
		this.policy = policy;
	}

	/** The changes at and below {@code path}, in path order; none for a read-only view. */
	List<Change> diff(FsPath path) throws FsException {
		List<Change> out = new ArrayList<>();
		if (map.overlay() != null) {
			if (path.isRoot()) {
				children(lookup.resolve(FsPath.ROOT), false, out);
			} else {
				entry(lookup.resolve(path.parent()), path.name(), false, out);
			}
		}
		out.sort(Comparator.comparing(Change::path));
		return out;
	}

	/** The changes of the overlay's entries in the directory {@code dir}. */
	private void children(Node dir, boolean added, List<Change> out) throws FsException {
		if (!dir.isUpper()) {
			return; // not in the overlay: nothing below it changed
		}
		WritableStore overlay = map.overlayStore();
		for (DirEntry e : overlay.list(dir.top().storePath())) {
			entry(dir, e.name(), added, out);
		}
	}

	/**
	 * The changes of the overlay's entry {@code name} in {@code dir}, and below it.
	 *
	 * @param added true below an added or opaque directory: the repository has nothing here that shows
	 */
	private void entry(Node dir, String name, boolean added, List<Change> out) throws FsException {
		if (!dir.isUpper()) {
			return;
		}
		WritableStore overlay = map.overlayStore();
		FsPath path = dir.path().resolve(name);
		FsPath storePath = dir.top().storePath().resolve(name);
		FileAttributes attrs;
		try {
			attrs = overlay.stat(storePath);
		} catch (FsException e) {
			if (e.errno() == Errno.ENOENT) {
				return;
			}
			throw e;
		}
		Layer.Branch lower = added ? null : lookup.lower(dir, name);
		if (policy.isWhiteout(overlay, storePath, attrs)) {
			if (lower != null) {
				out.add(new Change(path, Kind.DELETED, null));
			}
			return;
		}
		if (!attrs.isDirectory()) {
			Kind kind = lower == null ? Kind.ADDED
					: attrs.isRegularFile() && attrs.size() > 0 && policy.isMetacopy(overlay, storePath) ? Kind.METADATA
							: Kind.MODIFIED;
			out.add(new Change(path, kind, null));
			return;
		}
		String redirect = policy.redirect(overlay, storePath);
		boolean opaque = policy.isOpaque(overlay, storePath);
		if (redirect != null) {
			out.add(new Change(path, Kind.RENAMED, redirected(path, redirect)));
		} else if (lower == null) {
			out.add(new Change(path, Kind.ADDED, null));
		} else if (opaque || differs(attrs, lower.attrs())) {
			out.add(new Change(path, Kind.MODIFIED, null));
		}
		children(lookup.resolve(path), added || (redirect == null && (lower == null || opaque)), out);
	}

	/** The mount path a redirect names: absolute, or a name in the same parent directory. */
	private static FsPath redirected(FsPath path, String redirect) throws FsException {
		return redirect.startsWith("/") ? FsPath.of(redirect) : path.parent().resolve(redirect);
	}

	/** True if a directory of the overlay is more than a copy of the repository's made for its children. */
	private static boolean differs(FileAttributes upper, FileAttributes lower) {
		return upper.type() != lower.type() || upper.mode() != lower.mode() || upper.uid() != lower.uid()
				|| upper.gid() != lower.gid();
	}
}
