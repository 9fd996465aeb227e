package org.mapfs.store.nfs;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * An ONC RPC v2 client of one program version on one server over TCP, with a small pool of connections.
 * <p>
 * {@link #start} sends a call without waiting, so that several calls are in flight at once (read-ahead);
 * {@link #await} waits for its reply and does the recovery: a call that times out is sent again on a new
 * connection, one whose connection was lost is sent again once a new one connects (after a server restart).
 * A hard call keeps doing so until the server answers; a soft one gives up with EIO after its policy's time.
 * A reply that breaks the protocol fails the calls of its connection with EIO at once: sending again would not
 * cure it.
 */
final class RpcClient implements AutoCloseable {
	private static final int CALL = 0;
	private static final int RPC_VERSION = 2;
	private static final long MAX_BACKOFF_MILLIS = 2000;

	private final String name;
	private final InetSocketAddress address;
	private final int program;
	private final int version;
	private final AuthSys auth;
	private final RetryPolicy policy;
	private final int maxRecord;
	private final RpcConnection[] pool;
	private final AtomicInteger nextConnection = new AtomicInteger();
	private final AtomicInteger nextXid = new AtomicInteger(ThreadLocalRandom.current().nextInt());
	private volatile boolean closed;

	/**
	 * @param name what the server is to people ("NFS server 10.0.0.1:2049"), for messages
	 * @param maxRecord the largest reply accepted
	 */
	RpcClient(String name, InetSocketAddress address, int program, int version, AuthSys auth, RetryPolicy policy,
			int connections, int maxRecord) {
		this.name = name;
		this.address = address;
		this.program = program;
		this.version = version;
		this.auth = auth;
		this.policy = policy;
		this.maxRecord = maxRecord;
		this.pool = new RpcConnection[Math.max(1, connections)];
	}

	RetryPolicy policy() {
		return policy;
	}

	/** Calls {@code procedure} and waits for its results, with the client's retry policy. */
	XdrReader call(int procedure, String what, Consumer<XdrWriter> args) throws FsException {
		return await(start(procedure, what, policy, args));
	}

	/** Builds and sends a call; its reply is collected with {@link #await}. */
	RpcCall start(int procedure, String what, RetryPolicy retry, Consumer<XdrWriter> args) throws FsException {
		checkOpen(what);
		int xid = nextXid.getAndIncrement();
		XdrWriter w = new XdrWriter(256);
		w.putInt(xid).putInt(CALL).putInt(RPC_VERSION).putInt(program).putInt(version).putInt(procedure);
		auth.encode(w);
		w.putInt(0).putInt(0); // verifier: AUTH_NONE
		args.accept(w);
		RpcCall call = new RpcCall(xid, w.toByteArray(), what, retry);
		send(call);
		return call;
	}

	/** Sends (or resends) a call on a pool connection; a connection that cannot be made is noted in the call. */
	private void send(RpcCall call) {
		try {
			RpcConnection c = connection(call);
			call.connection = c;
			call.reply = c.send(call.xid, call.message);
		} catch (IOException e) {
			call.connection = null;
			call.reply = null;
			call.lastFailure = e;
		}
	}

	/** Waits for the results of {@code call}, sending it again as its policy says. */
	XdrReader await(RpcCall call) throws FsException {
		RetryPolicy retry = call.policy;
		int failures = 0;
		for (;;) {
			checkOpen(call.what);
			long waitMillis = retry.timeoutMillis();
			if (!retry.hard()) {
				long left = retry.softLimitMillis() - elapsedMillis(call);
				// a reply that came while nobody waited (read-ahead) counts, however late it is collected
				if (left <= 0 && (call.reply == null || !call.reply.isDone())) {
					throw notResponding(call);
				}
				waitMillis = Math.max(0, Math.min(waitMillis, left));
			}
			if (call.reply == null) {
				sleep(Math.min(waitMillis, Math.min(MAX_BACKOFF_MILLIS, 100L << Math.min(failures, 5))), call);
				failures++;
				send(call);
				continue;
			}
			try {
				byte[] record = call.reply.get(waitMillis, TimeUnit.MILLISECONDS);
				return RpcReply.results(record, call.xid, call.what);
			} catch (TimeoutException e) {
				// the server may have lost the call or the connection may be stuck: start afresh on a new one
				call.lastFailure = new SocketTimeoutException("no reply within " + retry.timeoutMillis() + " ms");
				call.connection.abandon(call.xid);
				retire(call.connection);
				send(call);
			} catch (ExecutionException e) {
				Throwable cause = e.getCause();
				if (cause instanceof ProtocolFault fault) {
					throw new FsException(Errno.EIO, null, call.what + ": " + name + " broke the protocol: "
							+ fault.getMessage(), fault);
				}
				call.lastFailure = cause instanceof IOException io ? io : new IOException(cause);
				call.reply = null;
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				call.connection.abandon(call.xid);
				throw new FsException(Errno.EIO, null, call.what + ": interrupted while waiting for " + name, e);
			}
		}
	}

	/** Lets go of a call whose reply is not needed any more (read-ahead beyond what is read). */
	void abandon(RpcCall call) {
		if (call.connection != null) {
			call.connection.abandon(call.xid);
		}
	}

	private static long elapsedMillis(RpcCall call) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - call.startNanos);
	}

	private FsException notResponding(RpcCall call) {
		IOException last = call.lastFailure;
		return new FsException(Errno.EIO, null, call.what + ": " + name + " not responding (soft, gave up after "
				+ elapsedMillis(call) + " ms" + (last == null ? ")" : "; last: " + last + ")"), last);
	}

	private void sleep(long millis, RpcCall call) throws FsException {
		try {
			Thread.sleep(Math.max(1, millis));
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new FsException(Errno.EIO, null, call.what + ": interrupted while waiting for " + name, e);
		}
	}

	private void checkOpen(String what) throws FsException {
		if (closed) {
			throw new FsException(Errno.EIO, null, what + ": the client of " + name + " is closed");
		}
	}

	/** A live pool connection, made anew where the slot's connection is gone. */
	private RpcConnection connection(RpcCall call) throws IOException {
		int slot = Math.floorMod(nextConnection.getAndIncrement(), pool.length);
		synchronized (pool) {
			RpcConnection c = pool[slot];
			if (c != null && c.isOpen()) {
				return c;
			}
		}
		int connectTimeout = call.policy.timeoutMillis();
		if (!call.policy.hard()) {
			connectTimeout = (int) Math.max(1, Math.min(connectTimeout,
					call.policy.softLimitMillis() - elapsedMillis(call)));
		}
		RpcConnection fresh = RpcConnection.open(name, address, connectTimeout, maxRecord);
		synchronized (pool) {
			RpcConnection c = pool[slot];
			if (closed || (c != null && c.isOpen())) {
				fresh.close(); // another caller was faster, or the client closed meanwhile
				if (closed) {
					throw new IOException("client closed");
				}
				return c;
			}
			pool[slot] = fresh;
			return fresh;
		}
	}

	private void retire(RpcConnection c) {
		synchronized (pool) {
			for (int i = 0; i < pool.length; i++) {
				if (pool[i] == c) {
					pool[i] = null;
				}
			}
		}
		c.close();
	}

	/** Closes every connection; calls still waiting fail with EIO. */
	@Override
	public void close() {
		closed = true;
		synchronized (pool) {
			for (int i = 0; i < pool.length; i++) {
				if (pool[i] != null) {
					pool[i].close();
					pool[i] = null;
				}
			}
		}
	}
}
