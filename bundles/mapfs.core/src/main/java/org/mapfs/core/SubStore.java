package org.mapfs.core;

import java.net.URI;
import java.util.List;

import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.DirEntry;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileData;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.StatFs;
import org.mapfs.api.XattrMode;
import org.mapfs.api.store.Store;
import org.mapfs.api.store.WritableStore;

/**
 * A portion of a store, a sub-path, seen as a store of its own: what a layer places into the map. The work
 * area stays the whole store's.
 */
final class SubStore implements WritableStore {
	private final Store store;
	private final FsPath root;

	private SubStore(Store store, FsPath root) {
		this.store = store;
		this.root = root;
	}

	/** The store itself where the sub-path is its root. */
	static Store of(Store store, FsPath root) {
		return root.isRoot() ? store : new SubStore(store, root);
	}

	private FsPath in(FsPath path) {
		return root.resolve(path);
	}

	private WritableStore writable(FsPath path) throws FsException {
		if (store instanceof WritableStore w) {
			return w;
		}
		throw FsException.readOnly(path);
	}

	@Override
	public String id() {
		return store.id();
	}

	@Override
	public URI location() {
		String base = store.location().toString();
		return URI.create(base + (base.endsWith("/") ? "" : "/") + root);
	}

	@Override
	public FileAttributes stat(FsPath path) throws FsException {
		return store.stat(in(path));
	}

	@Override
	public List<DirEntry> list(FsPath dir) throws FsException {
		return store.list(in(dir));
	}

	@Override
	public FileData open(FsPath path) throws FsException {
		return store.open(in(path));
	}

	@Override
	public String readlink(FsPath path) throws FsException {
		return store.readlink(in(path));
	}

	@Override
	public byte[] getxattr(FsPath path, String name) throws FsException {
		return store.getxattr(in(path), name);
	}

	@Override
	public List<String> listxattr(FsPath path) throws FsException {
		return store.listxattr(in(path));
	}

	@Override
	public StatFs statfs() throws FsException {
		return store.statfs();
	}

	@Override
	public FileData openWritable(FsPath path) throws FsException {
		return writable(path).openWritable(in(path));
	}

	@Override
	public FileData create(FsPath path, int mode, Caller owner) throws FsException {
		return writable(path).create(in(path), mode, owner);
	}

	@Override
	public void mkdir(FsPath path, int mode, Caller owner) throws FsException {
		writable(path).mkdir(in(path), mode, owner);
	}

	@Override
	public void mknod(FsPath path, FileType type, int mode, long rdev, Caller owner) throws FsException {
		writable(path).mknod(in(path), type, mode, rdev, owner);
	}

	@Override
	public void symlink(FsPath link, String target, Caller owner) throws FsException {
		writable(link).symlink(in(link), target, owner);
	}

	@Override
	public void link(FsPath existing, FsPath link) throws FsException {
		writable(link).link(in(existing), in(link));
	}

	@Override
	public void unlink(FsPath path) throws FsException {
		writable(path).unlink(in(path));
	}

	@Override
	public void rmdir(FsPath path) throws FsException {
		writable(path).rmdir(in(path));
	}

	@Override
	public void rename(FsPath from, FsPath to, boolean replace) throws FsException {
		writable(to).rename(in(from), in(to), replace);
	}

	@Override
	public void setattr(FsPath path, AttributeChange change) throws FsException {
		writable(path).setattr(in(path), change);
	}

	@Override
	public void truncate(FsPath path, long size) throws FsException {
		writable(path).truncate(in(path), size);
	}

	@Override
	public void setxattr(FsPath path, String name, byte[] value, XattrMode mode) throws FsException {
		writable(path).setxattr(in(path), name, value, mode);
	}

	@Override
	public void removexattr(FsPath path, String name) throws FsException {
		writable(path).removexattr(in(path), name);
	}

	@Override
	public WritableStore work() throws FsException {
		return writable(FsPath.ROOT).work();
	}

	@Override
	public void publish(FsPath staged, FsPath target) throws FsException {
		writable(target).publish(staged, in(target));
	}

	@Override
	public boolean isPrivileged() {
		return store instanceof WritableStore w && w.isPrivileged();
	}
}
