package org.mapfs.store.nfs;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.DirEntry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileData;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.StatFs;
import org.mapfs.api.XattrMode;
import org.mapfs.api.store.WorkArea;
import org.mapfs.api.store.WritableStore;

/**
 * A store over a folder of an NFSv3 export, through the project's own client ({@link NfsClient}).
 * <p>
 * Paths are resolved from the store's root handle one LOOKUP per name, never through a symlink (ELOOP) or a
 * non-directory (ENOTDIR). Looked-up handles (per path) and attributes (per handle, shared with the work area)
 * are trusted for {@code attrCacheMillis}; whatever this store changes it forgets at once. An operation that
 * meets a stale handle (the server lost it, e.g. the file was replaced behind our back) forgets the handles,
 * finds its root again if that one is stale too, and runs once more.
 * <p>
 * NFSv3 has no extended attributes: none are ever found, and setting one gives ENOTSUP.
 */
final class NfsStore implements WritableStore, AutoCloseable {
	private static final int HANDLE_CACHE_CAPACITY = 65536;
	/** The unit statfs reports sizes in (FSSTAT counts bytes). */
	private static final int BLOCK_SIZE = 4096;
	private static final SecureRandom RANDOM = new SecureRandom();

	@FunctionalInterface
	private interface Op<T> {
		T run() throws FsException;
	}

	private final String id;
	private final NfsExport export;
	private final FsPath folder;
	private final URI location;
	private final boolean readOnly;
	private final boolean privileged;
	private final NfsStore work;
	/** The store that opened the export closes it; its work area does not. */
	private final boolean ownsExport;
	private final TimedCache<FsPath, NfsHandle> handles;
	private volatile NfsHandle root;
	private volatile boolean closed;

	private NfsStore(String id, NfsExport export, FsPath folder, NfsHandle root, boolean readOnly,
			boolean privileged, NfsStore work, boolean ownsExport) {
		this.id = id;
		this.export = export;
		this.folder = folder;
		this.location = export.uri(folder);
		this.root = root;
		this.readOnly = readOnly;
		this.privileged = privileged;
		this.work = work;
		this.ownsExport = ownsExport;
		this.handles = new TimedCache<>(export.attrCacheMillis, HANDLE_CACHE_CAPACITY);
	}

	/**
	 * Mounts the export and opens the store's folder in it (and for a writable store the work area, created if
	 * missing). Every call made here is soft: it ends in bounded time whatever the server does.
	 *
	 * @throws FsException naming the store, the server and the fault
	 */
	static NfsStore open(String id, NfsOptions o) throws FsException {
		if (id == null || id.isBlank()) {
			throw new FsException(Errno.EINVAL, "an NFS store needs an id");
		}
		String where = "store '" + id + "' (NFS server " + o.server() + ", export " + o.export() + "): ";
		FsPath folder;
		FsPath workFolder;
		try {
			folder = FsPath.of(o.path() == null ? "/" : o.path());
			workFolder = o.work() == null || o.work().isBlank() ? null : FsPath.of(o.work());
		} catch (FsException e) {
			throw new FsException(e.errno(), null, where + "bad folder: " + e.getMessage(), e);
		}
		if (!o.readOnly()) {
			if (workFolder == null) {
				throw new FsException(Errno.EINVAL, where + "a writable store needs a work folder");
			}
			if (workFolder.startsWith(folder) || folder.startsWith(workFolder)) {
				throw new FsException(Errno.EINVAL, where + "the work folder /" + workFolder
						+ " and the store's folder /" + folder + " must not contain each other");
			}
		}
		NfsExport export;
		try {
			export = NfsExport.mount(o);
		} catch (FsException e) {
			throw new FsException(e.errno(), null, where + e.getMessage(), e);
		}
		try {
			NfsHandle rootHandle = export.locate(folder, false);
			boolean privileged = o.uid() == 0;
			NfsStore workStore = null;
			if (!o.readOnly()) {
				NfsHandle workHandle = export.locate(workFolder, true);
				privileged &= ownsAsRoot(export, workHandle, workFolder);
				workStore = new NfsStore(id + "/work", export, workFolder, workHandle, false, privileged, null,
						false);
			}
			return new NfsStore(id, export, folder, rootHandle, o.readOnly(), privileged, workStore, true);
		} catch (FsException e) {
			export.close();
			throw new FsException(e.errno(), null, where + e.getMessage(), e);
		}
	}

