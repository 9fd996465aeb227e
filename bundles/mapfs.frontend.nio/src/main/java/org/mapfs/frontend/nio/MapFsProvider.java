package org.mapfs.frontend.nio;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.spi.FileSystemProvider;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.mapfs.api.Caller;
import org.mapfs.api.DirEntry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.RenameMode;

/**
 * The java.nio provider of scheme {@value #SCHEME}: {@code mapfs://MOUNT/path}, one file system per mount.
 * <p>
 * On a plain class path the JDK finds it through META-INF/services, and
 * {@code FileSystems.newFileSystem(URI.create("mapfs://NAME/"), env)} makes the file system of a mount: either
 * the {@link Mount} in env key {@code "mount"}, or one built from folders as overlayfs's options name them
 * ({@link MountFactory}). Inside OSGi the JDK cannot see bundles' providers: a component publishes the file
 * systems as services instead ({@link NioComponent}).
 * <p>
 * Operations behave as the JDK's default provider on Linux, with the same exceptions (a MapFS one may be a subclass
 * of the JDK's: {@link java.nio.file.NotDirectoryException} for ENOTDIR, FileSystemLoopException for ELOOP), and
 * ReadOnlyFileSystemException for a change of a mount without an overlay. They run as {@link Caller#PROCESS}.
 */
public final class MapFsProvider extends FileSystemProvider {
	static final String SCHEME = "mapfs";
	private static final System.Logger LOG = System.getLogger(MapFsProvider.class.getName());
	private static final int FILE_MODE = 0666;
	private static final int DIRECTORY_MODE = 0777;
	private final Map<String, MapFsFileSystem> fileSystems = new ConcurrentHashMap<>();

	/** For the JDK's service loader; inside OSGi the component makes its own. */
	public MapFsProvider() {
	}

	@Override
	public String getScheme() {
		return SCHEME;
	}

	// ---- file systems

