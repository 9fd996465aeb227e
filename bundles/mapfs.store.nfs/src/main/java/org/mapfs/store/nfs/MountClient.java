package org.mapfs.store.nfs;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/** MOUNT v3 (RFC 1813, appendix I): the root file handle of an exported path. */
final class MountClient {
	static final int PROGRAM = 100005;
	static final int VERSION = 3;
	private static final int MNT = 1;
	private static final int MNTPATHLEN = 1024;
	private static final int MAX_FLAVORS = 64;

	private MountClient() {
	}

	/**
	 * MNT of {@code export}; soft, so it ends in bounded time.
	 *
	 * @throws FsException the errno of the server's refusal (ENOENT for an export that does not exist), or EIO
	 */
	static NfsHandle mount(String host, int port, String export, AuthSys auth, RetryPolicy retry)
			throws FsException {
		if (export.getBytes(StandardCharsets.UTF_8).length > MNTPATHLEN) {
			throw new FsException(Errno.ENAMETOOLONG, "export path longer than " + MNTPATHLEN + " bytes");
		}
		String name = "mount server " + host + ":" + port;
		try (RpcClient mnt = new RpcClient(name, new InetSocketAddress(host, port), PROGRAM, VERSION, auth,
				retry.soft(), 1, 4096)) {
			XdrReader r = mnt.call(MNT, "MOUNT MNT " + export, w -> w.putString(export));
			int code = r.getInt("mountstat3");
			if (code != 0) {
				NfsStatus s = NfsStatus.of(code);
				Errno errno = s == null ? Errno.EIO : s.errno();
				throw new FsException(errno, "the " + name + " refused export " + export + ": "
						+ (s == null ? "status " + code : s.toString().replace("NFS3ERR", "MNT3ERR")));
			}
			NfsHandle root = NfsHandle.decode(r, "root file handle");
			int flavors = r.getUint("auth flavor count", MAX_FLAVORS);
			boolean sys = flavors == 0;
			for (int i = 0; i < flavors; i++) {
				sys |= r.getInt("auth flavor") == AuthSys.FLAVOR;
			}
			r.expectEnd();
			if (!sys) {
				throw new FsException(Errno.EACCES, "export " + export + " on the " + name
						+ " does not accept AUTH_SYS");
			}
			return root;
		}
	}
}
