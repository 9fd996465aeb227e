package org.mapfs.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.DirEntry;
import org.mapfs.api.Entry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileData;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.api.Placement;
import org.mapfs.api.RenameMode;
import org.mapfs.api.StatFs;
import org.mapfs.api.XattrMode;
import org.mapfs.api.admin.Change;
import org.mapfs.api.admin.MountStats;
import org.mapfs.api.policy.OverlayPolicy;
import org.mapfs.api.store.WritableStore;

/**
 * A mount (overlayfs's super.c): the map, the policy applied to its overlay, and the parts of the union engine.
 * Operations that change the namespace, copy-ups among them, hold the write lock; lookups, listings and data
 * reads and writes hold the read lock, so they run in parallel.
 * <p>
 * The map can change while the mount serves ({@link #remap}): the parts that depend on it are replaced under the
 * write lock, so every operation sees one map from start to end.
 */
final class UnionMount implements Mount {
	private static final System.Logger LOG = System.getLogger(UnionMount.class.getName());
	private final String name;
	private final boolean readOnly;
	private final OverlayPolicy policy;
	private final Identity identity;
	private final Readdir readdir;
	private final OpenFiles openFiles = new OpenFiles();
	private final Stats stats = new Stats();
	private final ReentrantReadWriteLock namespace = new ReentrantReadWriteLock();
	private final List<Consumer<FsPath>> listeners = new CopyOnWriteArrayList<>();
	// the parts that depend on the map: set by wire(), read and replaced under the namespace lock only
	private LayerMap map;
	private Index index;
	private Lookup lookup;
	private CopyUp copyUp;
	private DirOps dirOps;
	private Metadata metadata;
	private Diff diff;

	UnionMount(String name, LayerMap map, OverlayPolicy policy) throws FsException {
		this.name = name;
		this.readOnly = map.overlay() == null;
		this.policy = policy;
		this.identity = new Identity(name, !readOnly && map.overlay().writableStore().isPrivileged());
		this.readdir = new Readdir(policy, identity);
		wire(map.viewedBy(policy));
	}

	private void wire(LayerMap map) {
		this.map = map;
		this.index = new Index(map, identity);
		this.lookup = new Lookup(map, policy, index);
		this.copyUp = new CopyUp(map, lookup, policy, identity, index, stats);
		this.dirOps = new DirOps(map, lookup, readdir, copyUp, policy, identity, index, stats);
		this.metadata = new Metadata(map, lookup, copyUp, policy);
		this.diff = new Diff(map, lookup, policy);
	}

	/**
	 * Serves {@code newMap} from now on: the read-only layers may differ, the overlay must be the same. What was
	 * looked up is forgotten; open files keep the data they have. Listeners are told that anything may have
	 * changed.
	 */
	void remap(LayerMap newMap) throws FsException {
		if ((newMap.overlay() == null) != readOnly) {
			throw new FsException(Errno.EINVAL, "mount '" + name + "': a remap keeps the overlay");
		}
		LayerMap viewed = newMap.viewedBy(policy);
		locked(namespace.writeLock(), () -> {
			wire(viewed);
			return null;
		});
		changed(FsPath.ROOT);
	}

	/**
	 * A store of the map went away or came back: what was looked up through it is forgotten, and listeners are
	 * told that anything may have changed. Open files are no longer shared with new opens: those whose data came
	 * from a store that went away fail with EIO ({@link StoreSlot}), and a new open must get the store there now.
	 */
	void storesChanged() throws FsException {
		write(List.of(FsPath.ROOT), openFiles::forgetPaths);
		changed(FsPath.ROOT);
	}

	@Override
	public AutoCloseable onChange(Consumer<FsPath> listener) {
		listeners.add(listener);
		return () -> listeners.remove(listener);
	}

