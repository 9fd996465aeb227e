package org.mapfs.core;

import java.util.ArrayList;
import java.util.List;

import org.mapfs.api.AttributeChange;
import org.mapfs.api.Errno;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.XattrMode;
import org.mapfs.api.policy.OverlayPolicy;

/**
 * Attribute and extended-attribute operations (overlayfs's inode.c). A change copies the entry's metadata up
 * first (its data too where the policy wants whole copies); the overlay's own extended attributes are neither
 * shown nor settable.
 */
final class Metadata {
	private final LayerMap map;
	private final Lookup lookup;
	private final CopyUp copyUp;
	private final OverlayPolicy policy;

	Metadata(LayerMap map, Lookup lookup, CopyUp copyUp, OverlayPolicy policy) {
		this.map = map;
		this.lookup = lookup;
		this.copyUp = copyUp;
		this.policy = policy;
	}

	void setattr(FsPath path, AttributeChange change) throws FsException {
		map.overlayStore();
		// the copy-up looks up the attributes it copies afresh; the change itself needs only the type and place
		Node node = copyUp.copyUpMetadata(lookup.resolve(path));
		if (change.mode() != null && node.storeAttrs().isSymlink()) {
			throw new FsException(Errno.ENOTSUP, path, "symlinks have no mode of their own");
		}
		map.overlayStore().setattr(node.top().storePath(), change);
	}

	byte[] getxattr(FsPath path, String name) throws FsException {
		if (copyUp.isInternal(name)) {
			throw new FsException(Errno.ENODATA, path);
		}
		// where it is is enough (the kernel asks for security.capability before every write)
		Layer.Branch top = lookup.resolve(path).top();
		return top.layer().store.getxattr(top.storePath(), name);
	}

	List<String> listxattr(FsPath path) throws FsException {
		Layer.Branch top = lookup.resolve(path).top();
		List<String> names = new ArrayList<>();
		for (String name : top.layer().store.listxattr(top.storePath())) {
			if (!copyUp.isInternal(name)) {
				names.add(name);
			}
		}
		return names;
	}

	void setxattr(FsPath path, String name, byte[] value, XattrMode mode) throws FsException {
		checkClientName(path, name);
		map.overlayStore();
		Node node = copyUp.copyUpMetadata(lookup.resolve(path));
		map.overlayStore().setxattr(node.top().storePath(), name, value, mode);
	}

	void removexattr(FsPath path, String name) throws FsException {
		checkClientName(path, name);
		map.overlayStore();
		Node node = lookup.lookup(path);
		Layer.Branch top = node.top();
		// removing an attribute that is not there changes nothing: no copy-up for an ENODATA
		top.layer().store.getxattr(top.storePath(), name);
		node = copyUp.copyUpMetadata(node);
		map.overlayStore().removexattr(node.top().storePath(), name);
	}

	/** Before any copy-up: a name the client may set, on an overlay that keeps attributes. */
	private void checkClientName(FsPath path, String name) throws FsException {
		if (copyUp.isInternal(name)) {
			throw new FsException(Errno.EPERM, path, "extended attribute " + name + " belongs to the overlay");
		}
		if (!policy.hasXattrs()) {
			throw new FsException(Errno.ENOTSUP, path, "the overlay keeps no extended attributes");
		}
	}
}
