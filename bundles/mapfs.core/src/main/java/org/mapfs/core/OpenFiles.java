package org.mapfs.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
	/** Files open now, with or without a path (unlinked ones too). */
	private int open;

	synchronized OpenFile acquire(FsPath path, boolean writer, Opener opener) throws FsException {
		OpenFile file = byPath.get(path);
		if (file == null) {
			file = opener.open();
			byPath.put(path, file);
			open++;
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
			open--;
		}
		file.close();
	}

	/** New opens get files of their own from now on; the open ones stay open, under no path. */
	synchronized void forgetPaths() {
		byPath.clear();
	}

	synchronized int count() {
		return open;
	}

	/** The open files at and below {@code path}. */
	synchronized List<OpenFile> under(FsPath path) {
		return byPath.values().stream().filter(f -> f.path().startsWith(path)).toList();
	}

	/** The open files of the file numbered {@code ino} in the mount, under any of its names. */
	synchronized List<OpenFile> sameFile(long ino) {
		return byPath.values().stream().filter(f -> f.lastAttrs().ino() == ino).toList();
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
