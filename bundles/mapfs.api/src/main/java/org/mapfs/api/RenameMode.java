package org.mapfs.api;

/** renameat2 flags MapFS supports. */
public enum RenameMode {
	/** POSIX rename: replace a target of a compatible type. */
	REPLACE,
	/** {@code RENAME_NOREPLACE}: fail with EEXIST if the target exists. */
	NOREPLACE
}
