package org.mapfs.store.local;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * The {@code O_PATH} descriptors of the directories a store resolved last, so that an operation in a directory
 * used a moment ago needs no {@code openat2} (and no close) of its parent again: a file system call on a file in
 * an overlay directory is then one system call instead of three. At most {@link #MAX} are kept, least recently
 * used evicted first.
 * <p>
 * A descriptor stays on the directory it was opened on: the store {@linkplain #invalidate forgets} a path and
 * everything below it whenever it renames, publishes over or removes a directory there. A store's folder changes
 * only through its store (the repository not at all), so a descriptor is as good as a fresh resolution; a
 * directory renamed behind the store's back is followed by its descriptor until evicted or forgotten.
 */
final class DirFds {
	static final int MAX = 128;

	interface Opener {
		/**
		 * Resolves {@code dir} below the root (openat2, no symlinks), returning a new fd the cache then owns;
		 * errors name {@code entry}, the path of the operation that needs the directory.
		 */
		int open(FsPath dir, FsPath entry) throws FsException;
	}

	private final Map<FsPath, FdGuard> fds = new LinkedHashMap<>(16, 0.75f, true);
	private final Opener opener;
	/** Counts {@link #invalidate} calls, so that a resolution that raced with one is not cached. */
	private long invalidations;
	private boolean closed;

	DirFds(Opener opener) {
		this.opener = opener;
	}

	/**
	 * The descriptor of the parent directory of {@code entry}, already {@linkplain FdGuard#enter entered}: the
	 * caller {@linkplain FdGuard#leave leaves} it, and it is not closed before, even if evicted meanwhile.
	 */
	FdGuard acquireParent(FsPath entry) throws FsException {
		FsPath dir = entry.parent();
		long before;
		synchronized (this) {
			FdGuard g = fds.get(dir);
			if (g != null && g.enter()) {
				return g;
			}
			before = invalidations;
		}
		// resolved outside the lock, so that a slow resolution does not hold up the others
		FdGuard fresh = new FdGuard(opener.open(dir, entry));
		fresh.enter();
		synchronized (this) {
			if (invalidations != before || closed) {
				// the store changed a directory meanwhile, maybe this one after it was resolved: used once only
				fresh.close();
				return fresh;
			}
			FdGuard old = fds.put(dir, fresh);
			if (old != null) {
				old.close(); // a concurrent resolution of the same directory: the later one is kept
			}
			if (fds.size() > MAX) {
				Iterator<FdGuard> eldest = fds.values().iterator();
				eldest.next().close();
				eldest.remove();
			}
		}
		return fresh;
	}

	/** Forgets {@code path} and every directory below it: the store changed what the path names. */
	void invalidate(FsPath path) {
		List<FdGuard> gone = new ArrayList<>();
		synchronized (this) {
			invalidations++;
			for (Iterator<Map.Entry<FsPath, FdGuard>> it = fds.entrySet().iterator(); it.hasNext();) {
				Map.Entry<FsPath, FdGuard> e = it.next();
				if (e.getKey().startsWith(path)) {
					gone.add(e.getValue());
					it.remove();
				}
			}
		}
		gone.forEach(FdGuard::close);
	}

	/** Closes every descriptor (each once its running operations end) and keeps none from now on. */
	void close() {
		synchronized (this) {
			closed = true;
		}
		invalidate(FsPath.ROOT);
	}
}
