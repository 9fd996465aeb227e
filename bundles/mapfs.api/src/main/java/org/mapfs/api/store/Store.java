package org.mapfs.api.store;

import java.net.URI;
import java.util.List;

import org.mapfs.api.DirEntry;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileData;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.StatFs;

/**
 * A storage backend instance (a local directory, an NFS export, a disk image), read side. Paths are relative to
 * the store's root and already checked by {@link FsPath}; a store never resolves a path outside its root, and
 * never follows a symlink in any component. Registered as an OSGi service with the property {@value #ID_PROPERTY}.
 */
public interface Store {
	/** Service property holding the store id mounts refer to. */
	String ID_PROPERTY = "mapfs.store";

	String id();

	/**
	 * Where the store's root is, as a URI (a {@code file:} URI for a local directory), so that a mount can refuse
	 * an overlay that lies inside its repository.
	 */
	URI location();

	/** lstat. */
	FileAttributes stat(FsPath path) throws FsException;

	/** The entries of a directory, without {@code .} and {@code ..}. */
	List<DirEntry> list(FsPath dir) throws FsException;

	/** Opens a regular file for reading. */
	FileData open(FsPath path) throws FsException;

	String readlink(FsPath path) throws FsException;

	/** The value of an extended attribute; ENODATA if it is not set. */
	byte[] getxattr(FsPath path, String name) throws FsException;

	List<String> listxattr(FsPath path) throws FsException;

	StatFs statfs() throws FsException;
}
