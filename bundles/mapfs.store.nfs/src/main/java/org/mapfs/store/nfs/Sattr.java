package org.mapfs.store.nfs;

import org.mapfs.api.AttributeChange;
import org.mapfs.api.FileAttributes;

/**
 * sattr3 (RFC 1813, section 2.6): the attributes a SETATTR, CREATE, MKDIR, SYMLINK or MKNOD sets; a null field
 * is left as it is, a time of {@link AttributeChange#NOW} is the server's time.
 */
record Sattr(Integer mode, Integer uid, Integer gid, Long size, Long atimeNs, Long mtimeNs) {
	static final Sattr NONE = new Sattr(null, null, null, null, null, null);

	private static final int DONT_CHANGE = 0;
	private static final int SET_TO_SERVER_TIME = 1;
	private static final int SET_TO_CLIENT_TIME = 2;

	static Sattr of(AttributeChange c) {
		return new Sattr(c.mode() == null ? null : c.mode() & FileAttributes.PERMISSION_BITS, c.uid(), c.gid(), null,
				c.atimeNs(), c.mtimeNs());
	}

	static Sattr size(long size) {
		return new Sattr(null, null, null, size, null, null);
	}

	/** A new entry's mode, and its owner where one is given ({@code uid} or {@code gid} negative: none). */
	static Sattr create(int mode, int uid, int gid) {
		return new Sattr(mode & FileAttributes.PERMISSION_BITS, uid < 0 ? null : uid, gid < 0 ? null : gid, null,
				null, null);
	}

	void encode(XdrWriter w) {
		w.putBoolean(mode != null);
		if (mode != null) {
			w.putInt(mode);
		}
		w.putBoolean(uid != null);
		if (uid != null) {
			w.putInt(uid);
		}
		w.putBoolean(gid != null);
		if (gid != null) {
			w.putInt(gid);
		}
		w.putBoolean(size != null);
		if (size != null) {
			w.putLong(size);
		}
		time(w, atimeNs);
		time(w, mtimeNs);
	}

	private static void time(XdrWriter w, Long ns) {
		if (ns == null) {
			w.putInt(DONT_CHANGE);
		} else if (ns == AttributeChange.NOW) {
			w.putInt(SET_TO_SERVER_TIME);
		} else {
			w.putInt(SET_TO_CLIENT_TIME).putInt((int) Math.floorDiv(ns, 1_000_000_000L))
					.putInt((int) Math.floorMod(ns, 1_000_000_000L));
		}
	}
}
