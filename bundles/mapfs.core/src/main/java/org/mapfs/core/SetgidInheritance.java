package org.mapfs.core;

import org.mapfs.api.Caller;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileType;

/**
 * What a new entry takes from a setgid directory it is made in, as Linux's inode_init_owner gives it: the
 * directory's group, and for a directory the setgid bit too, so that a tree shared by a group stays shared. The
 * overlay store cannot be left to do it: it sets exactly the mode and owner it is given, and its copy of the
 * directory has the group of the merged view only where the copy-up could set owners.
 */
final class SetgidInheritance {
	private static final int S_ISGID = 02000;

	private SetgidInheritance() {
	}

	/**
	 * The owner of an entry {@code caller} makes in {@code dir}. For the process itself only the group is set (a
	 * uid of -1, which chown leaves as it is): the store's default group would be its staging folder's where the
	 * entry is built in the work area.
	 */
	static Caller owner(FileAttributes dir, Caller caller) {
		return isSetgid(dir) ? new Caller(caller.uid(), dir.gid()) : caller;
	}

	/** The mode of an entry of {@code type} made in {@code dir} with {@code mode}. */
	static int mode(FileAttributes dir, FileType type, int mode) {
		return isSetgid(dir) && type == FileType.DIRECTORY ? mode | S_ISGID : mode;
	}

	private static boolean isSetgid(FileAttributes dir) {
		return (dir.mode() & S_ISGID) != 0;
	}
}