	/** Tells the listeners of a change made other than through the mount's operations; never under a lock. */
	private void changed(FsPath path) {
		for (Consumer<FsPath> l : listeners) {
			try {
				l.accept(path);
			} catch (RuntimeException e) {
				LOG.log(System.Logger.Level.WARNING, "mount '" + name + "': a change listener failed", e);
			}
		}
	}

	/** What the client changed at and below {@code path}, in path order ({@link Diff}). */
	List<Change> diff(FsPath path) throws FsException {
		return read(() -> diff.diff(path));
	}

	/**
	 * Drops the overlay's entry at {@code path} so that the repository version shows again ({@link Revert}). Open
	 * files whose private copy goes keep it, as after an unlink; listeners are told.
	 */
	List<Change> revert(FsPath path, boolean recursive) throws FsException {
		List<Change> undone = write(List.of(FsPath.ROOT), () -> {
			List<FsPath> open = new ArrayList<>();
			List<FileAttributes> attrs = new ArrayList<>();
			for (OpenFile f : openFiles.under(path)) {
				if (f.isUpper()) {
					open.add(f.path());
					attrs.add(attributes(lookup.lookup(f.path())));
				}
			}
			List<Change> changes = new Revert(map, lookup, diff, index).revert(path, recursive);
			for (int i = 0; i < open.size(); i++) {
				openFiles.unlinked(open.get(i), attrs.get(i));
			}
			return changes;
		});
		if (!undone.isEmpty()) {
			changed(path);
		}
		return undone;
	}

	MountStats statistics() {
		return stats.snapshot(openFiles.count());
	}

	@Override
	public String name() {
		return name;
	}

	@Override
	public boolean isReadOnly() {
		return readOnly;
	}

	Stats stats() {
		return stats;
	}

	private interface Op<T> {
		T run() throws FsException;
	}

	private interface VoidOp {
		void run() throws FsException;
	}

	private <T> T read(Op<T> op) throws FsException {
		return locked(namespace.readLock(), op);
	}

	/**
	 * Runs a change of the namespace under the write lock; then what the lookup cache knows of the paths whose
	 * entries it creates, removes or moves, and below them, is forgotten, whether the change succeeded or not (it
	 * may have got half way). A copy-up forgets the path it copies itself; a change of attributes alone needs
	 * nothing forgotten, as the cache does not answer for attributes ({@link Lookup#lookup}).
	 */
	private <T> T write(List<FsPath> changed, Op<T> op) throws FsException {
		return locked(namespace.writeLock(), () -> {
			try {
				return op.run();
			} finally {
				for (FsPath p : changed) {
					lookup.invalidate(p);
					if (!p.isRoot()) {
						lookup.entriesChanged(p.parent());
					}
				}
			}
		});
	}

	private void write(List<FsPath> changed, VoidOp op) throws FsException {
		write(changed, () -> {
			op.run();
			return null;
		});
	}

	private <T> T locked(Lock lock, Op<T> op) throws FsException {
		stats.operation();
		lock.lock();
		try {
			return op.run();
		} catch (LinkageError e) {
			throw StoreSlot.vanished(e);
		} finally {
			lock.unlock();
		}
	}

	@Override
	public FileAttributes stat(FsPath path) throws FsException {
		return read(() -> attributes(lookup.lookup(path)));
	}

	@Override
	public Entry lookup(FsPath path) throws FsException {
		return read(() -> {
			Node node = lookup.lookup(path);
			Placement placement = node.isDataUpper() || node.isIndexed() ? Placement.OVERLAY
					: node.isUpper() ? Placement.METADATA_COPY : Placement.REPOSITORY;
			return new Entry(attributes(node), node.top().layer().toString(), placement);
		});
	}

