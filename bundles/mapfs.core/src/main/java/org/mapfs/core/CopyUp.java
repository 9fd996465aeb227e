package org.mapfs.core;

import java.util.concurrent.atomic.AtomicLong;

import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileData;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.XattrMode;
import org.mapfs.api.policy.Origin;
import org.mapfs.api.policy.OverlayPolicy;
import org.mapfs.api.store.Store;
import org.mapfs.api.store.WritableStore;

/**
 * Making the private copy of a repository entry in the overlay. Parents first, each with its metadata; every
 * entry is built in the overlay's work area and published with one rename, so a crash never leaves a partial
 * copy visible. The parent's times are restored afterwards: a copy-up is not a change the client made. A
 * hard-linked repository file is copied up once, to the overlay's index, and each of its names is linked to that
 * copy ({@link Index}). Callers hold the mount's namespace lock.
 */
final class CopyUp {
	private final LayerMap map;
	private final Lookup lookup;
	private final OverlayPolicy policy;
	private final Identity identity;
	private final Index index;
	private final Stats stats;
	private final AtomicLong staging = new AtomicLong();

	CopyUp(LayerMap map, Lookup lookup, OverlayPolicy policy, Identity identity, Index index, Stats stats) {
		this.map = map;
		this.lookup = lookup;
		this.policy = policy;
		this.identity = identity;
		this.index = index;
		this.stats = stats;
	}

	/**
	 * The node after making sure the overlay holds it with its data; a node already there is returned as it is,
	 * a metadata-only copy gets its data.
	 */
	Node copyUp(Node node) throws FsException {
		return copyUp(node, false, null).node();
	}

	/**
	 * The copy-up of a file that is open: the node after the copy-up, and the data the open file uses from then on,
	 * or null if this copy-up wrote none (the overlay held the data already, or a hard link's copy was linked).
	 */
	record Opened(Node node, FileData data) {
	}

	/**
	 * {@link #copyUp(Node)} of a file that is open: its data is copied from {@code source}, the repository data
	 * the open file holds, and the copy's data stays open for it ({@link OverlayPolicy#published}).
	 */
	Opened copyUpOpen(Node node, FileData source) throws FsException {
		return copyUp(node, false, source);
	}

	/**
	 * The node after making sure the overlay holds its metadata: a repository file becomes a metadata-only copy
	 * where the policy allows it, anything else is copied up whole (a hard-linked file too: a metadata-only copy
	 * would not be shared by its other names).
	 */
	Node copyUpMetadata(Node node) throws FsException {
		return copyUp(node, policy.isMetadataOnlyCopyUp(), null).node();
	}

	/**
	 * @param source for a file that is open, the repository data it holds: the copy is made from it and the
	 *            copy's data is returned open; else null
	 */
	private Opened copyUp(Node node, boolean metadataOnly, FileData source) throws FsException {
		if (node.isDataUpper() || metadataOnly && node.isUpper()) {
			return new Opened(node, null);
		}
		// a node looked up before an earlier copy-up of the same operation may be stale
		node = lookup.lookup(node.path());
		if (node.isDataUpper() || metadataOnly && node.isUpper()) {
			return new Opened(node, null);
		}
		WritableStore overlay = map.overlayStore();
		Node parent = copyUp(lookup.lookup(node.path().parent()));
		FsPath target = map.overlay().storePath(node.path());
		if (node.isIndexed()) {
			return new Opened(linkUp(node, parent, target), null);
		}
		boolean linked = index.isLinked(node);
		// metadata comes from the top (a metadata-only copy keeps its own), data from where it lives
		Layer.Branch meta = node.top();
		FileAttributes attrs = meta.attrs();
		boolean dataOnly = attrs.isRegularFile() && metadataOnly && !linked;
		WritableStore work = overlay.work();
		FsPath staged = stagingName();
		Origin origin = node.origin();
		// the copy's data while this copy-up holds it: closed here unless it is handed to the policy at the end
		FileData data = null;
		try {
			try {
				switch (attrs.type()) {
					case DIRECTORY -> work.mkdir(staged, attrs.mode(), Caller.PROCESS);
					case REGULAR -> {
						data = work.create(staged, 0600, Caller.PROCESS);
						if (dataOnly) {
							data.truncate(attrs.size());
							policy.markMetacopy(work, staged);
						} else {
							if (source != null) {
								policy.copyUp(origin, source, attrs, data);
							} else {
								policy.copyUp(origin, attrs, data);
							}
							stats.copiedBytes(attrs.size());
						}
						// the copy's data stays open only for the file that is open
						if (source == null) {
							FileData written = data;
							data = null;
							written.close();
						}
					}
					case SYMLINK -> work.symlink(staged, meta.layer().store.readlink(meta.storePath()), Caller.PROCESS);
					default -> work.mknod(staged, attrs.type(), attrs.mode(), attrs.rdev(), Caller.PROCESS);
				}
				copyMetadata(meta.layer().store, meta.storePath(), attrs, work, staged, overlay.isPrivileged());
				identity.keep(node, work, staged);
				if (linked) {
					index.add(node, work, staged);
				}
				publish(overlay, parent, staged, target);
			} catch (FsException e) {
				discard(work, staged);
				throw e;
			} finally {
				// the node gains its overlay branch (on a failure it may have, if the publish got through); every
				// other name of an indexed file is served by the index from now on
				lookup.invalidate(linked ? FsPath.ROOT : node.path());
			}
			stats.copyUp();
			Node upper = lookup.lookup(node.path());
			FileData kept = data;
			data = null; // the policy's now: it closes it if it returns other data
			return new Opened(upper, kept == null ? null : policy.published(kept, target, origin));
		} finally {
			if (data != null) {
				closeQuietly(data);
			}
		}
	}

