package org.mapfs.store.nfs;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;

import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * One mounted NFS export as a store and its work area share it: the NFS client and its connections, the
 * attribute cache (keyed by file handle, so that a change through either is seen by both), and what FSINFO
 * and PATHCONF said. {@link #locate} finds a folder's handle from the export's root, as at the start and
 * again when a root handle went stale.
 */
final class NfsExport implements AutoCloseable {
	private static final int ATTR_CACHE_CAPACITY = 65536;
	private static final int SMALLEST_IO = 512;

	final NfsClient nfs;
	final TimedCache<NfsHandle, FileAttributes> attrs;
	final long attrCacheMillis;
	final int readSize;
	final int writeSize;
	final int nameMax;
	private final String host;
	private final int nfsPort;
	private final int mountPort;
	private final String export;
	private final AuthSys auth;
	private final RetryPolicy soft;

	private NfsExport(NfsClient nfs, NfsOptions o, int nfsPort, int mountPort, AuthSys auth,
			NfsClient.FsInfo info, NfsClient.PathConf pathconf) {
		this.nfs = nfs;
		this.attrCacheMillis = o.attrCacheMillis();
		this.attrs = new TimedCache<>(o.attrCacheMillis(), ATTR_CACHE_CAPACITY);
		this.readSize = ioSize(info.rtmax(), info.rtpref());
		this.writeSize = ioSize(info.wtmax(), info.wtpref());
		this.nameMax = pathconf.nameMax() > 0 ? Math.min(pathconf.nameMax(), FsPath.NAME_MAX) : FsPath.NAME_MAX;
		this.host = o.server();
		this.nfsPort = nfsPort;
		this.mountPort = mountPort;
		this.export = o.export();
		this.auth = auth;
		this.soft = o.retryPolicy().soft();
	}

	/** As much per READ or WRITE as the server takes (its maximum, else its preference), within our bound. */
	private static int ioSize(int max, int preferred) {
		int size = max > 0 ? max : preferred;
		return Math.max(SMALLEST_IO, Math.min(size, NfsClient.MAX_IO));
	}

	/**
	 * Finds the ports (portmapper where not given), mounts the export and asks FSINFO and PATHCONF, all with
	 * soft calls: this ends in bounded time even for a hard store.
	 */
	static NfsExport mount(NfsOptions o) throws FsException {
		AuthSys auth = new AuthSys(o.uid(), o.gid(), o.groups(), "mapfs");
		RetryPolicy soft = o.retryPolicy().soft();
		int mountPort = o.mountPort() > 0 ? o.mountPort()
				: Portmapper.getPort(o.server(), MountClient.PROGRAM, MountClient.VERSION, "MOUNT v3", auth, soft);
		int nfsPort = o.nfsPort() > 0 ? o.nfsPort()
				: Portmapper.getPort(o.server(), NfsClient.PROGRAM, NfsClient.VERSION, "NFS v3", auth, soft);
		NfsHandle root = MountClient.mount(o.server(), mountPort, o.export(), auth, soft);
		RpcClient rpc = new RpcClient("NFS server " + o.server() + ":" + nfsPort,
				new InetSocketAddress(o.server(), nfsPort), NfsClient.PROGRAM, NfsClient.VERSION, auth,
				o.retryPolicy(), o.connections(), NfsClient.MAX_RECORD);
		try {
			NfsClient probe = new NfsClient(rpc).withPolicy(soft);
			return new NfsExport(new NfsClient(rpc), o, nfsPort, mountPort, auth, probe.fsinfo(root),
					probe.pathconf(root));
		} catch (FsException | RuntimeException e) {
			rpc.close();
			throw e;
		}
	}

	/**
	 * The handle of the folder {@code sub} of the export, never through a symlink; with {@code create},
	 * missing folders are made (mode 0700).
	 *
	 * @throws FsException ENOENT, ENOTDIR or ELOOP naming the folder at fault
	 */
	NfsHandle locate(FsPath sub, boolean create) throws FsException {
		NfsClient probe = nfs.withPolicy(soft);
		NfsHandle h = MountClient.mount(host, mountPort, export, auth, soft);
		for (int i = 0; i < sub.depth(); i++) {
			FsPath p = sub.prefix(i + 1);
			NfsClient.Node n;
			try {
				n = probe.lookup(h, sub.name(i), p);
			} catch (FsException e) {
				if (!create || e.errno() != Errno.ENOENT) {
					throw e;
				}
				n = probe.mkdir(h, sub.name(i), Sattr.create(0700, -1, -1), p);
				if (n.handle() == null) {
					n = probe.lookup(h, sub.name(i), p);
				}
			}
			FileAttributes a = n.attrs() != null ? n.attrs() : probe.getattr(n.handle(), p);
			if (a.isSymlink()) {
				throw new FsException(Errno.ELOOP, p, "folder " + export + "/" + p + " is a symlink (never followed)");
			}
			if (!a.isDirectory()) {
				throw new FsException(Errno.ENOTDIR, p, "folder " + export + "/" + p + " is not a directory");
			}
			h = n.handle();
		}
		return h;
	}

	/** {@code nfs://host:port/export/sub}. */
	URI uri(FsPath sub) {
		String path = (export.endsWith("/") ? export : export + "/") + sub;
		try {
			return new URI("nfs", null, host, nfsPort, path.length() > 1 && path.endsWith("/")
					? path.substring(0, path.length() - 1) : path, null, null);
		} catch (URISyntaxException e) {
			throw new IllegalArgumentException("no URI for " + host + ":" + path, e);
		}
	}

	@Override
	public void close() {
		nfs.close();
	}
}
