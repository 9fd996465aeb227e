package org.mapfs.core;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
	private static final String INO = "ino";
	/** The names of the engine's own extended attributes, without their namespace. */
	private static final List<String> OWN = List.of(INO, Index.XATTR);
	private static final long NOT_A_COPY = -1;
	private static final int MAX_KEPT = 1 << 20;
	private final long dev;
	private final boolean privileged;
	/**
	 * The number kept on each copy in the overlay, by the copy's store inode number, so that listings need not
	 * read an attribute per entry. The overlay changes only through the mount, which keeps this true.
	 */
	private final Map<Long, Long> kept = new ConcurrentHashMap<>();

	Identity(String mountName, boolean privileged) {
		// a stable, mount-specific value that does not look like a real device's major:minor
		this.dev = (mountName.hashCode() & 0x7fffffffL) | (1L << 40);
		this.privileged = privileged;
	}

	/** The full name of one of the engine's own extended attributes: trusted.* where privileged, else user.*. */
	String xattr(String name) {
		return xattr(name, privileged);
	}

	private static String xattr(String name, boolean privileged) {
		return (privileged ? "trusted.mapfs." : "user.mapfs.") + name;
	}

	static boolean isInternalXattr(String name) {
		return OWN.stream().anyMatch(own -> name.equals(xattr(own, true)) || name.equals(xattr(own, false)));
	}

	long dev() {
		return dev;
	}

	/** The number of an entry of a layer: the one kept at its copy-up, or the layer's own. */
	long ino(Layer layer, FsPath storePath, long storeIno) throws FsException {
		if (layer.writable) {
			Long k = kept.get(storeIno);
			if (k == null) {
				k = readKept(layer, storePath);
				remember(storeIno, k);
			}
			if (k != NOT_A_COPY) {
				return k;
			}
		}
		return ((long) layer.index << LAYER_SHIFT) ^ storeIno;
	}

	private long readKept(Layer layer, FsPath storePath) throws FsException {
		try {
			return ByteBuffer.wrap(layer.store.getxattr(storePath, xattr(INO))).getLong();
		} catch (FsException e) {
			if (e.errno() == Errno.ENODATA || e.errno() == Errno.ENOTSUP) {
				return NOT_A_COPY;
			}
			throw e;
		}
	}

	private void remember(long storeIno, long k) {
		if (kept.size() >= MAX_KEPT) {
			kept.clear();
		}
		kept.put(storeIno, k);
	}

	/**
	 * A new entry of the overlay: it keeps no number (its store inode number may be one a deleted copy had, so
	 * what was remembered for that number is replaced), and stat need not look for one.
	 */
	void created(WritableStore overlay, FsPath storePath) throws FsException {
		remember(overlay.stat(storePath).ino(), NOT_A_COPY);
	}

	long ino(Node node) throws FsException {
		Layer.Branch top = node.top();
		return ino(top.layer(), top.storePath(), top.attrs().ino());
	}

	/** Keeps the number of {@code node} on its copy, staged at {@code staged} of {@code store}. */
	void keep(Node node, WritableStore store, FsPath staged) throws FsException {
		if (node.storeAttrs().isSymlink() && !privileged) {
			// Linux allows no user.* attributes on symlinks: their number follows the copy, not one remembered for
			// a deleted copy that had the same store inode number
			remember(store.stat(staged).ino(), NOT_A_COPY);
			return;
		}
		long ino = ino(node);
		try {
			store.setxattr(staged, xattr(INO), ByteBuffer.allocate(Long.BYTES).putLong(ino).array(), XattrMode.SET);
		} catch (FsException e) {
			if (e.errno() != Errno.ENOTSUP) {
				throw e;
			}
			// an overlay without extended attributes (NFSv3): the copy has its own number, as in overlayfs
			// without xino and index
			ino = NOT_A_COPY;
		}
		remember(store.stat(staged).ino(), ino);
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
