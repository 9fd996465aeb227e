package org.mapfs.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.mapfs.api.DirEntry;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.policy.OverlayPolicy;

/**
 * The merged listing of a directory: every layer that merges into it, top first; each name once, the top entry
 * wins; whiteouts hide the name in the layers below and are never listed.
 */
final class Readdir {
	private final OverlayPolicy policy;
	private final Identity identity;

	Readdir(OverlayPolicy policy, Identity identity) {
		this.policy = policy;
		this.identity = identity;
	}

	List<DirEntry> list(Node dir) throws FsException {
		Set<String> seen = new HashSet<>();
		List<DirEntry> out = new ArrayList<>();
		for (Layer.Branch b : dir.branches()) {
			Layer layer = b.layer();
			if (b.synthetic()) {
				String name = layer.at.name(dir.path().depth());
				if (seen.add(name)) {
					out.add(new DirEntry(name, FileType.DIRECTORY, identity.ino(layer, b.storePath(), b.attrs().ino())));
				}
				continue;
			}
			for (DirEntry e : layer.store.list(b.storePath())) {
				if (!seen.add(e.name())) {
					continue;
				}
				var path = b.storePath().resolve(e.name());
				if (policy.mayBeWhiteout(e) && policy.isWhiteout(layer.store, path, layer.store.stat(path))) {
					continue;
				}
				out.add(new DirEntry(e.name(), e.type(), identity.ino(layer, path, e.ino())));
			}
		}
		return out;
	}

	/** True if the merged directory has no visible entry. */
	boolean isEmpty(Node dir) throws FsException {
		return list(dir).isEmpty();
	}
}
