package org.mapfs.api.admin;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * One layer as a mount configuration writes it: {@code STORE-ID[:/sub/path][@/mount/path][;ro|;rw]}. Only the
 * overlay may be writable; a layer marked {@code ;rw} among the repository layers is an error, not silently
 * read-only. The engine, the shell and embedders parse it here, so they agree on the syntax.
 *
 * @param text the layer as written
 * @param storeId the store's id
 * @param root the sub-path of the store that the layer shows
 * @param at where the layer is placed in the mount
 * @param writable marked {@code ;rw}
 */
public record LayerSpec(String text, String storeId, FsPath root, FsPath at, boolean writable) {
	/** Parses a layer; EINVAL with the reason for a malformed one. */
	public static LayerSpec parse(String text) throws FsException {
		String s = text.trim();
		boolean writable = false;
		int semi = s.lastIndexOf(';');
		if (semi >= 0) {
			String mode = s.substring(semi + 1).trim();
			if (!mode.equals("ro") && !mode.equals("rw")) {
				throw new FsException(Errno.EINVAL, "layer '" + text + "': mode '" + mode + "' is neither ro nor rw");
			}
			writable = mode.equals("rw");
			s = s.substring(0, semi);
		}
		FsPath at = FsPath.ROOT;
		int atSign = s.indexOf('@');
		if (atSign >= 0) {
			at = path(text, s.substring(atSign + 1));
			s = s.substring(0, atSign);
		}
		FsPath root = FsPath.ROOT;
		int colon = s.indexOf(':');
		if (colon >= 0) {
			root = path(text, s.substring(colon + 1));
			s = s.substring(0, colon);
		}
		s = s.trim();
		if (s.isEmpty() || !s.matches("[A-Za-z0-9._-]+")) {
			throw new FsException(Errno.EINVAL,
					"layer '" + text + "': '" + s + "' is not a store id (letters, digits, '.', '_', '-')");
		}
		return new LayerSpec(text.trim(), s, root, at, writable);
	}

	private static FsPath path(String text, String path) throws FsException {
		try {
			return FsPath.of(path);
		} catch (FsException e) {
			throw new FsException(Errno.EINVAL, "layer '" + text + "': " + e.getMessage());
		}
	}

	/** Equal if they place the same thing: {@code golden} and {@code golden;ro} are one layer. */
	@Override
	public boolean equals(Object o) {
		return o instanceof LayerSpec l && storeId.equals(l.storeId) && root.equals(l.root) && at.equals(l.at)
				&& writable == l.writable;
	}

	@Override
	public int hashCode() {
		return storeId.hashCode() * 31 + root.hashCode();
	}
}
