package org.mapfs.core;

import org.mapfs.api.FileAttributes;

/**
 * Inode numbers and the device number a mount reports: one st_dev for the whole mount, and st_ino made unique
 * across layers by putting the layer's position in the top bits (like overlayfs's xino).
 */
final class Identity {
	private static final int LAYER_SHIFT = 56;
	private final long dev;

	Identity(String mountName) {
		// a stable, mount-specific value that does not look like a real device's major:minor
		this.dev = (mountName.hashCode() & 0x7fffffffL) | (1L << 40);
	}

	long dev() {
		return dev;
	}

	long ino(Layer layer, long storeIno) {
		return ((long) layer.index << LAYER_SHIFT) ^ storeIno;
	}

	FileAttributes attributes(Node node) {
		Layer.Branch top = node.top();
		return top.attrs().withIdentity(ino(top.layer(), top.attrs().ino()), dev);
	}
}
