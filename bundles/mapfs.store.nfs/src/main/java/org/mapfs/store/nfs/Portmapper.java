package org.mapfs.store.nfs;

import java.net.InetSocketAddress;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/** Asks a server's portmapper (program 100000 version 2, over TCP) for the port of a program. */
final class Portmapper {
	static final int PORT = 111;
	private static final int PROGRAM = 100000;
	private static final int VERSION = 2;
	private static final int GETPORT = 3;
	private static final int IPPROTO_TCP = 6;

	private Portmapper() {
	}

	/**
	 * The TCP port of {@code program} {@code version} on {@code host}; soft, so it ends in bounded time.
	 *
	 * @throws FsException EIO if the portmapper cannot be reached or the program is not registered
	 */
	static int getPort(String host, int program, int version, String programName, AuthSys auth, RetryPolicy retry)
			throws FsException {
		String name = "portmapper " + host + ":" + PORT;
		try (RpcClient pm = new RpcClient(name, new InetSocketAddress(host, PORT), PROGRAM, VERSION, auth,
				retry.soft(), 1, 1024)) {
			XdrReader r = pm.call(GETPORT, "GETPORT " + programName, w -> w.putInt(program).putInt(version)
					.putInt(IPPROTO_TCP).putInt(0));
			int port = r.getInt("port");
			r.expectEnd();
			if (port <= 0 || port > 65535) {
				throw new FsException(Errno.EIO, programName + " (program " + program + " version " + version
						+ ") is not registered with the " + name);
			}
			return port;
		}
	}
}
