package org.mapfs.api.store;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * The checks that every writable store's {@link WritableStore#work() work()} and
 * {@link WritableStore#publish publish} begin with, so that all stores answer them with the same errors.
 *
 * @since 1.2
 */
public final class WorkArea {
	private WorkArea() {
	}

	/**
	 * The work area of the store {@code id}, or EROFS if the store is read-only (its work area is not in use), or
	 * EINVAL if it has none.
	 */
	public static WritableStore of(String id, boolean readOnly, WritableStore work) throws FsException {
		if (readOnly) {
			throw new FsException(Errno.EROFS, "store '" + id + "' is read-only: it has no work area in use");
		}
		if (work == null) {
			throw new FsException(Errno.EINVAL, "store '" + id + "' has no work area");
		}
		return work;
	}

	/** EBUSY if either end of a publish is a store's root, which is never moved nor replaced. */
	public static void checkPublish(FsPath staged, FsPath target) throws FsException {
		if (staged.isRoot() || target.isRoot()) {
			throw new FsException(Errno.EBUSY, staged.isRoot() ? staged : target, "publish: a store's root");
		}
	}
}