	/** Whether a file made as root belongs to root (the export does not squash root): made and removed once. */
	private static boolean ownsAsRoot(NfsExport export, NfsHandle workDir, FsPath workFolder) throws FsException {
		String name = ".mapfs-probe-" + Long.toHexString(RANDOM.nextLong());
		FsPath p = workFolder.resolve(name);
		NfsClient nfs = export.nfs;
		NfsClient.Node n = nfs.create(workDir, name, NfsClient.CreateMode.GUARDED, Sattr.create(0600, -1, -1), 0, p);
		try {
			NfsHandle h = n.handle() != null ? n.handle() : nfs.lookup(workDir, name, p).handle();
			return nfs.getattr(h, p).uid() == 0;
		} finally {
			nfs.remove(workDir, name, p);
		}
	}

	@Override
	public String id() {
		return id;
	}

	/** {@code nfs://host:port/export/folder}. */
	@Override
	public URI location() {
		return location;
	}

	@Override
	public boolean isPrivileged() {
		return privileged;
	}

	/** Closes the connections (the store that opened the export); later operations fail with EIO. */
	@Override
	public void close() {
		closed = true;
		if (work != null) {
			work.close();
		}
		if (ownsExport) {
			export.close();
		}
	}

	@Override
	public String toString() {
		return "NfsStore[" + id + " at " + location + (readOnly ? ", read-only]" : "]");
	}

	// ---------------------------------------------------------------------------------------------------------
	// resolution and caches

	private NfsClient nfs() {
		return export.nfs;
	}

	/** Runs {@code op}; after a stale handle, once more with the handles found again from the root. */
	private <T> T run(Op<T> op) throws FsException {
		checkOpen();
		try {
			return op.run();
		} catch (FsException e) {
			if (e.errno() != Errno.ESTALE) {
				throw e;
			}
			recover();
			return op.run();
		}
	}

	private void checkOpen() throws FsException {
		if (closed) {
			throw new FsException(Errno.EIO, null, "store '" + id + "' is closed");
		}
	}

	/** Forgets every looked-up handle, and finds the root again if it is stale too. */
	private void recover() throws FsException {
		handles.clear();
		try {
			export.attrs.remove(root);
			nfs().getattr(root, FsPath.ROOT);
		} catch (FsException e) {
			if (e.errno() != Errno.ESTALE) {
				throw e;
			}
			root = export.locate(folder, false);
		}
	}

	/** The handle of {@code path}, looked up name by name from the root (or remembered). */
	private NfsHandle handle(FsPath path) throws FsException {
		if (path.isRoot()) {
			return root;
		}
		NfsHandle h = handles.get(path);
		if (h != null) {
			return h;
		}
		NfsHandle dir = directory(path.parent(), path);
		NfsClient.Node n = nfs().lookup(dir, path.name(), path);
		remember(path, n.handle(), n.attrs());
		return n.handle();
	}

	private void remember(FsPath path, NfsHandle h, FileAttributes attrs) {
		handles.put(path, h);
		if (attrs != null) {
			export.attrs.put(h, attrs);
		}
	}

	/**
	 * The handle of the directory {@code dir} on the way to {@code entry}: ELOOP if it is a symlink (never
	 * followed), ENOTDIR if it is something else.
	 */
	private NfsHandle directory(FsPath dir, FsPath entry) throws FsException {
		NfsHandle h = handle(dir);
		FileAttributes a = attributes(h, dir);
		if (a.isDirectory()) {
			return h;
		}
		if (a.isSymlink()) {
			throw new FsException(Errno.ELOOP, entry, "/" + dir + " is a symlink (never followed)");
		}
		throw new FsException(Errno.ENOTDIR, entry, "/" + dir + " is not a directory");
	}

