package org.mapfs.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A normalized path relative to the root of a mount, layer or store: a list of names, each non-empty, not
 * {@code .} or {@code ..}, without {@code /} or NUL, at most {@value #NAME_MAX} bytes. The root is the empty
 * list. Paths are checked once, here, so that no store ever sees a component that could leave its root.
 */
public final class FsPath implements Comparable<FsPath> {
	/** Longest name in bytes (Linux NAME_MAX). */
	public static final int NAME_MAX = 255;
	/** Longest path in bytes, including the leading slash and the terminating NUL (Linux PATH_MAX). */
	public static final int PATH_MAX = 4096;

	public static final FsPath ROOT = new FsPath(new String[0]);

	private final String[] names;
	private String string;

	private FsPath(String[] names) {
		this.names = names;
	}

	/**
	 * Parses a path such as {@code /a/b}, {@code a/b} or {@code /}. One leading and one trailing slash are
	 * allowed; every other component is checked.
	 *
	 * @throws FsException EINVAL for empty, {@code .}, {@code ..} or NUL-bearing components, ENAMETOOLONG for a
	 *             name over {@value #NAME_MAX} bytes or a path over {@value #PATH_MAX}
	 */
	public static FsPath of(String path) throws FsException {
		String p = path;
		if (p.startsWith("/")) {
			p = p.substring(1);
		}
		if (p.endsWith("/")) {
			p = p.substring(0, p.length() - 1);
		}
		if (p.isEmpty()) {
			return ROOT;
		}
		if (p.getBytes(StandardCharsets.UTF_8).length + 2 > PATH_MAX) {
			throw new FsException(Errno.ENAMETOOLONG, "path longer than " + (PATH_MAX - 1) + " bytes");
		}
		String[] names = p.split("/", -1);
		for (String name : names) {
			checkName(name);
		}
		return new FsPath(names);
	}

	/** The path of these names, each checked as by {@link #resolve(String)}. */
	public static FsPath of(List<String> names) throws FsException {
		FsPath p = ROOT;
		for (String name : names) {
			p = p.resolve(name);
		}
		return p;
	}

	/**
	 * Checks one name.
	 *
	 * @throws FsException EINVAL or ENAMETOOLONG, naming the offending component
	 */
	public static String checkName(String name) throws FsException {
		if (name.isEmpty()) {
			throw new FsException(Errno.EINVAL, "empty path component");
		}
		if (name.equals(".") || name.equals("..")) {
			throw new FsException(Errno.EINVAL, "path component '" + name + "' is not allowed");
		}
		if (name.indexOf('/') >= 0) {
			throw new FsException(Errno.EINVAL, "path component contains '/': " + name);
		}
		if (name.indexOf('\0') >= 0) {
			throw new FsException(Errno.EINVAL, "path component contains NUL");
		}
		if (name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
			throw new FsException(Errno.ENAMETOOLONG, null,
					"name longer than " + NAME_MAX + " bytes: " + name.substring(0, 16) + "...");
		}
		return name;
	}

	/** This path with one more name. */
	public FsPath resolve(String name) throws FsException {
		checkName(name);
		String[] n = Arrays.copyOf(names, names.length + 1);
		n[names.length] = name;
		return new FsPath(n);
	}

	/** This path followed by the names of {@code other} (already checked). */
	public FsPath resolve(FsPath other) {
		if (other.isRoot()) {
			return this;
		}
		if (isRoot()) {
			return other;
		}
		String[] n = Arrays.copyOf(names, names.length + other.names.length);
		System.arraycopy(other.names, 0, n, names.length, other.names.length);
		return new FsPath(n);
	}

	public boolean isRoot() {
		return names.length == 0;
	}

	/** The parent path; the root is its own parent. */
	public FsPath parent() {
		return isRoot() ? this : new FsPath(Arrays.copyOf(names, names.length - 1));
	}

	/** The last name, or the empty string for the root. */
	public String name() {
		return isRoot() ? "" : names[names.length - 1];
	}

	public int depth() {
		return names.length;
	}

	public String name(int i) {
		return names[i];
	}

	/** The first {@code n} names. */
	public FsPath prefix(int n) {
		return n == names.length ? this : new FsPath(Arrays.copyOf(names, n));
	}

	public List<String> names() {
		return Collections.unmodifiableList(Arrays.asList(names));
	}

	/** True if {@code other} is this path or an ancestor of it. */
	public boolean startsWith(FsPath other) {
		if (other.names.length > names.length) {
			return false;
		}
		for (int i = 0; i < other.names.length; i++) {
			if (!names[i].equals(other.names[i])) {
				return false;
			}
		}
		return true;
	}

	/** The rest of this path below {@code ancestor}, which it must start with. */
	public FsPath relativize(FsPath ancestor) {
		if (!startsWith(ancestor)) {
			throw new IllegalArgumentException(this + " is not below " + ancestor);
		}
		return new FsPath(Arrays.copyOfRange(names, ancestor.names.length, names.length));
	}

	/** All ancestors from the root down to the parent of this path. */
	public List<FsPath> ancestors() {
		List<FsPath> list = new ArrayList<>(names.length);
		for (int i = 0; i < names.length; i++) {
			list.add(prefix(i));
		}
		return list;
	}

	/** Names joined by {@code /}, without a leading slash; the root is the empty string. */
	@Override
	public String toString() {
		String s = string;
		if (s == null) {
			s = string = String.join("/", names);
		}
		return s;
	}

	/** The path with a leading slash, as a user sees it in a mount. */
	public String toAbsoluteString() {
		return "/" + this;
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof FsPath other && Arrays.equals(names, other.names);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(names);
	}

	@Override
	public int compareTo(FsPath o) {
		return Arrays.compare(names, o.names);
	}
}
