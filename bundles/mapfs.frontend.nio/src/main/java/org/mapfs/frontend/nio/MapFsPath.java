package org.mapfs.frontend.nio;

import java.io.IOException;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * A path of one MapFS file system, with the syntax and the purely lexical operations of the JDK's Unix paths:
 * {@code /} separates, repeated and trailing slashes vanish, {@code .} and {@code ..} stay until
 * {@link #normalize()}. The empty path has one empty name, as on the JDK. The current directory of a file system
 * is its root.
 */
final class MapFsPath implements Path {
	private final MapFsFileSystem fs;
	private final boolean absolute;
	/** The names; the empty path is the one name "". */
	private final String[] names;

	private MapFsPath(MapFsFileSystem fs, boolean absolute, String[] names) {
		this.fs = fs;
		this.absolute = absolute;
		this.names = names;
	}

	static MapFsPath root(MapFsFileSystem fs) {
		return new MapFsPath(fs, true, new String[0]);
	}

	static MapFsPath parse(MapFsFileSystem fs, String first, String... more) {
		StringBuilder sb = new StringBuilder(first);
		for (String m : more) {
			if (!m.isEmpty()) {
				if (sb.length() > 0) {
					sb.append('/');
				}
				sb.append(m);
			}
		}
		String input = sb.toString();
		int nul = input.indexOf('\0');
		if (nul >= 0) {
			throw new InvalidPathException(input, "Nul character not allowed", nul);
		}
		String[] parts = Arrays.stream(input.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
		boolean absolute = input.startsWith("/");
		return new MapFsPath(fs, absolute, parts.length == 0 && !absolute ? new String[] { "" } : parts);
	}

	private MapFsPath with(boolean abs, List<String> list) {
		return new MapFsPath(fs, abs, list.isEmpty() && !abs ? new String[] { "" } : list.toArray(String[]::new));
	}

	static MapFsPath check(Path path) {
		if (path == null) {
			throw new NullPointerException();
		}
		if (!(path instanceof MapFsPath p)) {
			throw new ProviderMismatchException("not a MapFS path: " + path);
		}
		return p;
	}

	boolean isEmpty() {
		return !absolute && names.length == 1 && names[0].isEmpty();
	}

	private List<String> nameList() {
		return isEmpty() ? List.of() : Arrays.asList(names);
	}

	/** The names of the absolute path, as they are (with {@code .} and {@code ..}). */
	List<String> absoluteNames() {
		return toAbsolutePath().nameList();
	}

	/**
	 * The mount path this absolute path names if it has no {@code .} or {@code ..} (so it needs no walk to say
	 * where it is, symlinks apart), else null.
	 */
	FsPath lexical() {
		List<String> list = absoluteNames();
		if (list.contains(".") || list.contains("..")) {
			return null;
		}
		try {
			return FsPath.of(list);
		} catch (FsException e) {
			return null;
		}
	}

	@Override
	public MapFsFileSystem getFileSystem() {
		return fs;
	}

	@Override
	public boolean isAbsolute() {
		return absolute;
	}

	@Override
	public Path getRoot() {
		return absolute ? fs.root() : null;
	}

	@Override
	public Path getFileName() {
		if (names.length == 0) {
			return null;
		}
		return names.length == 1 && !absolute ? this : new MapFsPath(fs, false, new String[] { names[names.length - 1] });
	}

	@Override
	public Path getParent() {
		if (names.length == 0 || (names.length == 1 && !absolute)) {
			return null;
		}
		return new MapFsPath(fs, absolute, Arrays.copyOf(names, names.length - 1));
	}

	@Override
	public int getNameCount() {
		return names.length;
	}

	@Override
	public Path getName(int index) {
		if (index < 0 || index >= names.length) {
			throw new IllegalArgumentException("no name " + index + " in " + this);
		}
		return new MapFsPath(fs, false, new String[] { names[index] });
	}

	@Override
	public Path subpath(int beginIndex, int endIndex) {
		if (beginIndex < 0 || beginIndex >= names.length || endIndex > names.length || beginIndex >= endIndex) {
			throw new IllegalArgumentException("no names " + beginIndex + ".." + endIndex + " in " + this);
		}
		return new MapFsPath(fs, false, Arrays.copyOfRange(names, beginIndex, endIndex));
	}

	@Override
	public boolean startsWith(Path other) {
		if (!(other instanceof MapFsPath o) || o.fs != fs || o.absolute != absolute) {
			return false;
		}
		if (o.isEmpty()) {
			return isEmpty();
		}
		return o.names.length <= names.length
				&& Arrays.equals(names, 0, o.names.length, o.names, 0, o.names.length);
	}

	@Override
	public boolean endsWith(Path other) {
		if (!(other instanceof MapFsPath o) || o.fs != fs) {
			return false;
		}
		if (o.absolute) {
			return equals(o);
		}
		if (o.isEmpty()) {
			return isEmpty();
		}
		int from = names.length - o.names.length;
		return from >= 0 && Arrays.equals(names, from, names.length, o.names, 0, o.names.length);
	}

	@Override
	public Path normalize() {
		List<String> out = new ArrayList<>();
		for (String n : nameList()) {
			if (n.equals(".")) {
				continue;
			}
			if (n.equals("..")) {
				if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
					out.remove(out.size() - 1);
					continue;
				}
				if (absolute) {
					continue;
				}
			}
			out.add(n);
		}
		return with(absolute, out);
	}

	@Override
	public Path resolve(Path other) {
		MapFsPath o = check(other);
		if (o.absolute) {
			return o;
		}
		if (o.isEmpty()) {
			return this;
		}
		if (isEmpty()) {
			return o;
		}
		List<String> list = new ArrayList<>(nameList());
		list.addAll(o.nameList());
		return with(absolute, list);
	}

	@Override
	public Path relativize(Path other) {
		MapFsPath o = check(other);
		if (o.equals(this)) {
			return with(false, List.of());
		}
		if (o.absolute != absolute) {
			throw new IllegalArgumentException("'other' is different type of Path");
		}
		if (isEmpty()) {
			return o;
		}
		List<String> a = ((MapFsPath) normalize()).nameList();
		List<String> b = ((MapFsPath) o.normalize()).nameList();
		int common = 0;
		while (common < a.size() && common < b.size() && a.get(common).equals(b.get(common))) {
			common++;
		}
		List<String> out = new ArrayList<>();
		for (int i = common; i < a.size(); i++) {
			out.add("..");
		}
		out.addAll(b.subList(common, b.size()));
		return with(false, out);
	}

	/** {@code mapfs://MOUNT/path}, with a trailing slash for a directory, as the JDK's file URIs. */
	@Override
	public URI toUri() {
		MapFsPath abs = toAbsolutePath();
		String path = abs.toString();
		if (!path.endsWith("/") && fs.isDirectory(abs)) {
			path += "/";
		}
		return fs.provider().uri(fs.name(), path);
	}

	@Override
	public MapFsPath toAbsolutePath() {
		return absolute ? this : (MapFsPath) fs.root().resolve(this);
	}

	@Override
	public Path toRealPath(LinkOption... options) throws IOException {
		return fs.provider().toRealPath(this, options);
	}

	@Override
	public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers)
			throws IOException {
		Objects.requireNonNull(watcher);
		if (!(watcher instanceof MapFsWatchService w) || w.fileSystem() != fs) {
			throw new ProviderMismatchException("not a watch service of " + fs);
		}
		return w.register(this, events, modifiers);
	}

	@Override
	public int compareTo(Path other) {
		return toString().compareTo(((MapFsPath) other).toString());
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof MapFsPath p && p.fs == fs && p.absolute == absolute && Arrays.equals(p.names, names);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(names) * 31 + (absolute ? 1 : 0);
	}

	@Override
	public String toString() {
		String joined = String.join("/", names);
		return absolute ? "/" + joined : joined;
	}
}