	/** The attributes of a handle, from the cache or the server. */
	FileAttributes attributes(NfsHandle h, FsPath path) throws FsException {
		FileAttributes a = export.attrs.get(h);
		if (a == null) {
			a = nfs().getattr(h, path);
			export.attrs.put(h, a);
		}
		return a;
	}

	/** Forgets what a change of the entry {@code path} in the directory {@code dir} made out of date. */
	private void forget(NfsHandle dir, FsPath path) {
		export.attrs.remove(dir);
		NfsHandle h = handles.get(path);
		if (h != null) {
			export.attrs.remove(h);
		}
		handles.remove(path);
	}

	/** Forgets an entry and everything below it (it was renamed or removed). */
	private void forgetTree(NfsHandle dir, FsPath path) {
		forget(dir, path);
		handles.removeIf(p -> p.startsWith(path));
	}

	/** The attributes of a file that changed through an open file. */
	void forgetAttributes(NfsHandle h) {
		export.attrs.remove(h);
	}

	/** A file's handle found again from the root, after the one an open file holds went stale. */
	NfsHandle refresh(FsPath path) throws FsException {
		checkOpen();
		recover();
		return handle(path);
	}

	NfsClient client() {
		return nfs();
	}

	int readSize() {
		return export.readSize;
	}

	int writeSize() {
		return export.writeSize;
	}

	// ---------------------------------------------------------------------------------------------------------
	// read side

	@Override
	public FileAttributes stat(FsPath path) throws FsException {
		return run(() -> attributes(handle(path), path));
	}

	@Override
	public List<DirEntry> list(FsPath dir) throws FsException {
		return run(() -> {
			NfsHandle h = handle(dir);
			if (!attributes(h, dir).isDirectory()) {
				throw new FsException(Errno.ENOTDIR, dir, "readdir: not a directory (a symlink is never followed)");
			}
			List<DirEntry> entries = new ArrayList<>();
			for (NfsClient.Entry e : nfs().readdirplus(h, dir)) {
				FsPath p = dir.resolve(e.name());
				FileAttributes a = e.attrs();
				if (e.handle() != null) {
					remember(p, e.handle(), a);
				}
				if (a == null) {
					a = attributes(handle(p), p);
				}
				entries.add(new DirEntry(e.name(), a.type(), e.fileid()));
			}
			return Collections.unmodifiableList(entries);
		});
	}

	@Override
	public FileData open(FsPath path) throws FsException {
		return openRegular(path, NfsClient.ACCESS_READ, false);
	}

	/** Opens a regular file after asking the server whether this client may read (and modify) it. */
	private FileData openRegular(FsPath path, int access, boolean writable) throws FsException {
		return run(() -> {
			NfsHandle h = handle(path);
			checkRegular(attributes(h, path), path, "open");
			if ((nfs().access(h, access, path) & access) != access) {
				throw new FsException(Errno.EACCES, path, "open: the server denies " + (writable ? "read-write"
						: "read") + " access");
			}
			return new NfsFileData(this, path, h, writable);
		});
	}

	private static void checkRegular(FileAttributes a, FsPath path, String op) throws FsException {
		switch (a.type()) {
			case REGULAR:
				return;
			case DIRECTORY:
				throw new FsException(Errno.EISDIR, path, op + ": is a directory");
			case SYMLINK:
				throw new FsException(Errno.ELOOP, path, op + ": is a symlink (never followed)");
			default:
				throw new FsException(Errno.EINVAL, path, op + ": not a regular file but a " + a.type());
		}
	}

	@Override
	public String readlink(FsPath path) throws FsException {
		return run(() -> {
			NfsHandle h = handle(path);
			if (!attributes(h, path).isSymlink()) {
				throw new FsException(Errno.EINVAL, path, "readlink: not a symlink");
			}
			return nfs().readlink(h, path);
		});
	}

	@Override
	public byte[] getxattr(FsPath path, String name) throws FsException {
		stat(path);
		throw new FsException(Errno.ENODATA, path, "NFSv3 has no extended attributes");
	}

