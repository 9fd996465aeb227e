package org.mapfs.frontend.nio;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.ReadOnlyFileSystemException;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * Turns an errno into the exception java.nio users expect, naming the path as the caller gave it (as the JDK does,
 * not the mount-relative path of the {@link FsException}, which stays the cause).
 */
final class Errors {
	private Errors() {
	}

	static FileSystemException nio(FsException e, Object file) {
		return nio(e, file, null);
	}

	/**
	 * The exception for an operation on {@code file} (and {@code other}, the second path of a copy or move, or null).
	 * EROFS is the unchecked {@link ReadOnlyFileSystemException}: it is thrown, not returned.
	 */
	static FileSystemException nio(FsException e, Object file, Object other) {
		String f = file == null ? null : file.toString();
		String o = other == null ? null : other.toString();
		String reason = e.errno().description();
		FileSystemException nio = switch (e.errno()) {
			case ENOENT -> new NoSuchFileException(f, o, null);
			case EEXIST -> new FileAlreadyExistsException(f, o, null);
			case ENOTEMPTY -> new DirectoryNotEmptyException(f);
			case EACCES -> new AccessDeniedException(f, o, null);
			case ENOTDIR -> new NotDirectoryException(f);
			case ELOOP -> new FileSystemLoopException(f);
			case EROFS -> {
				ReadOnlyFileSystemException ro = new ReadOnlyFileSystemException();
				ro.initCause(e);
				throw ro;
			}
			default -> new FileSystemException(f, o, reason);
		};
		nio.initCause(e);
		return nio;
	}

	/** readlink of something that is not a link: the JDK's NotLinkException rather than EINVAL's text. */
	static FileSystemException notLink(FsException e, Object file) {
		if (e.errno() == Errno.EINVAL) {
			NotLinkException nio = new NotLinkException(file.toString());
			nio.initCause(e);
			return nio;
		}
		return nio(e, file);
	}
}
