package org.mapfs.core;

import java.util.ArrayList;
import java.util.List;

import org.mapfs.api.FileAttributes;
import org.mapfs.api.FsPath;
import org.mapfs.api.policy.Origin;

/**
 * What a lookup found at a mount path: the branches that serve it, top first. A directory may be merged from
 * several layers; a metadata-only copy has two, its metadata in the overlay and its data below; anything else has
 * exactly one branch, the top match.
 */
record Node(FsPath path, List<Layer.Branch> branches, boolean metacopy) {

	Layer.Branch top() {
		return branches.get(0);
	}

	/** The same node with the top branch's attributes read again. */
	Node withTopAttrs(FileAttributes attrs) {
		List<Layer.Branch> bs = new ArrayList<>(branches);
		Layer.Branch top = top();
		bs.set(0, new Layer.Branch(top.layer(), top.storePath(), attrs, top.synthetic()));
		return new Node(path, List.copyOf(bs), metacopy);
	}

	FileAttributes storeAttrs() {
		return top().attrs();
	}

	boolean isDirectory() {
		return top().isDirectory();
	}

	/** True if the overlay holds this entry (a private copy or a new entry). */
	boolean isUpper() {
		return top().layer().writable && !top().layer().indexArea && !top().synthetic();
	}

	/**
	 * True for a name of a hard-linked repository file that the overlay's index serves: another name of it was
	 * copied up, this one is not in the overlay yet ({@link Index}).
	 */
	boolean isIndexed() {
		return top().layer().indexArea;
	}

	/** The branch that holds the data of a file. */
	Layer.Branch data() {
		return metacopy ? branches.get(1) : top();
	}

	/** True once the overlay holds the file's data, not only its metadata. */
	boolean isDataUpper() {
		return isUpper() && !metacopy;
	}

	/** The repository version of a file whose data is not yet copied up; null once it is. */
	Origin origin() {
		return isDataUpper() ? null : source();
	}

	/** Where the data of a file is read from, wherever it lives. */
	Origin source() {
		Layer.Branch data = data();
		return new Origin(data.layer().store, data.storePath());
	}
}
