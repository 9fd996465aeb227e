package org.mapfs.store.nfs;

/**
 * AUTH_SYS credentials (RFC 5531, appendix A): the user, group and supplementary groups the server checks
 * permissions against. The stamp is fixed; the machine name only appears in the server's logs.
 */
record AuthSys(int uid, int gid, int[] groups, String machine) {
	static final int FLAVOR = 1;
	/** The protocol allows at most 16 supplementary groups. */
	static final int MAX_GROUPS = 16;

	AuthSys {
		if (groups.length > MAX_GROUPS) {
			throw new IllegalArgumentException("AUTH_SYS carries at most " + MAX_GROUPS + " groups, not "
					+ groups.length);
		}
		groups = groups.clone();
	}

	/** Writes the credential: flavor and body. */
	void encode(XdrWriter w) {
		XdrWriter body = new XdrWriter(64 + 4 * groups.length);
		body.putInt(0).putString(machine).putInt(uid).putInt(gid).putInt(groups.length);
		for (int g : groups) {
			body.putInt(g);
		}
		w.putInt(FLAVOR).putOpaque(body.toByteArray());
	}
}
