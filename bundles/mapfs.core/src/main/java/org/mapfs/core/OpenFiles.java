package org.mapfs.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

import org.mapfs.api.FileAttributes;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/** The open files of a mount by path, so that all handles of a file share one {@link OpenFile}. */
final class OpenFiles {
	interface Opener {
		OpenFile open() throws FsException;
	}

	private final Map<FsPath, OpenFile> byPath = new HashMap<>();

	synchronized OpenFile acquire(FsPath path, boolean writer, Opener opener) throws FsException {
		OpenFile file = byPath.get(path);
		if (file == null) {
			file = opener.open();
			byPath.put(path, file);
		}
		file.retain(writer);
		return file;
	}

	/** Drops a handle; closes the file's data after the last one. */
	void release(OpenFile file, boolean writer) throws FsException {
		synchronized (this) {
			if (!file.release(writer)) {
				return;
			}
			byPath.remove(file.path(), file);
		}
		file.close();
	}

	synchronized OpenFile get(FsPath path) {
		return byPath.get(path);
	}

	/** The name was removed: open handles keep the data, and report these attributes from now on. */
	synchronized void unlinked(FsPath path, FileAttributes attrs) {
		OpenFile file = byPath.remove(path);
		if (file != null) {
			file.unlinked(attrs);
		}
	}

	/** Follows a rename of {@code from}, a file or a directory, to {@code to}. */
	synchronized void moved(FsPath from, FsPath to) {
		for (FsPath p : new ArrayList<>(byPath.keySet())) {
			if (p.startsWith(from)) {
				OpenFile file = byPath.remove(p);
				FsPath moved = to.resolve(p.relativize(from));
				file.moved(moved);
				byPath.put(moved, file);
			}
		}
	}
}
