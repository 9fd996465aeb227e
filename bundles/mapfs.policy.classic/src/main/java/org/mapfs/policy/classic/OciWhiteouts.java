package org.mapfs.policy.classic;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
import org.mapfs.api.store.WritableStore;

/**
 * An overlay store that has no character devices or no extended attributes (an NFSv3 export), seen as one that
 * has: the whiteout of {@code name} is an empty file {@code .wh.name} and an opaque directory holds
 * {@code .wh..wh..opq}, as in OCI image layers (and aufs). The engine sees a whiteout as the 0/0 character device
 * and the opaque mark as the {@code overlay.opaque} attribute, as in overlayfs's format, and never sees a
 * {@code .wh.} name; clients cannot make one.
 * <p>
 * A name and its whiteout can both exist after a crash between two steps: the name wins, so every change is
 * ordered to leave either the old or the new state visible (a whiteout is written before the entry it replaces
 * goes, and goes after the entry that replaces it is there).
 */
final class OciWhiteouts implements WritableStore {
	static final String PREFIX = ".wh.";
	static final String OPAQUE = PREFIX + PREFIX + ".opq";

	private final WritableStore store;
	private final String opaqueXattr;

	OciWhiteouts(WritableStore store, String opaqueXattr) {
		this.store = store;
		this.opaqueXattr = opaqueXattr;
	}

	private static boolean isWhiteoutName(String name) {
		return name.startsWith(PREFIX);
	}

	private static FsPath whiteoutOf(FsPath path) throws FsException {
		return path.parent().resolve(PREFIX + path.name());
	}

	/** A path a client names: a {@code .wh.} name is this format's own. */
	private static FsPath checked(FsPath path) throws FsException {
		if (!path.isRoot() && isWhiteoutName(path.name())) {
			throw new FsException(Errno.EINVAL, path, "names starting with " + PREFIX
					+ " are whiteouts on this overlay (it keeps them as names: no devices or extended attributes)");
		}
		return path;
	}

	private boolean exists(FsPath path) throws FsException {
		try {
			store.stat(path);
			return true;
		} catch (FsException e) {
			if (e.errno() == Errno.ENOENT) {
				return false;
			}
			throw e;
		}
	}

	/** True if {@code path} shows as a whiteout: no entry of its own, but its {@code .wh.} name. */
	private boolean isWhiteout(FsPath path) throws FsException {
		return !path.isRoot() && !isWhiteoutName(path.name()) && !exists(path) && exists(whiteoutOf(path));
	}

	/** Like a whiteout character device, the whiteout name takes the name: nothing is made over it. */
	private FsPath free(FsPath path) throws FsException {
		checked(path);
		if (exists(whiteoutOf(path))) {
			throw new FsException(Errno.EEXIST, path);
		}
		return path;
	}

	/** After an entry was put at {@code path}: its whiteout, if any, goes (the entry already wins). */
	private void dropWhiteout(FsPath path) throws FsException {
		try {
			store.unlink(whiteoutOf(path));
		} catch (FsException e) {
			if (e.errno() != Errno.ENOENT) {
				throw e;
			}
		}
	}

	@Override
	public String id() {
		return store.id();
	}

	@Override
	public URI location() {
		return store.location();
	}

	@Override
	public FileAttributes stat(FsPath path) throws FsException {
		if (!path.isRoot() && isWhiteoutName(path.name())) {
			throw new FsException(Errno.ENOENT, path);
		}
		try {
			return store.stat(path);
		} catch (FsException e) {
			if (e.errno() != Errno.ENOENT) {
				throw e;
			}
			FileAttributes w;
			try {
				w = store.stat(whiteoutOf(path));
			} catch (FsException none) {
				throw e;
			}
			return new FileAttributes(FileType.CHAR_DEVICE, 0, w.uid(), w.gid(), 0, 0, 1, w.ino(), w.dev(), 0,
					w.atimeNs(), w.mtimeNs(), w.ctimeNs());
		}
	}

	@Override
	public List<DirEntry> list(FsPath dir) throws FsException {
		List<DirEntry> all = store.list(dir);
		Set<String> names = new HashSet<>();
		for (DirEntry e : all) {
			names.add(e.name());
		}
		List<DirEntry> out = new ArrayList<>(all.size());
		for (DirEntry e : all) {
			if (!isWhiteoutName(e.name())) {
				out.add(e);
			} else if (!e.name().equals(OPAQUE)) {
				String name = e.name().substring(PREFIX.length());
				if (!name.isEmpty() && !names.contains(name)) {
					out.add(new DirEntry(name, FileType.CHAR_DEVICE, e.ino()));
				}
			}
		}
		return out;
	}

	@Override
	public FileData open(FsPath path) throws FsException {
		return store.open(checked(path));
	}

	@Override
	public String readlink(FsPath path) throws FsException {
		return store.readlink(checked(path));
	}

	@Override
	public byte[] getxattr(FsPath path, String name) throws FsException {
		if (name.equals(opaqueXattr)) {
			if (exists(path.resolve(OPAQUE))) {
				return ClassicOverlay.OPAQUE.clone();
			}
			throw new FsException(Errno.ENODATA, path, name);
		}
		return store.getxattr(path, name);
	}