	/**
	 * What stat reports of a node. A merged directory, or one leading to a layer's placement, counts the
	 * subdirectories it shows for st_nlink, as a plain directory would; an indexed file has its count kept.
	 */
	private FileAttributes attributes(Node node) throws FsException {
		FileAttributes a = identity.attributes(node);
		if (node.isDirectory() && (node.branches().size() > 1 || node.top().synthetic())) {
			a = a.withNlink(2 + lookup.subdirs(node, readdir));
		}
		Index.Links links = index.links(node);
		return links == null ? a : a.withNlink(links.nlink());
	}

	@Override
	public List<DirEntry> list(FsPath dir) throws FsException {
		return read(() -> {
			Node node = lookup.lookup(dir);
			if (!node.isDirectory()) {
				throw new FsException(Errno.ENOTDIR, dir);
			}
			return readdir.list(node);
		});
	}

	@Override
	public FileHandle open(FsPath path, Set<OpenFlag> flags, Caller caller) throws FsException {
		return open(path, flags, caller, new AtomicReference<>());
	}

	/**
	 * @param made the data of a file {@link #create} just made, which the file takes (the reference is emptied)
	 *            if it is opened anew here and is the file in the overlay at {@code path}
	 */
	private FileHandle open(FsPath path, Set<OpenFlag> flags, Caller caller, AtomicReference<FileData> made)
			throws FsException {
		boolean writable = flags.contains(OpenFlag.WRITE);
		if (writable && isReadOnly()) {
			throw new FsException(Errno.EROFS, path);
		}
		Handle handle = read(() -> {
			// what and where it is is enough; its attributes are read when asked for (stat), not at every open
			Node node = lookup.resolve(path);
			FileType type = node.storeAttrs().type();
			if (type == FileType.DIRECTORY) {
				throw new FsException(Errno.EISDIR, path);
			}
			if (type != FileType.REGULAR) {
				throw new FsException(type == FileType.SYMLINK ? Errno.ELOOP : Errno.EINVAL, path,
						"not a regular file: " + type);
			}
			OpenFile file = openFiles.acquire(path, writable, () -> new OpenFile(path, openData(node, made),
					node.isDataUpper(), identity.attributes(node)));
			return new Handle(this, file, writable, caller);
		});
		if (flags.contains(OpenFlag.TRUNCATE)) {
			try {
				handle.truncate(0);
			} catch (FsException e) {
				handle.close();
				throw e;
			}
		}
		return handle;
	}

	private FileData openData(Node node, AtomicReference<FileData> made) throws FsException {
		Layer.Branch data = node.data();
		if (!node.isDataUpper()) {
			return data.layer().store.open(data.storePath());
		}
		FileData created = made.getAndSet(null);
		return created != null ? policy.published(created, data.storePath(), null)
				: policy.open(data.storePath(), null, true);
	}

	/**
	 * Makes sure an open file writes to a private copy: copies it up at its first change. The files open under
	 * other names of it (hard links) read and write the copy from then on too.
	 */
	void copyUp(OpenFile file) throws FsException {
		if (file.isUpper()) {
			return;
		}
		write(List.of(), () -> {
			if (file.isUpper()) {
				return;
			}
			Node node = lookup.resolve(file.path());
			CopyUp.Opened up = file.withData(data -> copyUp.copyUpOpen(node, data));
			Node upper = up.node();
			file.copiedUp(up.data() != null ? up.data() : policy.open(upper.top().storePath(), node.origin(), true));
			for (OpenFile f : openFiles.sameFile(identity.ino(upper))) {
				if (!f.isUpper()) {
					f.copiedUp(policy.open(upper.top().storePath(), node.origin(), true));
				}
			}
		});
	}

	/**
	 * Clears setuid, and setgid where group execution is allowed, before a write by a caller without the
	 * privilege to keep them (Linux's file_remove_privs).
	 */
	void removePrivileges(OpenFile file) throws FsException {
		FileAttributes a = stat(file);
		if (a.unprivilegedMode() != a.mode()) {
			write(List.of(), () -> metadata.setattr(file.path(), AttributeChange.mode(a.unprivilegedMode())));
		}
	}

