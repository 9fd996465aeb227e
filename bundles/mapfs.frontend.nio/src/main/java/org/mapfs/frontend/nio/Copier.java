package org.mapfs.frontend.nio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;

import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.RenameMode;
import org.mapfs.api.XattrMode;

/**
 * Files.copy and Files.move as the JDK's Unix provider does them. Within one mount a file is copied by
 * {@link Mount#copy} (a copy-up where the engine can) and moved by rename; between two mounts through channels and
 * attribute views, as the JDK copies to a foreign provider.
 */
final class Copier {
	private Copier() {
	}

	private record Flags(boolean replace, boolean attributes, boolean follow, boolean atomic) {
		static Flags ofCopy(CopyOption... options) {
			boolean replace = false;
			boolean attributes = false;
			boolean follow = true;
			for (CopyOption o : options) {
				if (o == StandardCopyOption.REPLACE_EXISTING) {
					replace = true;
				} else if (o == StandardCopyOption.COPY_ATTRIBUTES) {
					attributes = true;
				} else if (o == LinkOption.NOFOLLOW_LINKS) {
					follow = false;
				} else if (o == null) {
					throw new NullPointerException();
				} else {
					throw new UnsupportedOperationException("Unsupported copy option");
				}
			}
			return new Flags(replace, attributes, follow, false);
		}

		/** A move keeps the attributes and never follows a link; COPY_ATTRIBUTES is not a move option. */
		static Flags ofMove(CopyOption... options) {
			boolean replace = false;
			boolean atomic = false;
			for (CopyOption o : options) {
				if (o == StandardCopyOption.REPLACE_EXISTING) {
					replace = true;
				} else if (o == StandardCopyOption.ATOMIC_MOVE) {
					atomic = true;
				} else if (o == null) {
					throw new NullPointerException();
				} else if (o != LinkOption.NOFOLLOW_LINKS) {
					throw new UnsupportedOperationException("Unsupported copy option");
				}
			}
			return new Flags(replace, true, false, atomic);
		}
	}

	static void copy(MapFsPath source, MapFsPath target, CopyOption... options) throws IOException {
		Flags flags = Flags.ofCopy(options);
		if (source.getFileSystem() != target.getFileSystem()) {
			copyAcross(source, target, flags);
			return;
		}
		MapFsFileSystem fs = source.getFileSystem();
		fs.checkOpen();
		FsPath from = on(source, () -> fs.resolver().resolve(source, flags.follow()));
		FileAttributes attrs = on(source, () -> fs.mount().stat(from));
		FsPath to = on(target, () -> fs.resolver().resolve(target, false));
		if (!on(target, () -> clearTarget(fs, attrs, to, target, flags.replace()))) {
			return;
		}
		// as the JDK, the source is looked up again by its path: removing the target may have changed it
		FsPath again = on(source, () -> fs.resolver().resolve(source, flags.follow()));
		FileAttributes now = on(source, () -> fs.mount().stat(again));
		on(target, () -> {
			copyEntry(fs, now, again, to, flags.attributes());
			fs.changed(to.parent());
			return null;
		});
	}

	/** A step whose errors name {@code path}: the JDK names the source when reading, the target when writing. */
	private interface Step<T> {
		T run() throws IOException, FsException;
	}

	private static <T> T on(MapFsPath path, Step<T> step) throws IOException {
		try {
			return step.run();
		} catch (FsException e) {
			throw Errors.nio(e, path);
		}
	}

	/**
	 * Makes room for the target as the JDK does: nothing to do if it is the source itself (false), an error if it
	 * exists without REPLACE_EXISTING, else it is deleted (a directory only if empty).
	 */
	private static boolean clearTarget(MapFsFileSystem fs, FileAttributes source, FsPath to, MapFsPath target,
			boolean replace) throws IOException, FsException {
		FileAttributes existing;
		try {
			existing = fs.mount().stat(to);
		} catch (FsException e) {
			if (e.errno() == Errno.ENOENT) {
				return true;
			}
			throw e;
		}
		if (existing.ino() == source.ino() && existing.dev() == source.dev()) {
			return false;
		}
		if (!replace) {
			throw new FileAlreadyExistsException(target.toString());
		}
		try {
			if (existing.isDirectory()) {
				fs.mount().rmdir(to);
			} else {
				fs.mount().unlink(to);
			}
		} catch (FsException e) {
			if (e.errno() == Errno.ENOTEMPTY || e.errno() == Errno.EEXIST) {
				throw new DirectoryNotEmptyException(target.toString());
			}
			throw e;
		}
		return true;
	}

	/** One entry (a directory without its entries) to a free name of the same mount. */
	private static void copyEntry(MapFsFileSystem fs, FileAttributes attrs, FsPath from, FsPath to,
			boolean attributes) throws FsException {
		Mount mount = fs.mount();
		int mode = attributes ? attrs.mode() : fs.identity().create(attrs.mode());
		switch (attrs.type()) {
			case DIRECTORY -> mount.mkdir(to, mode, Caller.PROCESS);
			case SYMLINK -> mount.symlink(to, mount.readlink(from), Caller.PROCESS);
			case REGULAR -> {
				mount.copy(from, to, false, Caller.PROCESS);
				if (mode != attrs.mode()) {
					mount.setattr(to, AttributeChange.mode(mode));
				}
			}
			default -> mount.mknod(to, attrs.type(), mode, attrs.rdev(), Caller.PROCESS);
		}
		if (attributes) {
			copyAttributes(mount, attrs, from, to);
		}
	}

