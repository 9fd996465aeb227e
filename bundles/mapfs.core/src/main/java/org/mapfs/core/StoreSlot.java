package org.mapfs.core;

import java.net.URI;
import java.nio.ByteBuffer;
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
import org.mapfs.api.store.Store;
import org.mapfs.api.store.WritableStore;

/**
 * The place of a store, by id, in the layers of live mounts: it passes every call on to the store service that
 * has the id now. While there is none (its bundle is being updated, its configuration was deleted) every call
 * fails at once with EIO naming the store, so a mount stays registered and its FUSE mount stays up; when a store
 * with the id comes back it is {@linkplain #fill filled} in and the layers work again.
 * <p>
 * Files opened on a store that went away fail with EIO from then on, even after the id is filled again: their
 * descriptors belong to the old instance, and a write must never go to a store that is no longer the one
 * configured.
 */
final class StoreSlot implements WritableStore {
	private final String id;
	private volatile Store current;
	/** Where the store was, for messages and the overlap check while it is gone. */
	private volatile URI location;

	StoreSlot(String id) {
		this.id = id;
		this.location = URI.create("mapfs-store:" + id);
	}

	/** Puts {@code store} in: calls go to it from now on. */
	void fill(Store store) {
		location = store.location();
		current = store;
	}

	/** Takes {@code store} out, if it is the one in the slot; calls fail with EIO until the next {@link #fill}. */
	void empty(Store store) {
		if (current == store) {
			current = null;
		}
	}

	/** The store in the slot now, or null. */
	Store current() {
		return current;
	}

	private Store store(FsPath path) throws FsException {
		Store s = current;
		if (s == null) {
			throw gone(path);
		}
		return s;
	}

	private WritableStore writable(FsPath path) throws FsException {
		if (store(path) instanceof WritableStore w) {
			return w;
		}
		throw FsException.readOnly(path);
	}

	private FsException gone(FsPath path) {
		return new FsException(Errno.EIO, path, "store '" + id + "' is gone");
	}

	/**
	 * A call that was in a store's code when its bundle was updated or refreshed: the old code cannot load the
	 * classes it has not used yet. The store is gone as far as that call is concerned, so it fails with EIO like
	 * every call to a store that went away, instead of an Error that would end the caller's thread.
	 */
	static FsException vanished(LinkageError e) {
		return new FsException(Errno.EIO, null, "a store's code went away during the call (its bundle was updated "
				+ "or refreshed): " + e, e);
	}

	@Override
	public String id() {
		return id;
	}

	@Override
	public URI location() {
		return location;
	}

	@Override
	public FileAttributes stat(FsPath path) throws FsException {
		return store(path).stat(path);
	}

	@Override
	public List<DirEntry> list(FsPath dir) throws FsException {
		return store(dir).list(dir);
	}

	@Override
	public FileData open(FsPath path) throws FsException {
		Store s = store(path);
		return new SlotData(s, path, s.open(path));
	}

	@Override
	public String readlink(FsPath path) throws FsException {
		return store(path).readlink(path);
	}

	@Override
	public byte[] getxattr(FsPath path, String name) throws FsException {
		return store(path).getxattr(path, name);
	}

	@Override
	public List<String> listxattr(FsPath path) throws FsException {
		return store(path).listxattr(path);
	}

	@Override
	public StatFs statfs() throws FsException {
		return store(FsPath.ROOT).statfs();
	}

	@Override
	public FileData openWritable(FsPath path) throws FsException {
		WritableStore s = writable(path);
		return new SlotData(s, path, s.openWritable(path));
	}

	@Override
	public FileData create(FsPath path, int mode, Caller owner) throws FsException {
		WritableStore s = writable(path);
		return new SlotData(s, path, s.create(path, mode, owner));
	}

	@Override
	public void mkdir(FsPath path, int mode, Caller owner) throws FsException {
		writable(path).mkdir(path, mode, owner);
	}

	@Override
	public void mknod(FsPath path, FileType type, int mode, long rdev, Caller owner) throws FsException {
		writable(path).mknod(path, type, mode, rdev, owner);
	}

	@Override
	public void symlink(FsPath link, String target, Caller owner) throws FsException {
		writable(link).symlink(link, target, owner);
	}

	@Override
	public void link(FsPath existing, FsPath link) throws FsException {
		writable(link).link(existing, link);
	}

	@Override
	public void unlink(FsPath path) throws FsException {
		writable(path).unlink(path);
	}

	@Override
	public void rmdir(FsPath path) throws FsException {
		writable(path).rmdir(path);
	}

	@Override
	public void rename(FsPath from, FsPath to, boolean replace) throws FsException {
		writable(to).rename(from, to, replace);
	}

	@Override
	public void setattr(FsPath path, AttributeChange change) throws FsException {
		writable(path).setattr(path, change);
	}

	@Override
	public void truncate(FsPath path, long size) throws FsException {
		writable(path).truncate(path, size);
	}

	@Override
	public void setxattr(FsPath path, String name, byte[] value, XattrMode mode) throws FsException {
		writable(path).setxattr(path, name, value, mode);
	}

	@Override
	public void removexattr(FsPath path, String name) throws FsException {
		writable(path).removexattr(path, name);
	}

	/**
	 * The work area of the store in the slot now. Copy-ups ask for it at each use, so one that runs while the store
	 * is swapped fails with EIO instead of staging in one instance and publishing into another.
	 */
	@Override
	public WritableStore work() throws FsException {
		return writable(FsPath.ROOT).work();
	}

	@Override
	public void publish(FsPath staged, FsPath target) throws FsException {
		writable(target).publish(staged, target);
	}

	@Override
	public boolean isPrivileged() {
		return current instanceof WritableStore w && w.isPrivileged();
	}

	@Override
	public String toString() {
		return "store '" + id + "'" + (current == null ? " (gone)" : "");
	}

	/** An open file of the store instance that was in the slot when it was opened. */
	private final class SlotData implements FileData {
		private final Store owner;
		private final FsPath path;
		private final FileData data;

		SlotData(Store owner, FsPath path, FileData data) {
			this.owner = owner;
			this.path = path;
			this.data = data;
		}

		private FileData data() throws FsException {
			if (current != owner) {
				throw new FsException(Errno.EIO, path, "store '" + id + "' went away while the file was open");
			}
			return data;
		}

		@Override
		public int read(ByteBuffer dst, long position) throws FsException {
			return data().read(dst, position);
		}

		@Override
		public int write(ByteBuffer src, long position) throws FsException {
			return data().write(src, position);
		}

		@Override
		public long size() throws FsException {
			return data().size();
		}

		@Override
		public FileData unwrap() throws FsException {
			return data().unwrap();
		}

		@Override
		public void truncate(long size) throws FsException {
			data().truncate(size);
		}

		@Override
		public void sync(boolean metadata) throws FsException {
			data().sync(metadata);
		}

		/** Always closes: the descriptor is released whether or not its store is still there. */
		@Override
		public void close() throws FsException {
			data.close();
		}
	}
}
