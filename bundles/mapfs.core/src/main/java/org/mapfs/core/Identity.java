package org.mapfs.core;

import java.nio.ByteBuffer;

import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.XattrMode;
import org.mapfs.api.store.WritableStore;

/**
 * Inode numbers and the device number a mount reports: one st_dev for the whole mount, and st_ino made unique
 * across layers by putting the layer's position in the top bits (like overlayfs's xino). A copy-up keeps the
 * number of the repository file in an extended attribute of the copy, so st_ino does not change when a file is
 * copied up, nor on remount.
 */
final class Identity {
	private static final int LAYER_SHIFT = 56;
	private static final String TRUSTED = "trusted.mapfs.ino";
	private static final String USER = "user.mapfs.ino";
	private final long dev;
	private final String xattr;

	Identity(String mountName, boolean privileged) {
		// a stable, mount-specific value that does not look like a real device's major:minor
		this.dev = (mountName.hashCode() & 0x7fffffffL) | (1L << 40);
		this.xattr = privileged ? TRUSTED : USER;
	}

	static boolean isInternalXattr(String name) {
		return name.equals(TRUSTED) || name.equals(USER);
	}

	long dev() {
		return dev;
	}

	/** The number of an entry of a layer: the one kept at its copy-up, or the layer's own. */
	long ino(Layer layer, FsPath storePath, long storeIno) throws FsException {
		if (layer.writable) {
			try {
				return ByteBuffer.wrap(layer.store.getxattr(storePath, xattr)).getLong();
			} catch (FsException e) {
				if (e.errno() != Errno.ENODATA && e.errno() != Errno.ENOTSUP) {
					throw e;
				}
			}
		}
		return ((long) layer.index << LAYER_SHIFT) ^ storeIno;
	}

	long ino(Node node) throws FsException {
		Layer.Branch top = node.top();
		return ino(top.layer(), top.storePath(), top.attrs().ino());
	}

	/** Keeps the number of {@code node} on its copy, staged at {@code staged} of {@code store}. */
	void keep(Node node, WritableStore store, FsPath staged) throws FsException {
		if (node.storeAttrs().isSymlink() && xattr.equals(USER)) {
			return; // Linux allows no user.* attributes on symlinks: their number follows the copy
		}
		byte[] value = ByteBuffer.allocate(Long.BYTES).putLong(ino(node)).array();
		store.setxattr(staged, xattr, value, XattrMode.SET);
	}

	FileAttributes attributes(Node node) throws FsException {
		FileAttributes a = node.storeAttrs();
		if (node.metacopy()) {
			// the size and the blocks are those of the data
			FileAttributes d = node.data().attrs();
			a = new FileAttributes(a.type(), a.mode(), a.uid(), a.gid(), d.size(), d.blocks(), a.nlink(), a.ino(),
					a.dev(), a.rdev(), a.atimeNs(), a.mtimeNs(), a.ctimeNs());
		}
		return a.withIdentity(ino(node), dev);
	}
}