	/** Owner, then mode (chown clears setuid), times and user xattrs; a symlink has no mode or xattrs of its own. */
	private static void copyAttributes(Mount mount, FileAttributes attrs, FsPath from, FsPath to)
			throws FsException {
		mount.setattr(to, AttributeChange.owner(attrs.uid(), attrs.gid()));
		if (!attrs.isSymlink()) {
			mount.setattr(to, AttributeChange.mode(attrs.mode()));
			for (String name : mount.listxattr(from)) {
				if (name.startsWith(UserView.PREFIX)) {
					mount.setxattr(to, name, mount.getxattr(from, name), XattrMode.SET);
				}
			}
		}
		mount.setattr(to, AttributeChange.times(attrs.atimeNs(), attrs.mtimeNs()));
	}

	static void move(MapFsPath source, MapFsPath target, CopyOption... options) throws IOException {
		Flags flags = Flags.ofMove(options);
		if (source.getFileSystem() != target.getFileSystem()) {
			if (flags.atomic()) {
				throw new AtomicMoveNotSupportedException(source.toString(), target.toString(),
						"source and target are in different file systems");
			}
			copyAcross(source, target, flags);
			Files.delete(source);
			return;
		}
		MapFsFileSystem fs = source.getFileSystem();
		fs.checkOpen();
		FsPath from = on(source, () -> fs.resolver().resolve(source, false));
		FsPath to = on(target, () -> fs.resolver().resolve(target, false));
		if (flags.atomic()) {
			rename(fs, from, to, source, target);
			return;
		}
		FileAttributes attrs = on(source, () -> fs.mount().stat(from));
		if (!on(target, () -> clearTarget(fs, attrs, to, target, flags.replace()))) {
			return;
		}
		try {
			rename(fs, from, to, source, target);
		} catch (AtomicMoveNotSupportedException e) {
			on(source, () -> {
				moveByCopy(fs, attrs, from, to, source);
				return null;
			});
		}
	}

	/** rename(2); errors name both paths, EXDEV is AtomicMoveNotSupportedException. */
	private static void rename(MapFsFileSystem fs, FsPath from, FsPath to, MapFsPath source, MapFsPath target)
			throws IOException {
		try {
			fs.mount().rename(from, to, RenameMode.REPLACE);
		} catch (FsException e) {
			if (e.errno() == Errno.EXDEV) {
				throw new AtomicMoveNotSupportedException(source.toString(), target.toString(), e.getMessage());
			}
			throw Errors.nio(e, source, target);
		}
		fs.changed(from.parent());
		fs.changed(to.parent());
	}

	/** A rename the mount refused with EXDEV: a copy and a delete, for a directory only if it is empty. */
	private static void moveByCopy(MapFsFileSystem fs, FileAttributes attrs, FsPath from, FsPath to,
			MapFsPath source) throws IOException, FsException {
		if (attrs.isDirectory() && !fs.mount().list(from).isEmpty()) {
			throw new DirectoryNotEmptyException(source.toString());
		}
		copyEntry(fs, attrs, from, to, true);
		if (attrs.isDirectory()) {
			fs.mount().rmdir(from);
		} else {
			fs.mount().unlink(from);
		}
		fs.changed(from.parent());
		fs.changed(to.parent());
	}

	/** To another mount's file system: through Files, as the JDK copies to a foreign provider. */
	private static void copyAcross(MapFsPath source, MapFsPath target, Flags flags) throws IOException {
		LinkOption[] links = flags.follow() ? new LinkOption[0] : new LinkOption[] { LinkOption.NOFOLLOW_LINKS };
		PosixFileAttributes attrs = Files.readAttributes(source, PosixFileAttributes.class, links);
		if (flags.replace()) {
			Files.deleteIfExists(target);
		} else if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
			throw new FileAlreadyExistsException(target.toString());
		}
		if (attrs.isSymbolicLink()) {
			Files.createSymbolicLink(target, target.getFileSystem().getPath(Files.readSymbolicLink(source).toString()));
			return;
		}
		if (attrs.isDirectory()) {
			Files.createDirectory(target);
		} else if (attrs.isRegularFile()) {
			try (InputStream in = Files.newInputStream(source)) {
				Files.copy(in, target);
			}
		} else {
			throw new IOException("cannot copy " + source + " to another file system: not a file, directory or link");
		}
		if (flags.attributes()) {
			PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
			view.setPermissions(attrs.permissions());
			UserDefinedFileAttributeView from = Files.getFileAttributeView(source, UserDefinedFileAttributeView.class);
			UserDefinedFileAttributeView to = Files.getFileAttributeView(target, UserDefinedFileAttributeView.class);
			for (String name : from.list()) {
				ByteBuffer value = ByteBuffer.allocate(from.size(name));
				from.read(name, value);
				to.write(name, value.flip());
			}
			view.setTimes(attrs.lastModifiedTime(), attrs.lastAccessTime(), null);
		}
	}
}