	/** Closes data that is given up after a failure, which is the one reported. */
	static void closeQuietly(FileData data) {
		try {
			data.close();
		} catch (FsException ignored) {
			// the failure that brought us here is the one the caller reports
		}
	}

	/** Links the index entry that serves {@code node} into the overlay at its name: the copy-up of one more name. */
	private Node linkUp(Node node, Node parent, FsPath target) throws FsException {
		WritableStore overlay = map.overlayStore();
		WritableStore work = overlay.work();
		FsPath staged = stagingName();
		try {
			work.link(node.top().storePath(), staged);
			publish(overlay, parent, staged, target);
		} catch (FsException e) {
			discard(work, staged);
			throw e;
		} finally {
			lookup.invalidate(node.path());
		}
		return lookup.lookup(node.path());
	}

	/**
	 * A name of {@code node} is about to go: a hard-linked repository file is copied up first, so that its
	 * other names keep count ({@link Index}). Returns the node to remove.
	 */
	Node beforeUnlink(Node node) throws FsException {
		return index.isLinked(node) ? copyUp(node) : node;
	}

	/**
	 * Makes the regular file {@code source} anew at {@code target} of the overlay (Mount.copy): built in the work
	 * area from the source's data by the policy and published, as a copy-up; but a new file, owned by
	 * {@code caller}, with {@code mode}, times of now and no extended attributes.
	 */
	void copy(Node source, FsPath target, int mode, Caller caller) throws FsException {
		WritableStore overlay = map.overlayStore();
		WritableStore work = overlay.work();
		FsPath staged = stagingName();
		try {
			try (FileData data = work.create(staged, mode, caller)) {
				policy.copyUp(source.source(), source.data().attrs(), data);
			}
			overlay.publish(staged, target);
		} catch (FsException e) {
			discard(work, staged);
			throw e;
		}
		identity.created(overlay, target);
	}

	/** A fresh name in the work area. */
	FsPath stagingName() throws FsException {
		return FsPath.ROOT.resolve("#" + ProcessHandle.current().pid() + "." + staging.incrementAndGet());
	}

	/**
	 * Moves a staged entry into the overlay directory {@code parent}, keeping the parent's times as they were.
	 */
	void publish(WritableStore overlay, Node parent, FsPath staged, FsPath target) throws FsException {
		FileAttributes before = parent.storeAttrs();
		overlay.publish(staged, target);
		overlay.setattr(parent.top().storePath(), AttributeChange.times(before.atimeNs(), before.mtimeNs()));
	}

	/** Removes a staged entry after a failure, best effort: the work area is cleaned at the next mount anyway. */
	void discard(WritableStore work, FsPath staged) {
		try {
			remove(work, staged);
		} catch (FsException ignored) {
			// the failure that brought us here is the one the caller reports
		}
	}

	/** Removes an entry of a store and everything below it. */
	static void remove(WritableStore store, FsPath path) throws FsException {
		remove(store, path, (s, p, a) -> {
		});
	}

	/** What to do with each file before {@link #remove(WritableStore, FsPath, Removing)} removes it. */
	interface Removing {
		void file(WritableStore store, FsPath path, FileAttributes attrs) throws FsException;
	}

	/** Removes an entry of a store and everything below it, telling {@code removing} of each file first. */
	static void remove(WritableStore store, FsPath path, Removing removing) throws FsException {
		FileAttributes attrs;
		try {
			attrs = store.stat(path);
		} catch (FsException e) {
			if (e.errno() == Errno.ENOENT) {
				return;
			}
			throw e;
		}
		if (attrs.isDirectory()) {
			for (var e : store.list(path)) {
				remove(store, path.resolve(e.name()), removing);
			}
			store.rmdir(path);
		} else {
			removing.file(store, path, attrs);
			store.unlink(path);
		}
	}

	/** True for extended attributes of the overlay's own: the policy's marks and the engine's identity. */
	boolean isInternal(String name) {
		return policy.isInternalXattr(name) || Identity.isInternalXattr(name);
	}

	/** Extended attributes, owner (where permitted), mode and times, in the order that keeps setuid bits. */
	void copyMetadata(Store from, FsPath fromPath, FileAttributes attrs, WritableStore to, FsPath toPath,
			boolean privileged) throws FsException {
		for (String name : from.listxattr(fromPath)) {
			if (!isInternal(name) && (privileged || name.startsWith("user."))) {
				try {
					to.setxattr(toPath, name, from.getxattr(fromPath, name), XattrMode.SET);
				} catch (FsException e) {
					// an overlay without extended attributes: the copy has none, as overlayfs skips what its upper
					// file system does not support
					if (e.errno() != Errno.ENOTSUP) {
						throw e;
					}
				}
			}
		}
		if (privileged) {
			to.setattr(toPath, AttributeChange.owner(attrs.uid(), attrs.gid()));
		}
		if (!attrs.isSymlink()) {
			to.setattr(toPath, AttributeChange.mode(attrs.mode()));
		}
		to.setattr(toPath, AttributeChange.times(attrs.atimeNs(), attrs.mtimeNs()));
	}
}
