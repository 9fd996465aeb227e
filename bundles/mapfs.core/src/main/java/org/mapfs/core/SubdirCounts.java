package org.mapfs.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * The number of subdirectories a merged directory shows, for its st_nlink. Counting means listing every layer of
 * the directory, and the kernel asks for the attributes of a directory after each change in it, so a count is
 * kept until a change of the namespace at or below the directory forgets it.
 */
final class SubdirCounts {
	private final Map<FsPath, Long> counts = new ConcurrentHashMap<>();

	long count(Node dir, Readdir readdir) throws FsException {
		Long n = counts.get(dir.path());
		if (n == null) {
			n = readdir.list(dir).stream().filter(e -> e.type() == FileType.DIRECTORY).count();
			counts.put(dir.path(), n);
		}
		return n;
	}

	/** {@code path} was created, removed or moved: its directory's count and every count below it go. */
	void forget(FsPath path) {
		if (path.isRoot()) {
			counts.clear();
			return;
		}
		counts.remove(path.parent());
		counts.keySet().removeIf(p -> p.startsWith(path));
	}

	void clear() {
		counts.clear();
	}
}