	@Override
	public List<String> listxattr(FsPath path) throws FsException {
		stat(path);
		return List.of();
	}

	@Override
	public StatFs statfs() throws FsException {
		return run(() -> {
			NfsClient.FsStat s = nfs().fsstat(root);
			return new StatFs(BLOCK_SIZE, s.totalBytes() / BLOCK_SIZE, s.freeBytes() / BLOCK_SIZE,
					s.availableBytes() / BLOCK_SIZE, s.totalFiles(), s.freeFiles(), export.nameMax);
		});
	}

	// ---------------------------------------------------------------------------------------------------------
	// write side

	private void checkWritable(FsPath path) throws FsException {
		if (readOnly) {
			throw FsException.readOnly(path);
		}
	}

	/** The attributes a new entry gets: its mode, and its owner where this store may set owners. */
	private Sattr newEntry(int mode, Caller owner) {
		boolean setOwner = privileged && owner != null && !owner.isProcess();
		return Sattr.create(mode, setOwner ? owner.uid() : -1, setOwner ? owner.gid() : -1);
	}

	/** The handle of a new entry: sent with the reply, or looked up. */
	private NfsHandle created(NfsClient.Node n, NfsHandle dir, FsPath path) throws FsException {
		NfsHandle h = n.handle() != null ? n.handle() : nfs().lookup(dir, path.name(), path).handle();
		forget(dir, path);
		handles.put(path, h);
		return h;
	}

	/**
	 * Sets the mode a server did not give a new entry as asked (some apply a umask or drop setgid), as
	 * LocalStore does with an explicit chmod.
	 */
	private void enforceMode(NfsHandle h, NfsClient.Node n, int mode, FsPath path) throws FsException {
		int perm = mode & FileAttributes.PERMISSION_BITS;
		if (n.attrs() == null || n.attrs().mode() != perm) {
			nfs().setattr(h, Sattr.create(perm, -1, -1), path);
			export.attrs.remove(h);
		}
	}

	@Override
	public FileData openWritable(FsPath path) throws FsException {
		checkWritable(path);
		return openRegular(path, NfsClient.ACCESS_READ | NfsClient.ACCESS_MODIFY, true);
	}

	/**
	 * CREATE EXCLUSIVE with a verifier of this call, so that a retransmission after a lost reply finds its own
	 * file instead of EEXIST; the server keeps the verifier in the times, so the mode, owner and times are set
	 * after it. A server without EXCLUSIVE gets GUARDED.
	 */
	@Override
	public FileData create(FsPath path, int mode, Caller owner) throws FsException {
		checkWritable(path);
		long verifier = RANDOM.nextLong();
		Sattr attrs = newEntry(mode, owner);
		return run(() -> {
			NfsHandle dir = directory(path.parent(), path);
			NfsHandle h;
			try {
				NfsClient.Node n = nfs().create(dir, path.name(), NfsClient.CreateMode.EXCLUSIVE, null, verifier,
						path);
				h = created(n, dir, path);
				try {
					setattr(h, new Sattr(attrs.mode(), attrs.uid(), attrs.gid(), null, AttributeChange.NOW,
							AttributeChange.NOW), path);
				} catch (FsException e) {
					nfs().remove(dir, path.name(), path);
					forget(dir, path);
					throw e;
				}
			} catch (FsException e) {
				if (e.errno() != Errno.ENOTSUP) {
					throw e;
				}
				NfsClient.Node n = nfs().create(dir, path.name(), NfsClient.CreateMode.GUARDED, attrs, 0, path);
				h = created(n, dir, path);
				enforceMode(h, n, mode, path);
			}
			return new NfsFileData(this, path, h, true);
		});
	}

	@Override
	public void mkdir(FsPath path, int mode, Caller owner) throws FsException {
		checkWritable(path);
		if (path.isRoot()) {
			throw new FsException(Errno.EEXIST, path, "mkdir: the store's root");
		}
		run(() -> {
			NfsHandle dir = directory(path.parent(), path);
			NfsClient.Node n = nfs().mkdir(dir, path.name(), newEntry(mode, owner), path);
			enforceMode(created(n, dir, path), n, mode, path);
			return null;
		});
	}

