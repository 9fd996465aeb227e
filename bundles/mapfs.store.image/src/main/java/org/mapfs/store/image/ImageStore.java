package org.mapfs.store.image;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.mapfs.api.DirEntry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileData;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.StatFs;
import org.mapfs.api.store.Store;

/**
 * A read-only store over an ext2/ext3/ext4 file system in an image file or block device (bare, in a partition,
 * or on a DASD volume).
 * Paths are resolved from the root inode without following any symlink. A damaged image gives EIO naming the
 * block or inode at fault; anything the parsers did not foresee is reported the same way, never as another
 * exception type, so a bad image cannot break a mount.
 * <p>
 * Plain Java: {@link #open(String, Path, int, long)} needs no OSGi framework (benchmarks, other modules' tests).
 */
public final class ImageStore implements Store {
	private final String id;
	private final URI location;
	private final ExtFileSystem fs;

	private ImageStore(String id, URI location, ExtFileSystem fs) {
		this.id = id;
		this.location = location;
		this.fs = fs;
	}

	/**
	 * Opens partition {@code partition} of the image (0: the bare file system, or the only or first Linux
	 * partition) with a cache of {@code cacheBudget} bytes.
	 */
	public static ImageStore open(String id, Path image, int partition, long cacheBudget) throws FsException {
		URI location = image.toUri();
		// DASD tracks take a quarter of the budget, the file system the rest
		Container container = guard(null, () -> Images.open(image, cacheBudget / 4));
		return open(id, partition == 0 ? location : URI.create(location + "#" + partition), container, partition,
				cacheBudget - cacheBudget / 4);
	}

	/** Opens a store over a container it then owns (closed with the store, or here if opening fails). */
	static ImageStore open(String id, URI location, Container container, int partition, long cacheBudget)
			throws FsException {
		try {
			return new ImageStore(id, location, guard(null,
					() -> ExtFileSystem.open(container.select(partition), cacheBudget)));
		} catch (FsException | RuntimeException e) {
			container.close();
			throw e;
		}
	}

	@Override
	public String id() {
		return id;
	}

	@Override
	public URI location() {
		return location;
	}

	ExtFileSystem fileSystem() {
		return fs;
	}

	@Override
	public FileAttributes stat(FsPath path) throws FsException {
		return guard(path, () -> attributes(lookup(path)));
	}

	@Override
	public List<DirEntry> list(FsPath dir) throws FsException {
		return guard(dir, () -> {
			Inode inode = lookup(dir);
			if (inode.type != FileType.DIRECTORY) {
				throw new FsException(Errno.ENOTDIR, dir, "readdir: not a directory");
			}
			Map<String, Directory.Entry> entries = fs.entries(inode);
			List<DirEntry> list = new ArrayList<>(entries.size());
			for (Directory.Entry e : entries.values()) {
				list.add(new DirEntry(e.name(), type(e), e.ino()));
			}
			return list;
		});
	}

	@Override
	public FileData open(FsPath path) throws FsException {
		return guard(path, () -> {
			Inode inode = lookup(path);
			switch (inode.type) {
				case REGULAR:
					return new ExtFileData(fs, inode);
				case DIRECTORY:
					throw new FsException(Errno.EISDIR, path, "open: is a directory");
				case SYMLINK:
					throw new FsException(Errno.ELOOP, path, "open: is a symlink (never followed)");
				default:
					throw new FsException(Errno.EINVAL, path, "open: not a regular file but a " + inode.type);
			}
		});
	}

	@Override
	public String readlink(FsPath path) throws FsException {
		return guard(path, () -> {
			Inode inode = lookup(path);
			if (inode.type != FileType.SYMLINK) {
				throw new FsException(Errno.EINVAL, path, "readlink: not a symlink");
			}
			return new String(fs.symlinkTarget(inode), StandardCharsets.UTF_8);
		});
	}

	@Override
	public byte[] getxattr(FsPath path, String name) throws FsException {
		return guard(path, () -> {
			byte[] value = Xattrs.INLINE_DATA.equals(name) ? null : fs.xattrs(lookup(path)).get(name);
			if (value == null) {
				throw new FsException(Errno.ENODATA, path, name);
			}
			return PosixAcl.isAcl(name) ? PosixAcl.toXattr(value, path + " " + name) : value;
		});
	}

	@Override
	public List<String> listxattr(FsPath path) throws FsException {
		return guard(path, () -> {
			List<String> names = new ArrayList<>(fs.xattrs(lookup(path)).keySet());
			names.remove(Xattrs.INLINE_DATA);
			return names;
		});
	}

	@Override
	public StatFs statfs() {
		return fs.statfs();
	}

	public void close() throws FsException {
		fs.close();
	}

	/** Walks from the root inode; a symlink on the way is never followed (ELOOP, as openat2 RESOLVE_NO_SYMLINKS). */
	private Inode lookup(FsPath path) throws FsException {
		Inode inode = fs.inode(ExtFileSystem.ROOT);
		for (int i = 0; i < path.depth(); i++) {
			if (inode.type == FileType.SYMLINK) {
				throw new FsException(Errno.ELOOP, path.prefix(i), "is a symlink (never followed)");
			}
			if (inode.type != FileType.DIRECTORY) {
				throw new FsException(Errno.ENOTDIR, path.prefix(i), "not a directory");
			}
			Directory.Entry e = fs.entries(inode).get(path.name(i));
			if (e == null) {
				throw new FsException(Errno.ENOENT, path);
			}
			inode = fs.inode(e.ino());
		}
		return inode;
	}

	private FileType type(Directory.Entry e) throws FsException {
		return switch (e.fileType()) {
			case 1 -> FileType.REGULAR;
			case 2 -> FileType.DIRECTORY;
			case 3 -> FileType.CHAR_DEVICE;
			case 4 -> FileType.BLOCK_DEVICE;
			case 5 -> FileType.FIFO;
			case 6 -> FileType.SOCKET;
			case 7 -> FileType.SYMLINK;
			// no file type recorded (ext2 without filetype): the inode knows
			default -> fs.inode(e.ino()).type;
		};
	}

	private FileAttributes attributes(Inode i) {
		long rdev = i.type == FileType.CHAR_DEVICE || i.type == FileType.BLOCK_DEVICE ? i.rdev() : 0;
		// dir_nlink: a directory with more links than 16 bits hold says 1
		return new FileAttributes(i.type, i.mode, i.uid, i.gid, i.size, i.sectors, i.links, i.ino, 0, rdev,
				i.atimeNs, i.mtimeNs, i.ctimeNs);
	}

	interface Action<T> {
		T run() throws FsException;
	}

	/**
	 * Runs a read. A fault found below (EIO naming a block or an inode) gets the path it was met on; an
	 * unchecked exception from a parser is a bug meeting a damaged image, reported as EIO with the exception as
	 * cause so tests can tell it from a clean report.
	 */
	static <T> T guard(FsPath path, Action<T> action) throws FsException {
		try {
			return action.run();
		} catch (FsException e) {
			if (e.errno() != Errno.EIO || e.path() != null || path == null) {
				throw e;
			}
			throw new FsException(Errno.EIO, path, e.getMessage().substring(Errno.EIO.name().length() + 2), e);
		} catch (RuntimeException e) {
			throw new FsException(Errno.EIO, path, "damaged image: " + e, e);
		}
	}
}
