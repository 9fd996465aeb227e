package org.mapfs.core;

import java.util.List;

import org.mapfs.api.FileAttributes;
import org.mapfs.api.FsPath;
import org.mapfs.api.policy.Origin;

/**
 * What a lookup found at a mount path: the branches that serve it, top first. A directory may be merged from
 * several layers; anything else has exactly one branch, the top match.
 */
record Node(FsPath path, List<Layer.Branch> branches) {

	Layer.Branch top() {
		return branches.get(0);
	}

	FileAttributes storeAttrs() {
		return top().attrs();
	}

	boolean isDirectory() {
		return top().isDirectory();
	}

	/** True if the overlay holds this entry (a private copy or a new entry). */
	boolean isUpper() {
		return top().layer().writable && !top().synthetic();
	}

	/** The repository version of a file that is not yet copied up. */
	Origin origin() {
		return isUpper() ? null : new Origin(top().layer().store, top().storePath());
	}
}