	/** Devices, fifos and sockets with MKNOD; a regular file with CREATE GUARDED. */
	@Override
	public void mknod(FsPath path, FileType type, int mode, long rdev, Caller owner) throws FsException {
		checkWritable(path);
		if (type == FileType.DIRECTORY || type == FileType.SYMLINK) {
			throw new FsException(Errno.EINVAL, path, "mknod cannot make a " + type + ": use mkdir or symlink");
		}
		run(() -> {
			NfsHandle dir = directory(path.parent(), path);
			Sattr attrs = newEntry(mode, owner);
			NfsClient.Node n = type == FileType.REGULAR
					? nfs().create(dir, path.name(), NfsClient.CreateMode.GUARDED, attrs, 0, path)
					: nfs().mknod(dir, path.name(), type, attrs, rdev, path);
			enforceMode(created(n, dir, path), n, mode, path);
			return null;
		});
	}

	@Override
	public void symlink(FsPath link, String target, Caller owner) throws FsException {
		checkWritable(link);
		if (target == null || target.isEmpty() || target.indexOf('\0') >= 0) {
			throw new FsException(Errno.EINVAL, link, "symlink: empty target or target with NUL");
		}
		if (target.getBytes(StandardCharsets.UTF_8).length >= FsPath.PATH_MAX) {
			throw new FsException(Errno.ENAMETOOLONG, link, "symlink: target longer than PATH_MAX");
		}
		Sattr owned = newEntry(0, owner);
		Sattr attrs = new Sattr(null, owned.uid(), owned.gid(), null, null, null);
		run(() -> {
			NfsHandle dir = directory(link.parent(), link);
			created(nfs().symlink(dir, link.name(), attrs, target, link), dir, link);
			return null;
		});
	}

	@Override
	public void link(FsPath existing, FsPath link) throws FsException {
		checkWritable(link);
		run(() -> {
			NfsHandle h = handle(existing);
			if (attributes(h, existing).isDirectory()) {
				throw new FsException(Errno.EPERM, link, "link: " + existing.toAbsoluteString() + " is a directory");
			}
			NfsHandle dir = directory(link.parent(), link);
			nfs().link(h, dir, link.name(), link);
			export.attrs.remove(h);
			forget(dir, link);
			return null;
		});
	}

	@Override
	public void unlink(FsPath path) throws FsException {
		checkWritable(path);
		run(() -> {
			NfsHandle dir = directory(path.parent(), path);
			if (attributes(handle(path), path).isDirectory()) {
				throw new FsException(Errno.EISDIR, path, "unlink: is a directory");
			}
			try {
				nfs().remove(dir, path.name(), path);
			} finally {
				forget(dir, path);
			}
			return null;
		});
	}

	@Override
	public void rmdir(FsPath path) throws FsException {
		checkWritable(path);
		if (path.isRoot()) {
			throw new FsException(Errno.EBUSY, path, "rmdir: the store's root");
		}
		run(() -> {
			NfsHandle dir = directory(path.parent(), path);
			if (!attributes(handle(path), path).isDirectory()) {
				throw new FsException(Errno.ENOTDIR, path, "rmdir: not a directory");
			}
			try {
				nfs().rmdir(dir, path.name(), path);
			} finally {
				forgetTree(dir, path);
			}
			return null;
		});
	}

	/**
	 * RENAME. NFSv3 has no RENAME_NOREPLACE: without {@code replace} the target is looked up first (another
	 * client could create it in between).
	 */
	@Override
	public void rename(FsPath from, FsPath to, boolean replace) throws FsException {
		checkWritable(to);
		if (from.isRoot() || to.isRoot()) {
			throw new FsException(Errno.EBUSY, from.isRoot() ? from : to, "rename: the store's root");
		}
		run(() -> {
			NfsHandle fromDir = directory(from.parent(), from);
			NfsHandle toDir = directory(to.parent(), to);
			if (!replace) {
				refuseExisting(toDir, to);
			}
			move(this, fromDir, from, toDir, to);
			return null;
		});
	}

