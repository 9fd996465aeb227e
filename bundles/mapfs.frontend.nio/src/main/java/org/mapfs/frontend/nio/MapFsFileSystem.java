package org.mapfs.frontend.nio;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.mapfs.api.Entry;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;

/**
 * The java.nio view of one mount: its paths, its one file store, its watch services. Closing it closes what was
 * opened through it (channels, directory streams, watch services) and, if it built the mount from an env map, the
 * mount's stores; every later operation throws {@link ClosedFileSystemException}.
 */
final class MapFsFileSystem extends FileSystem {
	private static final System.Logger LOG = System.getLogger(MapFsFileSystem.class.getName());
	private final MapFsProvider provider;
	private final String name;
	private final Mount mount;
	private final MapFsPath root;
	private final Resolver resolver;
	private final ProcessIdentity identity = ProcessIdentity.current();
	private final FileLocks locks = new FileLocks();
	private final MapFsFileStore store;
	private final AutoCloseable changes;
	/** What the file system owns besides the mount's service: the stores an env map made it open, or null. */
	private final AutoCloseable owned;
	/** False for a file system a component publishes: its users share it, the component closes it. */
	private final boolean userClosable;
	private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
	private final Set<MapFsWatchService> watchers = ConcurrentHashMap.newKeySet();
	private volatile boolean closed;

	MapFsFileSystem(MapFsProvider provider, String name, Mount mount, AutoCloseable owned, boolean userClosable) {
		this.provider = provider;
		this.name = name;
		this.mount = mount;
		this.owned = owned;
		this.userClosable = userClosable;
		this.root = MapFsPath.root(this);
		this.resolver = new Resolver(mount);
		this.store = new MapFsFileStore(this);
		this.changes = mount.onChange(this::changedElsewhere);
	}

	/** The mount's name in URIs: the one the file system was made with. */
	String name() {
		return name;
	}

	Mount mount() {
		return mount;
	}

	Resolver resolver() {
		return resolver;
	}

	ProcessIdentity identity() {
		return identity;
	}

	FileLocks locks() {
		return locks;
	}

	MapFsPath root() {
		return root;
	}

	MapFsFileStore store() {
		return store;
	}

	@Override
	public MapFsProvider provider() {
		return provider;
	}

	void checkOpen() {
		if (closed) {
			throw new ClosedFileSystemException();
		}
	}

	/** Keeps {@code c} to close with the file system; it calls {@link #closed(Closeable)} when closed first. */
	<C extends Closeable> C opened(C c) {
		open.add(c);
		if (closed) {
			open.remove(c);
			try {
				c.close();
			} catch (IOException e) {
				LOG.log(Level.DEBUG, "closing after the file system closed", e);
			}
			throw new ClosedFileSystemException();
		}
		return c;
	}

	void closed(Closeable c) {
		open.remove(c);
	}

	@Override
	public void close() throws IOException {
		if (!userClosable) {
			throw new UnsupportedOperationException(
					"the file system of mount '" + name() + "' is shared as a service; its bundle closes it");
		}
		shutdown();
	}

	/** Closes the file system (the component's way, and {@link #close()}'s). */
	void shutdown() throws IOException {
		if (closed) {
			return;
		}
		closed = true;
		provider.removed(this);
		List<Exception> failures = new ArrayList<>();
		for (Closeable c : List.copyOf(open)) {
			closeQuietly(c, failures);
		}
		for (MapFsWatchService w : List.copyOf(watchers)) {
			closeQuietly(w, failures);
		}
		closeQuietly(changes, failures);
		if (owned != null) {
			closeQuietly(owned, failures);
		}
		if (!failures.isEmpty()) {
			IOException e = new IOException("closing the file system of mount '" + name() + "'", failures.get(0));
			failures.stream().skip(1).forEach(e::addSuppressed);
			throw e;
		}
	}

	private static void closeQuietly(AutoCloseable c, List<Exception> failures) {
		try {
			c.close();
		} catch (Exception e) {
			failures.add(e);
		}
	}