	FileAttributes stat(OpenFile file) throws FsException {
		return read(() -> {
			if (file.isUnlinked()) {
				FileAttributes last = file.lastAttrs();
				// the name that went is one link less
				return new FileAttributes(last.type(), last.mode(), last.uid(), last.gid(), file.size(),
						last.blocks(), Math.max(0, last.nlink() - 1), last.ino(), last.dev(), last.rdev(), last.atimeNs(), last.mtimeNs(),
						last.ctimeNs());
			}
			FileAttributes attrs = attributes(lookup.lookup(file.path()));
			file.remember(attrs);
			return attrs;
		});
	}

	void release(OpenFile file, boolean writable) throws FsException {
		openFiles.release(file, writable);
	}

	@Override
	public FileHandle create(FsPath path, int mode, Caller caller, boolean exclusive) throws FsException {
		// the new file's data as it was made: its handle goes on with it instead of opening the file once more
		AtomicReference<FileData> made = new AtomicReference<>();
		try {
			write(List.of(path), () -> {
				try {
					dirOps.create(path, FileType.REGULAR, mode, caller,
							(store, p, m, owner) -> made.set(store.create(p, m, owner)));
				} catch (FsException e) {
					if (e.errno() != Errno.EEXIST || exclusive) {
						throw e;
					}
				}
			});
			return open(path, Set.of(OpenFlag.READ, OpenFlag.WRITE), caller, made);
		} finally {
			FileData unused = made.getAndSet(null);
			if (unused != null) {
				CopyUp.closeQuietly(unused);
			}
		}
	}

	@Override
	public void mkdir(FsPath path, int mode, Caller caller) throws FsException {
		write(List.of(path), () -> dirOps.create(path, FileType.DIRECTORY, mode, caller, WritableStore::mkdir));
	}

	@Override
	public void mknod(FsPath path, FileType type, int mode, long rdev, Caller caller) throws FsException {
		if (type == FileType.DIRECTORY || type == FileType.SYMLINK) {
			throw new FsException(Errno.EINVAL, path, "mknod of a " + type);
		}
		write(List.of(path), () -> dirOps.create(path, type, mode, caller,
				(store, p, m, owner) -> store.mknod(p, type, m, rdev, owner)));
	}

	@Override
	public void symlink(FsPath link, String target, Caller caller) throws FsException {
		// a symlink's mode is always 0777
		write(List.of(link), () -> dirOps.create(link, FileType.SYMLINK, 0777, caller,
				(store, p, m, owner) -> store.symlink(p, target, owner)));
	}

	@Override
	public String readlink(FsPath path) throws FsException {
		return read(() -> {
			Layer.Branch top = lookup.lookup(path).top();
			if (!top.attrs().isSymlink()) {
				throw new FsException(Errno.EINVAL, path, "not a symlink");
			}
			return top.layer().store.readlink(top.storePath());
		});
	}

	@Override
	public void link(FsPath existing, FsPath link) throws FsException {
		write(List.of(existing, link), () -> dirOps.link(existing, link));
	}

	@Override
	public void unlink(FsPath path) throws FsException {
		write(List.of(path), () -> unlinkName(path));
	}

	private void unlinkName(FsPath path) throws FsException {
		// what its open handles report from now on: only looked up when there are any
		OpenFile open = openFiles.get(path);
		FileAttributes attrs = open != null ? attributes(lookup.lookup(path)) : null;
		keepForWriters(open);
		dirOps.unlink(path);
		if (attrs != null) {
			openFiles.unlinked(path, attrs);
		}
	}

	@Override
	public void rmdir(FsPath path) throws FsException {
		write(List.of(path), () -> dirOps.rmdir(path));
	}

