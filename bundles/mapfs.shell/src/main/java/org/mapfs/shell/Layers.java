package org.mapfs.shell;

import org.mapfs.api.FsException;
import org.mapfs.api.admin.LayerSpec;

/** Layers as configurations write them, parsed by the API's {@link LayerSpec}, with its error for the operator. */
final class Layers {
	private Layers() {
	}

	static LayerSpec parse(String spec) throws CommandException {
		try {
			return LayerSpec.parse(spec);
		} catch (FsException e) {
			throw new CommandException(e.getMessage());
		}
	}
}
