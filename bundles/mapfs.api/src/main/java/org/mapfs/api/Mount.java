package org.mapfs.api;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One merged view: what front-ends (FUSE, java.nio) call. Paths are relative to the mount's root; operations
 * behave as on one POSIX file system, and every failure is an {@link FsException} with its errno.
 * Registered as an OSGi service with the property {@value #NAME_PROPERTY}.
 */
public interface Mount {
	/** Service property holding the mount's name. */
	String NAME_PROPERTY = "mapfs.mount";

	String name();

	/** True if the mount has no writable overlay: every change fails with EROFS. */
	boolean isReadOnly();

	/** lstat: never follows a final symlink. */
	FileAttributes stat(FsPath path) throws FsException;

	/**
	 * lstat, and where the entry lives: a front-end may let the kernel cache a {@link Placement#REPOSITORY} entry for
	 * long. This default does not know and says {@link Placement#UNKNOWN}.
	 */
	default Entry lookup(FsPath path) throws FsException {
		return new Entry(stat(path), null, Placement.UNKNOWN);
	}

	/**
	 * Tells {@code listener} of changes made other than through this mount's own operations (a revert, a change of
	 * the map, a store that came back): the path that changed, or {@link FsPath#ROOT} when anything may have. A
	 * front-end that caches drops what it has there. This default never calls it.
	 *
	 * @return closing it stops the calls
	 */
	default AutoCloseable onChange(Consumer<FsPath> listener) {
		return () -> {
		};
	}

	/**
	 * The merged listing of a directory, each name once, without {@code .} and {@code ..}. The list is a
	 * snapshot, so offsets into it stay stable while a front-end holds it for an open directory.
	 */
	List<DirEntry> list(FsPath dir) throws FsException;

	/**
	 * Opens a regular file for {@code caller}. A write through the handle by a caller other than root clears the
	 * file's setuid bit, and its setgid bit where group execution is allowed, as Linux does.
	 */
	FileHandle open(FsPath path, Set<OpenFlag> flags, Caller caller) throws FsException;

	/** Opens a regular file for MapFS itself ({@link Caller#PROCESS}). */
	default FileHandle open(FsPath path, Set<OpenFlag> flags) throws FsException {
		return open(path, flags, Caller.PROCESS);
	}

	/** Creates a regular file and opens it read-write for {@code caller}; {@code exclusive} is O_EXCL. */
	FileHandle create(FsPath path, int mode, Caller caller, boolean exclusive) throws FsException;

	void mkdir(FsPath path, int mode, Caller caller) throws FsException;

	void mknod(FsPath path, FileType type, int mode, long rdev, Caller caller) throws FsException;

	void symlink(FsPath link, String target, Caller caller) throws FsException;

	String readlink(FsPath path) throws FsException;

	/** Makes {@code link} another name of {@code existing}. */
	void link(FsPath existing, FsPath link) throws FsException;

	void unlink(FsPath path) throws FsException;

	void rmdir(FsPath path) throws FsException;

	void rename(FsPath from, FsPath to, RenameMode mode) throws FsException;

	/**
	 * Copies the regular file {@code from} to the new regular file {@code to}: its bytes and its permission bits,
	 * not its owner, times or extended attributes (as {@code cp} without {@code -p}). With {@code replace} an
	 * existing {@code to} that is not a directory is replaced; without it an existing {@code to} fails with EEXIST.
	 * Copying a file onto itself (the same name, or another name of the same inode) changes nothing.
	 * <p>
	 * This default copies the bytes through {@link #open} and {@link #create}, that is through the caller, and
	 * removes a half-written {@code to} when that fails. The union engine overrides it with a copy-up, so that a
	 * repository file is copied within the stores (and a block-level policy shares the unchanged blocks).
	 *
	 * @throws FsException EISDIR if {@code from} or an existing {@code to} is a directory, EINVAL if {@code from}
	 *             is not a regular file, and whatever open, create and write fail with
	 */
	default void copy(FsPath from, FsPath to, boolean replace, Caller caller) throws FsException {
		FileAttributes source = stat(from);
		if (!source.isRegularFile()) {
			throw new FsException(source.isDirectory() ? Errno.EISDIR : Errno.EINVAL, from, "not a regular file");
		}
		FileAttributes target;
		try {
			target = stat(to);
		} catch (FsException e) {
			if (e.errno() != Errno.ENOENT) {
				throw e;
			}
			target = null;
		}
		if (target != null) {
			if (target.ino() == source.ino() && target.dev() == source.dev()) {
				return;
			}
			if (!replace) {
				throw new FsException(Errno.EEXIST, to);
			}
			if (target.isDirectory()) {
				throw new FsException(Errno.EISDIR, to);
			}
			unlink(to);
		}
		try (FileHandle in = open(from, Set.of(OpenFlag.READ), caller)) {
			FileHandle out = create(to, source.mode(), caller, true);
			try (out) {
				ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
				long position = 0;
				for (int n; (n = in.read(buffer.clear(), position)) >= 0;) {
					out.write(buffer.flip(), position);
					position += n;
				}
			} catch (FsException e) {
				unlink(to);
				throw e;
			}
		}
	}

	void setattr(FsPath path, AttributeChange change) throws FsException;

	void truncate(FsPath path, long size) throws FsException;

	/** The value of an extended attribute; ENODATA if it is not set. */
	byte[] getxattr(FsPath path, String name) throws FsException;

	List<String> listxattr(FsPath path) throws FsException;

	void setxattr(FsPath path, String name, byte[] value, XattrMode mode) throws FsException;

	void removexattr(FsPath path, String name) throws FsException;

	StatFs statfs() throws FsException;
}