	/** The mount name a URI names: its authority, percent-decoded. */
	static String mountName(URI uri) {
		if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
			throw new IllegalArgumentException("URI scheme is not '" + SCHEME + "': " + uri);
		}
		String authority = uri.getRawAuthority();
		if (authority == null || authority.isEmpty()) {
			throw new IllegalArgumentException("URI names no mount (mapfs://MOUNT/path): " + uri);
		}
		return URLDecoder.decode(authority, StandardCharsets.UTF_8);
	}

	URI uri(String mount, String absolutePath) {
		String name = URLEncoder.encode(mount, StandardCharsets.UTF_8).replace("+", "%20");
		try {
			return URI.create(SCHEME + "://" + name + new URI(null, null, absolutePath, null).getRawPath());
		} catch (URISyntaxException e) {
			throw new IllegalArgumentException(e);
		}
	}

	/**
	 * The file system of a mount: env key {@code "mount"} holds a ready {@link Mount} (it stays the caller's), or
	 * the keys of {@link MountFactory} describe one to build from folders (closing the file system closes its
	 * stores).
	 */
	@Override
	public MapFsFileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
		String name = mountName(uri);
		if (fileSystems.containsKey(name)) {
			throw new FileSystemAlreadyExistsException(name);
		}
		Object given = env.get("mount");
		if (given instanceof Mount mount) {
			return add(new MapFsFileSystem(this, name, mount, null, true));
		}
		if (given != null) {
			throw new IllegalArgumentException("env 'mount' is not an org.mapfs.api.Mount: " + given.getClass());
		}
		MountFactory.Built built;
		try {
			built = MountFactory.build(name, env);
		} catch (LinkageError e) {
			throw new UnsupportedOperationException("building a mount from folders needs mapfs.core, "
					+ "mapfs.store.local and mapfs.policy.classic on the class path; pass a Mount as env 'mount'", e);
		}
		try {
			return add(new MapFsFileSystem(this, name, built.mount(), built.stores(), true));
		} catch (RuntimeException e) {
			closeQuietly(built.stores(), e);
			throw e;
		}
	}

	private static void closeQuietly(AutoCloseable c, RuntimeException failure) {
		try {
			c.close();
		} catch (Exception e) {
			failure.addSuppressed(e);
		}
	}

	/** The file system a component publishes for {@code mount}: its users cannot close it, {@code shutdown} does. */
	MapFsFileSystem publish(String name, Mount mount) {
		return add(new MapFsFileSystem(this, name, mount, null, false));
	}

	private MapFsFileSystem add(MapFsFileSystem fs) {
		if (fileSystems.putIfAbsent(fs.name(), fs) != null) {
			try {
				fs.shutdown();
			} catch (IOException e) {
				throw new IllegalStateException(e);
			}
			throw new FileSystemAlreadyExistsException(fs.name());
		}
		return fs;
	}

	void removed(MapFsFileSystem fs) {
		fileSystems.remove(fs.name(), fs);
	}

	@Override
	public MapFsFileSystem getFileSystem(URI uri) {
		String name = mountName(uri);
		MapFsFileSystem fs = fileSystems.get(name);
		if (fs == null) {
			throw new FileSystemNotFoundException(name);
		}
		return fs;
	}

	@Override
	public Path getPath(URI uri) {
		String path = uri.getPath();
		return getFileSystem(uri).getPath(path == null || path.isEmpty() ? "/" : path);
	}

	// ---- helpers

	static boolean follows(LinkOption... options) {
		for (LinkOption o : options) {
			if (o == LinkOption.NOFOLLOW_LINKS) {
				return false;
			}
			if (o == null) {
				throw new NullPointerException();
			}
		}
		return true;
	}

	/** An operation of two paths (link, rename), neither followed if a link: errors name both, as the JDK's. */
	private interface TwoPaths {
		void run(FsPath a, FsPath b) throws FsException;
	}

	private static void both(MapFsPath a, MapFsPath b, TwoPaths op) throws IOException {
		MapFsFileSystem fs = a.getFileSystem();
		fs.checkOpen();
		try {
			FsPath fa = fs.resolver().resolve(a, false);
			FsPath fb = fs.resolver().resolve(b, false);
			op.run(fa, fb);
			fs.changed(fa.parent());
			fs.changed(fb.parent());
		} catch (FsException e) {
			throw Errors.nio(e, a, b);
		}
	}

	/** The mode new files get: {@code byDefault} or posix:permissions, less the umask (as creat(2) and mkdir(2)). */
	private static int initialMode(MapFsFileSystem fs, FileAttribute<?>[] attrs, int byDefault) {
		int mode = byDefault;
		for (FileAttribute<?> a : attrs) {
			if (!a.name().equals("posix:permissions") && !a.name().equals("unix:permissions")) {
				throw new UnsupportedOperationException("'" + a.name() + "' not supported as initial attribute");
			}
			@SuppressWarnings("unchecked")
			Set<PosixFilePermission> perms = (Set<PosixFilePermission>) a.value();
			mode = MapFsFileAttributes.mode(perms);
		}
		return fs.identity().create(mode);
	}

	// ---- files and directories

	@Override
	public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
			FileAttribute<?>... attrs) throws IOException {
		return newFileChannel(path, options, attrs);
	}

	private record Opened(FsPath path, FileHandle handle) {
	}

	@Override
	public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
			throws IOException {
		MapFsPath p = MapFsPath.check(path);
		MapFsFileSystem fs = p.getFileSystem();
		OpenOptions o = OpenOptions.of(options);
		int mode = initialMode(fs, attrs, FILE_MODE);
		fs.checkOpen();
		Mount mount = fs.mount();
		try {
			Opened opened;
			if (o.createNew()) {
				FsPath file = fs.resolver().resolve(p, false);
				opened = new Opened(file, mount.create(file, mode, Caller.PROCESS, true));
				fs.changed(file.parent());
			} else if (o.create()) {
				FsPath file = fs.resolver().resolve(p, o.follow());
				opened = new Opened(file, createOrOpen(fs, file, mode, o));
			} else {
				opened = fs.resolver().apply(p, o.follow(), f -> new Opened(f, open(fs, f, o)));
			}
			if (o.deleteOnClose()) {
				deleteOnOpen(fs, opened.path());
			}
			return fs.opened(new MapFsFileChannel(fs, p, opened.path(), opened.handle(), o));
		} catch (FsException e) {
			if (e.errno() == Errno.EISDIR && !o.write()) {
				return directoryChannel(fs, p, o);
			}
			throw Errors.nio(e, p);
		}
	}

	/**
	 * DELETE_ON_CLOSE as the JDK does it on Linux: the name goes at once (the open file stays), which is also the
	 * only way that works when the process dies. As there, a name that cannot be removed fails nothing.
	 */
	private static void deleteOnOpen(MapFsFileSystem fs, FsPath file) {
		try {
			fs.mount().unlink(file);
			fs.changed(file.parent());
		} catch (FsException e) {
			LOG.log(Level.DEBUG, () -> "DELETE_ON_CLOSE of " + file.toAbsoluteString() + ": " + e.getMessage());
		}
	}

	private static FileHandle createOrOpen(MapFsFileSystem fs, FsPath file, int mode, OpenOptions o)
			throws FsException {
		try {
			return open(fs, file, o);
		} catch (FsException e) {
			if (e.errno() != Errno.ENOENT) {
				throw e;
			}
		}
		FileHandle h = fs.mount().create(file, mode, Caller.PROCESS, false);
		if (o.truncate()) {
			h.truncate(0);
		}
		fs.changed(file.parent());
		return h;
	}

	/** Opens an existing file, checking the permission bits as the kernel would for this process. */
	private static FileHandle open(MapFsFileSystem fs, FsPath file, OpenOptions o) throws FsException {
		FileHandle h = fs.mount().open(file, o.flags());
		if (fs.identity().uid() != 0) {
			FileAttributes a = h.stat();
			if (o.read() && !fs.identity().allows(a, AccessMode.READ)
					|| o.write() && !fs.identity().allows(a, AccessMode.WRITE)) {
				h.close();
				throw new FsException(Errno.EACCES, file);
			}
		}
		if (o.truncate()) {
			fs.changed(file.parent());
		}
		return h;
	}

	/** A directory opened for reading: the JDK opens it and fails the reads. */
	private static FileChannel directoryChannel(MapFsFileSystem fs, MapFsPath p, OpenOptions o) throws IOException {
		FsPath dir = fs.at(p, o.follow(), f -> f);
		FileAttributes a = fs.stat(p, o.follow());
		return fs.opened(new MapFsFileChannel(fs, p, dir, a.ino(), a.size(), o));
	}

	@Override
	public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
			throws IOException {
		return newDirectoryStream(MapFsPath.check(dir), filter, true);
	}

	private record Listing(FsPath dir, List<DirEntry> entries) {
	}

	MapFsDirectoryStream newDirectoryStream(MapFsPath dir, DirectoryStream.Filter<? super Path> filter,
			boolean follow) throws IOException {
		if (filter == null) {
			throw new NullPointerException();
		}
		MapFsFileSystem fs = dir.getFileSystem();
		fs.checkOpen();
		Mount mount = fs.mount();
		try {
			Listing l = fs.resolver().apply(dir, follow, f -> new Listing(f, mount.list(f)));
			long ino = mount.stat(l.dir()).ino();
			return fs.opened(new MapFsDirectoryStream(fs, dir, l.dir(), ino, l.entries(), filter));
		} catch (FsException e) {
			if (e.errno() == Errno.ENOTDIR) {
				NotDirectoryException nd = new NotDirectoryException(dir.toString());
				nd.initCause(e);
				throw nd;
			}
			throw Errors.nio(e, dir);
		}
	}

	@Override
	public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
		MapFsPath p = MapFsPath.check(dir);
		MapFsFileSystem fs = p.getFileSystem();
		int mode = initialMode(fs, attrs, DIRECTORY_MODE);
		fs.change(p, false, f -> {
			fs.mount().mkdir(f, mode, Caller.PROCESS);
			return null;
		});
	}

	@Override
	public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
		MapFsPath p = MapFsPath.check(link);
		String to = MapFsPath.check(target).toString();
		if (attrs.length > 0) {
			throw new UnsupportedOperationException("Initial file attributes not supported when creating symbolic link");
		}
		MapFsFileSystem fs = p.getFileSystem();
		fs.change(p, false, f -> {
			fs.mount().symlink(f, to, Caller.PROCESS);
			return null;
		});
	}

	/** link(2), which does not follow a link at {@code existing}. */
	@Override
	public void createLink(Path link, Path existing) throws IOException {
		MapFsPath l = MapFsPath.check(link);
		MapFsPath e = MapFsPath.check(existing);
		if (l.getFileSystem() != e.getFileSystem()) {
			throw Errors.nio(new FsException(Errno.EXDEV, null, null), link, existing);
		}
		Mount mount = l.getFileSystem().mount();
		both(l, e, (to, from) -> {
			// Linux looks up the file (ENOENT), then finds the new name taken (EEXIST), and only then looks at
			// what it links (EPERM for a directory); the engine checks the last first
			mount.stat(from);
			if (exists(mount, to)) {
				throw new FsException(Errno.EEXIST, to);
			}
			mount.link(from, to);
		});
	}

	private static boolean exists(Mount mount, FsPath path) throws FsException {
		try {
			mount.stat(path);
			return true;
		} catch (FsException e) {
			if (e.errno() == Errno.ENOENT) {
				return false;
			}
			throw e;
		}
	}

	@Override
	public void delete(Path path) throws IOException {
		MapFsPath p = MapFsPath.check(path);
		Mount mount = p.getFileSystem().mount();
		p.getFileSystem().change(p, false, f -> {
			if (mount.stat(f).isDirectory()) {
				mount.rmdir(f);
			} else {
				mount.unlink(f);
			}
			return null;
		});
	}

	void unlink(MapFsPath p) throws IOException {
		p.getFileSystem().change(p, false, f -> {
			p.getFileSystem().mount().unlink(f);
			return null;
		});
	}

	void rmdir(MapFsPath p) throws IOException {
		p.getFileSystem().change(p, false, f -> {
			p.getFileSystem().mount().rmdir(f);
			return null;
		});
	}

	/** rename(2) within one mount: replaces a target of a compatible type. */
	void rename(MapFsPath from, MapFsPath to) throws IOException {
		if (from.getFileSystem() != to.getFileSystem()) {
			throw Errors.nio(new FsException(Errno.EXDEV, null, null), from, to);
		}
		Mount mount = from.getFileSystem().mount();
		both(from, to, (a, b) -> mount.rename(a, b, RenameMode.REPLACE));
	}

	@Override
	public void copy(Path source, Path target, CopyOption... options) throws IOException {
		Copier.copy(MapFsPath.check(source), MapFsPath.check(target), options);
	}

	@Override
	public void move(Path source, Path target, CopyOption... options) throws IOException {
		Copier.move(MapFsPath.check(source), MapFsPath.check(target), options);
	}

	@Override
	public Path readSymbolicLink(Path link) throws IOException {
		MapFsPath p = MapFsPath.check(link);
		MapFsFileSystem fs = p.getFileSystem();
		fs.checkOpen();
		try {
			return fs.getPath(fs.mount().readlink(fs.resolver().resolve(p, false)));
		} catch (FsException e) {
			throw Errors.notLink(e, p);
		}
	}

	Path toRealPath(MapFsPath path, LinkOption... options) throws IOException {
		MapFsFileSystem fs = path.getFileSystem();
		if (!follows(options)) {
			MapFsPath lexical = (MapFsPath) path.toAbsolutePath().normalize();
			fs.stat(lexical, false);
			return lexical;
		}
		FsPath real = fs.at(path, true, f -> {
			fs.mount().stat(f);
			return f;
		});
		return fs.root().resolve(fs.getPath(real.toString()));
	}

	// ---- questions

	@Override
	public boolean isSameFile(Path path, Path path2) throws IOException {
		if (path.equals(path2)) {
			return true;
		}
		if (!(path instanceof MapFsPath a) || !(path2 instanceof MapFsPath b)) {
			return false;
		}
		FileAttributes x = a.getFileSystem().stat(a, true);
		FileAttributes y = b.getFileSystem().stat(b, true);
		return x.ino() == y.ino() && x.dev() == y.dev();
	}

	/** A name starting with a dot, as on Linux (the file need not exist). */
	@Override
	public boolean isHidden(Path path) {
		Path name = MapFsPath.check(path).getFileName();
		return name != null && name.toString().startsWith(".");
	}

	@Override
	public FileStore getFileStore(Path path) throws IOException {
		MapFsPath p = MapFsPath.check(path);
		p.getFileSystem().stat(p, true);
		return p.getFileSystem().store();
	}

	/** access(2) for this process: from the mode bits (root as on Linux), EROFS for WRITE on a read-only mount. */
	@Override
	public void checkAccess(Path path, AccessMode... modes) throws IOException {
		MapFsPath p = MapFsPath.check(path);
		MapFsFileSystem fs = p.getFileSystem();
		FileAttributes a = fs.stat(p, true);
		for (AccessMode m : modes) {
			if (m == AccessMode.WRITE && fs.isReadOnly()) {
				throw Errors.nio(FsException.readOnly(null), p);
			}
			if (!fs.identity().allows(a, m)) {
				throw new AccessDeniedException(p.toString());
			}
		}
	}

	// ---- attributes

	@Override
	public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
		return AttributeViews.view(MapFsPath.check(path), type, follows(options));
	}

	@Override
	public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
			throws IOException {
		if (type != BasicFileAttributes.class && type != PosixFileAttributes.class) {
			throw new UnsupportedOperationException(type + " not supported");
		}
		MapFsPath p = MapFsPath.check(path);
		return type.cast(new MapFsFileAttributes(p.getFileSystem().stat(p, follows(options))));
	}

	@Override
	public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
			throws IOException {
		return AttributeViews.read(MapFsPath.check(path), attributes, follows(options));
	}

	@Override
	public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
		AttributeViews.set(MapFsPath.check(path), attribute, value, follows(options));
	}

	@Override
	public String toString() {
		return "MapFS provider (" + SCHEME + ") of " + Arrays.toString(fileSystems.keySet().toArray());
	}
}