	private void refuseExisting(NfsHandle dir, FsPath path) throws FsException {
		try {
			nfs().lookup(dir, path.name(), path);
		} catch (FsException e) {
			if (e.errno() == Errno.ENOENT) {
				return;
			}
			throw e;
		}
		throw new FsException(Errno.EEXIST, path, "rename: the target exists");
	}

	/** RENAME from {@code source} (this store or its work area) into this store, forgetting what moved. */
	private void move(NfsStore source, NfsHandle fromDir, FsPath from, NfsHandle toDir, FsPath to)
			throws FsException {
		NfsHandle moved = source.handles.get(from);
		try {
			nfs().rename(fromDir, from.name(), toDir, to.name(), to);
		} finally {
			if (moved != null) {
				export.attrs.remove(moved);
			}
			source.forgetTree(fromDir, from);
			forgetTree(toDir, to);
		}
	}

	@Override
	public void setattr(FsPath path, AttributeChange change) throws FsException {
		checkWritable(path);
		if (change.isEmpty()) {
			return;
		}
		run(() -> {
			NfsHandle h = handle(path);
			// a symlink's mode cannot be changed on Linux: ignored, as LocalStore does
			Sattr s = Sattr.of(change);
			if (attributes(h, path).isSymlink()) {
				s = new Sattr(null, s.uid(), s.gid(), null, s.atimeNs(), s.mtimeNs());
			}
			setattr(h, s, path);
			return null;
		});
	}

	/**
	 * SETATTR, the owner first when both owner and mode change: a server applies a change of owner after the
	 * mode and clears setuid and setgid with it, as chown(2) does.
	 */
	private void setattr(NfsHandle h, Sattr s, FsPath path) throws FsException {
		try {
			if (s.mode() != null && (s.uid() != null || s.gid() != null)) {
				nfs().setattr(h, new Sattr(null, s.uid(), s.gid(), null, null, null), path);
				s = new Sattr(s.mode(), null, null, s.size(), s.atimeNs(), s.mtimeNs());
			}
			if (!s.equals(Sattr.NONE)) {
				nfs().setattr(h, s, path);
			}
		} finally {
			export.attrs.remove(h);
		}
	}

	@Override
	public void truncate(FsPath path, long size) throws FsException {
		checkWritable(path);
		if (size < 0) {
			throw new FsException(Errno.EINVAL, path, "truncate: negative size " + size);
		}
		run(() -> {
			NfsHandle h = handle(path);
			checkRegular(attributes(h, path), path, "truncate");
			try {
				nfs().setattr(h, Sattr.size(size), path);
			} finally {
				export.attrs.remove(h);
			}
			return null;
		});
	}

	@Override
	public void setxattr(FsPath path, String name, byte[] value, XattrMode mode) throws FsException {
		checkWritable(path);
		stat(path);
		throw new FsException(Errno.ENOTSUP, path, "NFSv3 has no extended attributes");
	}

	@Override
	public void removexattr(FsPath path, String name) throws FsException {
		checkWritable(path);
		stat(path);
		throw new FsException(Errno.ENOTSUP, path, "NFSv3 has no extended attributes");
	}

	@Override
	public WritableStore work() throws FsException {
		return WorkArea.of(id, readOnly, work);
	}

	/** One RENAME from the work area into the store: the two are folders of the same export. */
	@Override
	public void publish(FsPath staged, FsPath target) throws FsException {
		checkWritable(target);
		NfsStore w = (NfsStore) work();
		WorkArea.checkPublish(staged, target);
		run(() -> {
			NfsHandle fromDir;
			try {
				fromDir = w.directory(staged.parent(), staged);
			} catch (FsException e) {
				if (e.errno() == Errno.ESTALE) {
					w.recover();
				}
				throw e;
			}
			move(w, fromDir, staged, directory(target.parent(), target), target);
			return null;
		});
	}
}
