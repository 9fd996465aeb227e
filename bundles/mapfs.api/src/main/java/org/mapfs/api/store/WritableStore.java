package org.mapfs.api.store;

import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.FileData;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.XattrMode;

/**
 * A store that can hold an overlay. Besides the POSIX operations it has a work area on the same file system,
 * where entries are built in full and then {@linkplain #publish published} with one atomic rename, so that a
 * crash never leaves a partial entry visible.
 */
public interface WritableStore extends Store {
	/** Opens a regular file for reading and writing. */
	FileData openWritable(FsPath path) throws FsException;

	/** Creates a regular file (EEXIST if the name is taken) and opens it read-write. */
	FileData create(FsPath path, int mode, Caller owner) throws FsException;

	void mkdir(FsPath path, int mode, Caller owner) throws FsException;

	void mknod(FsPath path, FileType type, int mode, long rdev, Caller owner) throws FsException;

	void symlink(FsPath link, String target, Caller owner) throws FsException;

	void link(FsPath existing, FsPath link) throws FsException;

	void unlink(FsPath path) throws FsException;

	void rmdir(FsPath path) throws FsException;

	/** rename(2) within this store; with {@code replace} false an existing target gives EEXIST. */
	void rename(FsPath from, FsPath to, boolean replace) throws FsException;

	/** chmod, lchown and utimensat without following a final symlink. */
	void setattr(FsPath path, AttributeChange change) throws FsException;

	void truncate(FsPath path, long size) throws FsException;

	void setxattr(FsPath path, String name, byte[] value, XattrMode mode) throws FsException;

	void removexattr(FsPath path, String name) throws FsException;

	/** The work area: a store on the same file system whose entries are published into this one. */
	WritableStore work() throws FsException;

	/**
	 * Atomically moves {@code staged} from the {@linkplain #work() work area} to {@code target} in this store,
	 * replacing a non-directory or empty-directory target as rename(2) does.
	 */
	void publish(FsPath staged, FsPath target) throws FsException;

	/** Whether this process may set owners and trusted.* extended attributes here (it runs as root). */
	boolean isPrivileged();
}
