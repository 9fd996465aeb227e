package org.mapfs.store.nfs;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * One call of an {@link RpcClient}: its xid and message (kept for retransmission), the connection it was last
 * sent on, and the reply to come from there.
 */
final class RpcCall {
	final int xid;
	final byte[] message;
	final String what;
	final RetryPolicy policy;
	final long startNanos = System.nanoTime();
	RpcConnection connection;
	CompletableFuture<byte[]> reply;
	/** Why the last attempt failed, for the message of a soft call that gives up. */
	IOException lastFailure;

	RpcCall(int xid, byte[] message, String what, RetryPolicy policy) {
		this.xid = xid;
		this.message = message;
		this.what = what;
		this.policy = policy;
	}
}
