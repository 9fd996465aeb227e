package org.mapfs.api;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.Objects;

/**
 * The one exception type that crosses every MapFS boundary: an {@link Errno}, the path it concerns (if any)
 * and a reason for people. Front-ends turn it into {@code -errno} (FUSE) or a java.nio exception (NIO).
 * <p>
 * Most errnos are answers, not faults (ENOENT for a name looked up in each layer, ENODATA for an absent xattr):
 * they carry no stack trace, which would cost more than the file system call that found them. EIO, and any with
 * a cause, keep theirs.
 */
public class FsException extends IOException {
	private static final long serialVersionUID = 1L;

	private final Errno errno;
	private final FsPath path;
	private final String reason;

	public FsException(Errno errno, FsPath path, String reason, Throwable cause) {
		super(null, cause);
		this.errno = Objects.requireNonNull(errno);
		this.path = path;
		this.reason = reason;
		if (errno == Errno.EIO || cause != null) {
			super.fillInStackTrace();
		}
	}

	/** Filled by the constructor, where the errno is known; Throwable calls this before. */
	@Override
	public synchronized Throwable fillInStackTrace() {
		return this;
	}

	public FsException(Errno errno, FsPath path, String reason) {
		this(errno, path, reason, null);
	}

	public FsException(Errno errno, FsPath path) {
		this(errno, path, null, null);
	}

	/** An error that concerns no one path. */
	public FsException(Errno errno, String reason) {
		this(errno, null, reason, null);
	}

	/** Made when asked for: most errnos are answers that no one reads as text. */
	@Override
	public String getMessage() {
		StringBuilder sb = new StringBuilder(errno.name());
		if (path != null) {
			sb.append(' ').append(path.toAbsoluteString());
		}
		sb.append(": ").append(reason != null ? reason : errno.description());
		return sb.toString();
	}

	public Errno errno() {
		return errno;
	}

	/** The path this error concerns, relative to the root of its store or mount, or null. */
	public FsPath path() {
		return path;
	}

	/**
	 * The errno an {@link IOException} from java.nio stands for. A {@link FileSystemException} carries only the
	 * C library's text in its reason, so that text is matched where the exception type says nothing.
	 */
	public static FsException of(IOException e, FsPath path) {
		if (e instanceof FsException fe) {
			return fe;
		}
		return new FsException(errnoOf(e), path, reasonOf(e), e);
	}

	/** The errno of a java.nio I/O exception. */
	public static Errno errnoOf(IOException e) {
		if (e instanceof FsException fe) {
			return fe.errno();
		}
		if (e instanceof NoSuchFileException) {
			return Errno.ENOENT;
		}
		if (e instanceof FileAlreadyExistsException) {
			return Errno.EEXIST;
		}
		if (e instanceof DirectoryNotEmptyException) {
			return Errno.ENOTEMPTY;
		}
		if (e instanceof AccessDeniedException) {
			return e.getMessage() != null && e.getMessage().contains("Operation not permitted") ? Errno.EPERM
					: Errno.EACCES;
		}
		if (e instanceof NotDirectoryException) {
			return Errno.ENOTDIR;
		}
		if (e instanceof NotLinkException) {
			return Errno.EINVAL;
		}
		if (e instanceof FileSystemLoopException) {
			return Errno.ELOOP;
		}
		String reason = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
		if (reason != null) {
			for (Errno errno : Errno.values()) {
				if (reason.contains(errno.description())) {
					return errno;
				}
			}
		}
		return Errno.EIO;
	}

	private static String reasonOf(IOException e) {
		if (e instanceof FileSystemException fse && fse.getReason() != null) {
			return fse.getReason();
		}
		return e.getMessage();
	}

	/**
	 * The java.nio exception that users of a {@link java.nio.file.FileSystem} expect for this errno
	 * (used by the NIO front-end).
	 */
	public FileSystemException toNio(String file) {
		FileSystemException nio = switch (errno) {
			case ENOENT -> new NoSuchFileException(file, null, getMessage());
			case EEXIST -> new FileAlreadyExistsException(file, null, getMessage());
			case ENOTEMPTY -> new DirectoryNotEmptyException(file);
			case EACCES, EPERM -> new AccessDeniedException(file, null, getMessage());
			case ENOTDIR -> new NotDirectoryException(file);
			case ELOOP -> new FileSystemLoopException(file);
			default -> new FileSystemException(file, null, getMessage());
		};
		nio.initCause(this);
		return nio;
	}

	/** Thrown where a read-only layer or store is asked to change: EROFS, never a silent no-op. */
	public static FsException readOnly(FsPath path) {
		return new FsException(Errno.EROFS, path, "read-only");
	}
}