	@Override
	public boolean isOpen() {
		return !closed;
	}

	@Override
	public boolean isReadOnly() {
		return mount.isReadOnly();
	}

	@Override
	public String getSeparator() {
		return "/";
	}

	@Override
	public Iterable<Path> getRootDirectories() {
		checkOpen();
		return List.of(root);
	}

	@Override
	public Iterable<FileStore> getFileStores() {
		checkOpen();
		return List.of(store);
	}

	@Override
	public Set<String> supportedFileAttributeViews() {
		return AttributeViews.NAMES;
	}

	@Override
	public MapFsPath getPath(String first, String... more) {
		return MapFsPath.parse(this, first, more);
	}

	/**
	 * The JDK's glob and regex syntax, matched against the path's string as the JDK's Unix matchers do; the default
	 * file system only translates the pattern.
	 */
	@Override
	public PathMatcher getPathMatcher(String syntaxAndPattern) {
		PathMatcher jdk = FileSystems.getDefault().getPathMatcher(syntaxAndPattern);
		return path -> jdk.matches(Path.of(path.toString()));
	}

	@Override
	public UserPrincipalLookupService getUserPrincipalLookupService() {
		return Principals.LOOKUP;
	}

	@Override
	public WatchService newWatchService() {
		checkOpen();
		MapFsWatchService w = new MapFsWatchService(this);
		watchers.add(w);
		return w;
	}

	void watchServiceClosed(MapFsWatchService w) {
		watchers.remove(w);
	}

	/** A change through this file system in directory {@code dir}: watch services look now, not at their next poll. */
	void changed(FsPath dir) {
		for (MapFsWatchService w : watchers) {
			w.changed(dir);
		}
	}

	private void changedElsewhere(FsPath path) {
		for (MapFsWatchService w : watchers) {
			w.changedBelow(path);
		}
	}

	/** stat, or lstat without {@code follow}. */
	FileAttributes stat(MapFsPath path, boolean follow) throws IOException {
		return lookup(path, follow, mount::stat);
	}

	/** stat (lstat) and where the entry lives. */
	Entry lookup(MapFsPath path, boolean follow) throws IOException {
		return lookup(path, follow, mount::lookup);
	}

	/** Tries the lexical path first: a lookup finds the links on the way itself (it fails) and the final one. */
	private <T> T lookup(MapFsPath path, boolean follow, Resolver.Op<T> op) throws IOException {
		checkOpen();
		try {
			FsPath lexical = path.lexical();
			if (lexical != null) {
				try {
					T found = op.apply(lexical);
					FileAttributes a = found instanceof Entry e ? e.attributes() : (FileAttributes) found;
					if (!follow || !a.isSymlink()) {
						return found;
					}
				} catch (FsException e) {
					if (!Resolver.mayBeLink(e)) {
						throw e;
					}
				}
			}
			return op.apply(resolver.resolve(path, follow));
		} catch (FsException e) {
			throw Errors.nio(e, path);
		}
	}

	/** Runs {@code op} on the mount path {@code path} names. */
	<T> T at(MapFsPath path, boolean follow, Resolver.Op<T> op) throws IOException {
		checkOpen();
		try {
			return op.apply(resolver.resolve(path, follow));
		} catch (FsException e) {
			throw Errors.nio(e, path);
		}
	}

	/** Runs {@code op}, a change of the entry at {@code path}, and tells the watch services of its directory. */
	<T> T change(MapFsPath path, boolean follow, Resolver.Op<T> op) throws IOException {
		return at(path, follow, p -> {
			T result = op.apply(p);
			changed(p.parent());
			return result;
		});
	}

	boolean isDirectory(MapFsPath path) {
		try {
			return mount.stat(resolver.resolve(path, true)).isDirectory();
		} catch (FsException e) {
			return false;
		}
	}

	@Override
	public String toString() {
		return "mapfs://" + name();
	}
}
