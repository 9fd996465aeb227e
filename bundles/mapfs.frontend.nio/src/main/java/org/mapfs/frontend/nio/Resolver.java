package org.mapfs.frontend.nio;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;

/**
 * Finds the mount path a {@link MapFsPath} names, as the kernel's path walk does: symbolic links on the way are
 * followed (the final one only if asked), {@code ..} goes to the parent of where the walk is (after a link: of the
 * link's target), an absolute link target starts again at the mount's root. The mount itself never follows a link.
 * <p>
 * Most paths have no link on the way; one lstat tells, and only when it fails or finds a link is the path walked
 * name by name.
 */
final class Resolver {
	/** Linux's MAXSYMLINKS. */
	private static final int MAX_LINKS = 40;
	private final Mount mount;

	Resolver(Mount mount) {
		this.mount = mount;
	}

	/** An operation on a mount path. */
	interface Op<T> {
		T apply(FsPath path) throws FsException;
	}

	/**
	 * Runs {@code op} on the lexical path first and walks only if it fails the way a link on the way makes it
	 * fail. Only for operations that fail on a final link themselves (open: ELOOP, list: ENOTDIR), or when
	 * {@code follow} is false.
	 */
	<T> T apply(MapFsPath path, boolean follow, Op<T> op) throws FsException {
		FsPath lexical = path.lexical();
		if (lexical == null) {
			return op.apply(resolve(path, follow));
		}
		try {
			return op.apply(lexical);
		} catch (FsException e) {
			if (!mayBeLink(e)) {
				throw e;
			}
			FsPath real = resolve(path, follow);
			if (real.equals(lexical)) {
				throw e;
			}
			return op.apply(real);
		}
	}

	/**
	 * The mount path {@code path} names. The last name need not exist (it is the path to create); every name
	 * before it must be a directory or a link to one.
	 *
	 * @throws FsException ENOENT, ENOTDIR for a name on the way, ELOOP after {@value #MAX_LINKS} links
	 */
	FsPath resolve(MapFsPath path, boolean follow) throws FsException {
		FsPath lexical = path.lexical();
		if (lexical != null) {
			FsPath probe = follow ? lexical : lexical.parent();
			try {
				FileAttributes a = mount.stat(probe);
				if (probe != lexical ? a.isDirectory() : !a.isSymlink()) {
					return lexical;
				}
			} catch (FsException e) {
				if (!mayBeLink(e)) {
					throw e;
				}
			}
		}
		return walk(path.absoluteNames(), follow);
	}

	private FsPath walk(List<String> names, boolean follow) throws FsException {
		Deque<String> todo = new ArrayDeque<>(names);
		FsPath at = FsPath.ROOT;
		int links = 0;
		while (!todo.isEmpty()) {
			String name = todo.removeFirst();
			if (name.equals(".")) {
				continue;
			}
			if (name.equals("..")) {
				at = at.parent();
				continue;
			}
			FsPath next = at.resolve(name);
			boolean last = todo.stream().allMatch(n -> n.equals("."));
			if (last && !follow) {
				return next;
			}
			FileAttributes a;
			try {
				a = mount.stat(next);
			} catch (FsException e) {
				if (last && e.errno() == Errno.ENOENT) {
					return next;
				}
				throw e;
			}
			if (a.isSymlink()) {
				if (++links > MAX_LINKS) {
					throw new FsException(Errno.ELOOP, next);
				}
				String target = mount.readlink(next);
				List<String> parts = Arrays.asList(target.split("/"));
				for (int i = parts.size() - 1; i >= 0; i--) {
					if (!parts.get(i).isEmpty()) {
						todo.addFirst(parts.get(i));
					}
				}
				if (target.startsWith("/")) {
					at = FsPath.ROOT;
				}
				continue;
			}
			if (!last && !a.isDirectory()) {
				throw new FsException(Errno.ENOTDIR, next);
			}
			at = next;
		}
		return at;
	}

	/** The errnos a symbolic link on the way gives an operation that does not follow links. */
	static boolean mayBeLink(FsException e) {
		return e.errno() == Errno.ENOENT || e.errno() == Errno.ENOTDIR || e.errno() == Errno.ELOOP;
	}
}