	@Override
	public List<String> listxattr(FsPath path) throws FsException {
		return store.listxattr(path);
	}

	@Override
	public StatFs statfs() throws FsException {
		return store.statfs();
	}

	@Override
	public FileData openWritable(FsPath path) throws FsException {
		return store.openWritable(checked(path));
	}

	@Override
	public FileData create(FsPath path, int mode, Caller owner) throws FsException {
		return store.create(free(path), mode, owner);
	}

	@Override
	public void mkdir(FsPath path, int mode, Caller owner) throws FsException {
		store.mkdir(free(path), mode, owner);
	}

	@Override
	public void mknod(FsPath path, FileType type, int mode, long rdev, Caller owner) throws FsException {
		free(path);
		if (type == FileType.CHAR_DEVICE && rdev == 0) {
			if (exists(path)) {
				throw new FsException(Errno.EEXIST, path);
			}
			store.create(whiteoutOf(path), 0, Caller.PROCESS).close();
		} else {
			store.mknod(path, type, mode, rdev, owner);
		}
	}

	@Override
	public void symlink(FsPath link, String target, Caller owner) throws FsException {
		store.symlink(free(link), target, owner);
	}

	@Override
	public void link(FsPath existing, FsPath link) throws FsException {
		store.link(checked(existing), free(link));
	}

	@Override
	public void unlink(FsPath path) throws FsException {
		if (isWhiteout(checked(path))) {
			store.unlink(whiteoutOf(path));
		} else {
			store.unlink(path);
		}
	}

	/** A directory holding only its opaque mark is empty: the mark goes, and comes back if the rmdir fails. */
	@Override
	public void rmdir(FsPath path) throws FsException {
		boolean opaque = dropOpaque(checked(path));
		try {
			store.rmdir(path);
		} catch (FsException e) {
			if (opaque) {
				store.create(path.resolve(OPAQUE), 0, Caller.PROCESS).close();
			}
			throw e;
		}
	}

	/** Removes the opaque mark of {@code dir}; false if it had none. */
	private boolean dropOpaque(FsPath dir) throws FsException {
		try {
			store.unlink(dir.resolve(OPAQUE));
			return true;
		} catch (FsException e) {
			if (e.errno() != Errno.ENOENT && e.errno() != Errno.ENOTDIR) {
				throw e;
			}
			return false;
		}
	}

	@Override
	public void rename(FsPath from, FsPath to, boolean replace) throws FsException {
		move(this, checked(from), checked(to), replace);
	}

	/**
	 * Renames {@code from} of {@code source} (this store or its work area) to {@code to} here: a whiteout as its
	 * name, replacing the entry at {@code to} only after it is in place; an entry, dropping a whiteout it replaced.
	 */
	private void move(OciWhiteouts source, FsPath from, FsPath to, boolean replace) throws FsException {
		if (source.isWhiteout(from)) {
			if (!replace && (exists(to) || exists(whiteoutOf(to)))) {
				throw new FsException(Errno.EEXIST, to);
			}
			relocate(source, whiteoutOf(from), whiteoutOf(to), true);
			FileAttributes replaced = statOrNull(to);
			if (replaced != null) {
				if (replaced.isDirectory()) {
					rmdir(to);
				} else {
					store.unlink(to);
				}
			}
			return;
		}
		if (!replace && exists(whiteoutOf(to))) {
			throw new FsException(Errno.EEXIST, to);
		}
		relocate(source, from, to, replace);
		dropWhiteout(to);
	}

	private void relocate(OciWhiteouts source, FsPath from, FsPath to, boolean replace) throws FsException {
		if (source == this) {
			store.rename(from, to, replace);
		} else {
			store.publish(from, to);
		}
	}

	private FileAttributes statOrNull(FsPath path) throws FsException {
		try {
			return store.stat(path);
		} catch (FsException e) {
			if (e.errno() == Errno.ENOENT) {
				return null;
			}
			throw e;
		}
	}

	@Override
	public void setattr(FsPath path, AttributeChange change) throws FsException {
		store.setattr(checked(path), change);
	}

	@Override
	public void truncate(FsPath path, long size) throws FsException {
		store.truncate(checked(path), size);
	}

	@Override
	public void setxattr(FsPath path, String name, byte[] value, XattrMode mode) throws FsException {
		if (name.equals(opaqueXattr)) {
			if (!exists(path.resolve(OPAQUE))) {
				store.create(path.resolve(OPAQUE), 0, Caller.PROCESS).close();
			}
			return;
		}
		store.setxattr(checked(path), name, value, mode);
	}

	@Override
	public void removexattr(FsPath path, String name) throws FsException {
		if (name.equals(opaqueXattr)) {
			store.unlink(path.resolve(OPAQUE));
			return;
		}
		store.removexattr(checked(path), name);
	}

	@Override
	public WritableStore work() throws FsException {
		return new OciWhiteouts(store.work(), opaqueXattr);
	}

	@Override
	public void publish(FsPath staged, FsPath target) throws FsException {
		OciWhiteouts work = (OciWhiteouts) work();
		move(work, staged, checked(target), true);
	}

	@Override
	public boolean isPrivileged() {
		return store.isPrivileged();
	}

	@Override
	public String toString() {
		return store + " (OCI whiteouts)";
	}
}
