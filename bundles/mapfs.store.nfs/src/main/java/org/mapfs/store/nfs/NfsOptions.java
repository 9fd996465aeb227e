package org.mapfs.store.nfs;

/**
 * What an NFS store is opened with (the component's configuration, checked).
 *
 * @param server host name or address of the NFS server
 * @param export the exported path given to MOUNT
 * @param path the store's folder inside the export ("/" for the export's root)
 * @param work the work area's folder inside the export, or null (required when writable)
 * @param nfsPort the NFS port, 0 to ask the portmapper
 * @param mountPort the MOUNT port, 0 to ask the portmapper
 * @param uid AUTH_SYS user
 * @param gid AUTH_SYS group
 * @param groups AUTH_SYS supplementary groups (at most 16)
 * @param hard retry until the server answers (else EIO after {@code retrans} timeouts)
 * @param attrCacheMillis how long attributes and looked-up handles are trusted (actimeo)
 * @param connections TCP connections to the NFS server
 */
record NfsOptions(String server, String export, String path, String work, boolean readOnly, int nfsPort,
		int mountPort, int uid, int gid, int[] groups, boolean hard, int timeoutMillis, int retrans,
		long attrCacheMillis, int connections) {

	NfsOptions {
		groups = groups.clone();
	}

	RetryPolicy retryPolicy() {
		return new RetryPolicy(hard, timeoutMillis, retrans);
	}
}
