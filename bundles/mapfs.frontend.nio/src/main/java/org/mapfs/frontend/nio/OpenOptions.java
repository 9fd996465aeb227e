package org.mapfs.frontend.nio;

import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;

import org.mapfs.api.OpenFlag;

/**
 * The options of newByteChannel/newFileChannel, checked and combined as the JDK's Unix channels do: APPEND implies
 * WRITE, neither means READ, the creation and truncation options count only for writing.
 */
record OpenOptions(boolean read, boolean write, boolean append, boolean truncate, boolean create,
		boolean createNew, boolean deleteOnClose, boolean sync, boolean dsync, boolean follow) {

	static OpenOptions of(Set<? extends OpenOption> options) {
		boolean read = false;
		boolean write = false;
		boolean append = false;
		boolean truncate = false;
		boolean create = false;
		boolean createNew = false;
		boolean deleteOnClose = false;
		boolean sync = false;
		boolean dsync = false;
		boolean follow = true;
		for (OpenOption o : options) {
			if (o == LinkOption.NOFOLLOW_LINKS) {
				follow = false;
				continue;
			}
			if (!(o instanceof StandardOpenOption s)) {
				throw new UnsupportedOperationException(o + " not supported");
			}
			switch (s) {
				case READ -> read = true;
				case WRITE -> write = true;
				case APPEND -> append = true;
				case TRUNCATE_EXISTING -> truncate = true;
				case CREATE -> create = true;
				case CREATE_NEW -> createNew = true;
				case DELETE_ON_CLOSE -> deleteOnClose = true;
				case SYNC -> sync = true;
				case DSYNC -> dsync = true;
				case SPARSE -> {
					// a hint that stores need not follow
				}
			}
		}
		if (read && append) {
			throw new IllegalArgumentException("READ + APPEND not allowed");
		}
		if (append && truncate) {
			throw new IllegalArgumentException("APPEND + TRUNCATE_EXISTING not allowed");
		}
		write |= append;
		read |= !write;
		return new OpenOptions(read, write, append, truncate && write, create && write, createNew && write,
				deleteOnClose, sync, dsync, follow);
	}

	/** How the mount opens the file. */
	Set<OpenFlag> flags() {
		Set<OpenFlag> flags = EnumSet.noneOf(OpenFlag.class);
		if (read) {
			flags.add(OpenFlag.READ);
		}
		if (write) {
			flags.add(OpenFlag.WRITE);
		}
		if (truncate) {
			flags.add(OpenFlag.TRUNCATE);
		}
		return flags;
	}
}
