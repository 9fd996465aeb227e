package org.mapfs.frontend.nio;

import java.io.IOException;
import java.nio.file.AccessMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.mapfs.api.Caller;
import org.mapfs.api.FileAttributes;

/**
 * Who this process is, as {@code access(2)} and {@code creat(2)} see it: the real user and group, the
 * supplementary groups and the umask, read once from {@code /proc/self/status}. Operations go to the mount as
 * {@link Caller#PROCESS}, so files are owned as the process's own; this is only for checkAccess and for the mode
 * of new files, which the stores apply exactly while the JDK lets the kernel apply the umask.
 */
record ProcessIdentity(int uid, int gid, int[] groups, int umask) {
	/** Linux's defaults, for a system without /proc: root with umask 022. */
	private static final ProcessIdentity FALLBACK = new ProcessIdentity(0, 0, new int[0], 022);

	static ProcessIdentity current() {
		try {
			return parse(Files.readAllLines(Path.of("/proc/self/status")));
		} catch (IOException | RuntimeException e) {
			return FALLBACK;
		}
	}

	static ProcessIdentity parse(List<String> status) {
		int uid = FALLBACK.uid;
		int gid = FALLBACK.gid;
		int[] groups = FALLBACK.groups;
		int umask = FALLBACK.umask;
		for (String line : status) {
			int colon = line.indexOf(':');
			if (colon < 0) {
				continue;
			}
			String[] values = line.substring(colon + 1).trim().split("\\s+");
			switch (line.substring(0, colon)) {
				case "Uid" -> uid = Integer.parseInt(values[0]);
				case "Gid" -> gid = Integer.parseInt(values[0]);
				case "Groups" -> groups = values[0].isEmpty() ? new int[0]
						: Arrays.stream(values).mapToInt(Integer::parseInt).toArray();
				case "Umask" -> umask = Integer.parseInt(values[0], 8);
				default -> {
					// other lines say nothing about identity
				}
			}
		}
		return new ProcessIdentity(uid, gid, groups, umask);
	}

	/** The mode a new file or directory gets when asked for {@code mode}, as creat(2) and mkdir(2) give it. */
	int create(int mode) {
		return mode & ~umask & FileAttributes.PERMISSION_BITS;
	}

	/**
	 * access(2) on a file with these attributes (read-only file systems are the caller's to check): root may read
	 * and write anything, and execute what anyone may execute or a directory; others by owner, group, other bits.
	 */
	boolean allows(FileAttributes file, AccessMode mode) {
		if (uid == 0) {
			return mode != AccessMode.EXECUTE || file.isDirectory() || (file.mode() & 0111) != 0;
		}
		int bit = switch (mode) {
			case READ -> 4;
			case WRITE -> 2;
			case EXECUTE -> 1;
		};
		int shift = file.uid() == uid ? 6 : inGroup(file.gid()) ? 3 : 0;
		return (file.mode() >> shift & bit) != 0;
	}

	private boolean inGroup(int g) {
		return g == gid || Arrays.stream(groups).anyMatch(x -> x == g);
	}
}
