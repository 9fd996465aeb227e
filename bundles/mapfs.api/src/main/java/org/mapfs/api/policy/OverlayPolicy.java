package org.mapfs.api.policy;

import org.mapfs.api.DirEntry;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileData;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.store.Store;
import org.mapfs.api.store.WritableStore;

/**
 * A policy applied to one overlay. The union engine walks layers, orchestrates copy-up (work area, metadata,
 * publish) and asks this object about the overlay's on-disk format and the data of private copies. The data
 * path is the policy's: a block-level policy may keep unchanged blocks in the repository.
 */
public interface OverlayPolicy {
	/**
	 * True if the entry at {@code path} in {@code store}, with these attributes, marks a deleted entry of the
	 * layers below. Asked of every layer: a lower layer may be a former overlay.
	 */
	boolean isWhiteout(Store store, FsPath path, FileAttributes attrs) throws FsException;

	/** False if a listing entry of this type can never be a whiteout, so readdir need not stat it. */
	boolean mayBeWhiteout(DirEntry entry);

	/** Writes a whiteout at {@code path} in {@code store} (the overlay or its work area). */
	void writeWhiteout(WritableStore store, FsPath path) throws FsException;

	/** True if the directory {@code dir} of {@code store} hides everything below it in the layers below. */
	boolean isOpaque(Store store, FsPath dir) throws FsException;

	/** Marks a directory in {@code store} (the overlay or its work area) opaque. */
	void markOpaque(WritableStore store, FsPath dir) throws FsException;

	/**
	 * Where the repository version of a renamed directory lives (overlayfs's redirect): an absolute mount path
	 * starting with {@code /}, or a name in the same parent directory; null if the directory was not renamed.
	 */
	String redirect(Store store, FsPath dir) throws FsException;

	/** Records that the directory {@code dir} of the overlay shows the repository directory at {@code redirect}. */
	void setRedirect(WritableStore store, FsPath dir, String redirect) throws FsException;

	/**
	 * True if the regular file {@code path} of {@code store} holds metadata only: its data is still the data of the
	 * same file in the layers below.
	 */
	boolean isMetacopy(Store store, FsPath path) throws FsException;

	/** Marks a file of the overlay's work area as holding metadata only. */
	void markMetacopy(WritableStore store, FsPath path) throws FsException;

	/**
	 * The overlay as the engine reads and writes it: {@code overlay} itself where the store keeps the policy's
	 * marks as they are, or a view of it that keeps them in a form the store supports (a store without character
	 * devices or extended attributes, such as an NFSv3 export, gets whiteouts as names, for instance). The view
	 * hides that form: it shows a whiteout as a 0/0 character device and a mark as an extended attribute.
	 */
	default WritableStore view(WritableStore overlay) {
		return overlay;
	}

	/**
	 * False if the overlay cannot record {@linkplain #setRedirect redirects}: renaming a directory with repository
	 * content then fails with EXDEV before anything changes, as overlayfs's {@code redirect_dir=off} does, and
	 * tools such as mv copy the tree instead.
	 */
	default boolean canRedirect() {
		return true;
	}

	/**
	 * False if the overlay keeps no extended attributes (an NFSv3 export): setxattr and removexattr then fail with
	 * ENOTSUP before anything is copied up.
	 */
	default boolean hasXattrs() {
		return true;
	}

	/** True for extended attributes the policy keeps for itself: hidden from clients, never set by them. */
	boolean isInternalXattr(String name);

	/**
	 * True if a metadata change (chmod, chown, utimens, setxattr) of a repository file copies up metadata only;
	 * the data follows at the first write.
	 */
	boolean isMetadataOnlyCopyUp();

	/**
	 * Writes the private data of the file at {@code origin} into {@code staged}: a new, empty regular file in the
	 * overlay's work area, which the engine created, opened for writing and closes afterwards. The engine copies
	 * metadata and publishes the file.
	 */
	void copyUp(Origin origin, FileAttributes attrs, FileData staged) throws FsException;

	/**
	 * {@link #copyUp(Origin, FileAttributes, FileData)} of a file that is open: {@code source} is the data of
	 * {@code origin} that the open file holds, open for reading, which the policy may read instead of opening
	 * {@code origin} once more. It stays the open file's: the policy does not close it. By default it is not used.
	 *
	 * @since 2.2
	 */
	default void copyUp(Origin origin, FileData source, FileAttributes attrs, FileData staged) throws FsException {
		copyUp(origin, attrs, staged);
	}

	/**
	 * Opens the data of a regular file in the overlay.
	 *
	 * @param origin where its repository version lives, or null for a file created in the overlay
	 */
	FileData open(FsPath path, Origin origin, boolean writable) throws FsException;

	/**
	 * The data of a file just made in the overlay at {@code path} (the copy-up of an open file, or a new file) that
	 * its open file reads and writes from then on. {@code staged} is the data the file was made through, still
	 * open for reading and writing; the policy may return it instead of opening the file once more, and closes it
	 * if it returns other data. By default the file is opened anew, as {@link #open open(path, origin, true)}.
	 *
	 * @param origin where the repository version of the file lives, or null for a new file
	 * @since 2.2
	 */
	default FileData published(FileData staged, FsPath path, Origin origin) throws FsException {
		try (staged) {
			return open(path, origin, true);
		}
	}
}
