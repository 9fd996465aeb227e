package org.mapfs.shell;

import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * One layer as a mount configuration writes it: {@code STORE-ID[:/sub/path][@/mount/path]}. The engine parses
 * the configuration itself; the shell parses it to show the parts ({@code layers}) and to refuse a malformed
 * layer before it is written into a configuration ({@code mount}).
 *
 * @param store the store id
 * @param path the sub-path of the store the layer shows
 * @param at where the layer is placed in the mount
 */
record LayerSpec(String store, FsPath path, FsPath at) {
	static LayerSpec parse(String spec) throws CommandException {
		String s = spec.trim();
		try {
			FsPath at = FsPath.ROOT;
			int atSign = s.indexOf('@');
			if (atSign >= 0) {
				at = FsPath.of(s.substring(atSign + 1));
				s = s.substring(0, atSign);
			}
			FsPath path = FsPath.ROOT;
			int colon = s.indexOf(':');
			if (colon >= 0) {
				path = FsPath.of(s.substring(colon + 1));
				s = s.substring(0, colon);
			}
			if (s.isEmpty()) {
				throw new CommandException("layer '" + spec + "' names no store (STORE-ID[:/sub/path][@/mount/path])");
			}
			return new LayerSpec(s, path, at);
		} catch (FsException e) {
			throw new CommandException("layer '" + spec + "': " + e.getMessage());
		}
	}
}