	@Override
	public void rename(FsPath from, FsPath to, RenameMode mode) throws FsException {
		write(List.of(from, to), () -> {
			OpenFile open = from.equals(to) ? null : openFiles.get(to);
			FileAttributes replaced = open == null ? null : attributesOrNull(to, Errno.ENOENT, Errno.ENOTDIR);
			if (replaced != null && !replaced.isDirectory()) {
				keepForWriters(open);
			}
			dirOps.rename(from, to, mode);
			if (replaced != null && !replaced.isDirectory()) {
				openFiles.unlinked(to, replaced);
			}
			openFiles.moved(from, to);
		});
	}

	/**
	 * A repository file whose name goes away while a handle may still write it is copied up first: the writes need
	 * a private copy, and once the name is gone there is no path to copy it up to.
	 */
	private void keepForWriters(OpenFile open) throws FsException {
		if (open != null && open.hasWriters()) {
			copyUp(open);
		}
	}

	private FileAttributes attributesOrNull(FsPath path, Errno... missing) throws FsException {
		try {
			return attributes(lookup.lookup(path));
		} catch (FsException e) {
			if (List.of(missing).contains(e.errno())) {
				return null;
			}
			throw e;
		}
	}

	/**
	 * Mount.copy within the engine: the new file is made like a copy-up, from the source's data where it lives (a
	 * repository file's straight from its layer), not through the caller. Errors and results are the default's; a
	 * caller without the privilege to keep setuid and setgid loses them as the default's first write would.
	 */
	@Override
	public void copy(FsPath from, FsPath to, boolean replace, Caller caller) throws FsException {
		write(List.of(to), () -> {
			FileAttributes source = attributes(lookup.lookup(from));
			if (!source.isRegularFile()) {
				throw new FsException(source.isDirectory() ? Errno.EISDIR : Errno.EINVAL, from, "not a regular file");
			}
			FileAttributes target = attributesOrNull(to, Errno.ENOENT);
			if (target != null) {
				if (target.ino() == source.ino() && target.dev() == source.dev()) {
					return;
				}
				if (!replace) {
					throw new FsException(Errno.EEXIST, to);
				}
				if (target.isDirectory()) {
					throw new FsException(Errno.EISDIR, to);
				}
				unlinkName(to);
			}
			boolean keepsPrivileges = caller.isProcess() || caller.uid() == 0 || source.size() == 0;
			dirOps.copy(lookup.lookup(from), to, keepsPrivileges ? source.mode() : source.unprivilegedMode(), caller);
		});
	}

	@Override
	public void setattr(FsPath path, AttributeChange change) throws FsException {
		write(List.of(), () -> metadata.setattr(path, change));
	}

	@Override
	public void truncate(FsPath path, long size) throws FsException {
		try (FileHandle handle = open(path, Set.of(OpenFlag.WRITE))) {
			handle.truncate(size);
		}
	}

	@Override
	public byte[] getxattr(FsPath path, String name) throws FsException {
		return read(() -> metadata.getxattr(path, name));
	}

	@Override
	public List<String> listxattr(FsPath path) throws FsException {
		return read(() -> metadata.listxattr(path));
	}

	@Override
	public void setxattr(FsPath path, String name, byte[] value, XattrMode mode) throws FsException {
		write(List.of(), () -> metadata.setxattr(path, name, value, mode));
	}

	@Override
	public void removexattr(FsPath path, String name) throws FsException {
		write(List.of(), () -> metadata.removexattr(path, name));
	}

	@Override
	public StatFs statfs() throws FsException {
		return read(() -> map.layers().get(0).store.statfs());
	}

	/**
	 * Empties the work area: leftovers of copy-ups a crash interrupted; the index stays. Called once, before the
	 * mount serves.
	 */
	void cleanWorkArea() throws FsException {
		if (map.overlay() == null) {
			return;
		}
		var work = map.overlayStore().work();
		for (DirEntry e : work.list(FsPath.ROOT)) {
			if (!e.name().equals(Index.DIR)) {
				CopyUp.remove(work, FsPath.ROOT.resolve(e.name()));
			}
		}
	}
}
