package org.mapfs.api;

/** How setxattr treats an existing attribute ({@code XATTR_CREATE}, {@code XATTR_REPLACE}, or neither). */
public enum XattrMode {
	/** Create or replace. */
	SET,
	/** Fail with EEXIST if the attribute exists. */
	CREATE,
	/** Fail with ENODATA if it does not. */
	REPLACE
}
