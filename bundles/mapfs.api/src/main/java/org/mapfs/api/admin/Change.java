package org.mapfs.api.admin;

import org.mapfs.api.FsPath;

/**
 * One entry a client changed against the repository, as {@code git status} shows it.
 *
 * @param path the entry's path in the mount
 * @param kind what happened to it
 * @param from for RENAMED: the repository path it came from; null otherwise
 */
public record Change(FsPath path, Kind kind, FsPath from) {
	public enum Kind {
		/** New: the repository has nothing at this path. */
		ADDED,
		/** A full private copy of a repository entry (data changed, or replaced by another entry). */
		MODIFIED,
		/** A metadata-only copy: mode, owner, times or xattrs changed, the data is still the repository's. */
		METADATA,
		/** Deleted: a whiteout (or an opaque directory hiding the repository's contents). */
		DELETED,
		/** A repository directory moved here (a redirect). */
		RENAMED
	}
}
