package org.mapfs.store.nfs;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/** Decodes the header of an RPC reply (RFC 5531, section 9) up to the procedure's results. */
final class RpcReply {
	private static final int REPLY = 1;
	private static final int MSG_ACCEPTED = 0;
	private static final int MSG_DENIED = 1;
	private static final int MAX_AUTH_BYTES = 400;

	private RpcReply() {
	}

	/**
	 * The results of the reply {@code record} to call {@code xid}.
	 *
	 * @param what the call, for messages ("NFS v3 READ")
	 * @throws FsException EIO for a malformed or refused reply, EACCES if the server refused the credentials
	 */
	static XdrReader results(byte[] record, int xid, String what) throws FsException {
		XdrReader r = new XdrReader(record, "reply to " + what);
		int x = r.getInt("xid");
		if (x != xid) {
			throw r.malformed("xid 0x" + Integer.toHexString(x) + " instead of 0x" + Integer.toHexString(xid));
		}
		int type = r.getInt("message type");
		if (type != REPLY) {
			throw r.malformed("message type " + type + " is not a reply");
		}
		int stat = r.getInt("reply status");
		if (stat == MSG_DENIED) {
			int reject = r.getInt("reject status");
			if (reject == 1) {
				throw new FsException(Errno.EACCES, what + ": the server refused the credentials (auth_stat "
						+ r.getInt("auth status") + ")");
			}
			if (reject == 0) {
				throw new FsException(Errno.EIO, what + ": the server speaks RPC versions " + r.getInt("low")
						+ " to " + r.getInt("high") + " only");
			}
			throw r.malformed("reject status " + reject);
		}
		if (stat != MSG_ACCEPTED) {
			throw r.malformed("reply status " + stat);
		}
		r.getInt("verifier flavor");
		r.getOpaque(MAX_AUTH_BYTES, "verifier");
		int accept = r.getInt("accept status");
		return switch (accept) {
			case 0 -> r.rest("results of " + what);
			case 1 -> throw new FsException(Errno.EIO, what + ": program unavailable on the server");
			case 2 -> throw new FsException(Errno.EIO, what + ": the server has program versions "
					+ r.getInt("low") + " to " + r.getInt("high") + " only");
			case 3 -> throw new FsException(Errno.EIO, what + ": procedure unavailable on the server");
			case 4 -> throw new FsException(Errno.EIO, what + ": the server could not decode the arguments");
			case 5 -> throw new FsException(Errno.EIO, what + ": system error on the server");
			default -> throw r.malformed("accept status " + accept);
		};
	}
}
