package org.mapfs.frontend.nio;

/** What identifies a file for {@code fileKey()} and isSameFile: the mount's device and the inode number. */
record FileKey(long dev, long ino) {
	@Override
	public String toString() {
		return "(dev=" + Long.toHexString(dev) + ",ino=" + ino + ")";
	}
}
