package org.mapfs.api;

/** How a file is opened through a mount. */
public enum OpenFlag {
	READ,
	WRITE,
	/** Truncate to size 0 on open (O_TRUNC); needs {@link #WRITE}. */
	TRUNCATE
}
