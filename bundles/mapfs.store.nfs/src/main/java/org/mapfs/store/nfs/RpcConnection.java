package org.mapfs.store.nfs;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One TCP connection to an RPC server: calls are queued to a writer thread and replies matched to them by xid
 * by a reader thread, so any number of calls are outstanding at once (pipelined). Writing in its own thread
 * means a caller never blocks in a socket write: a server that stops reading only makes calls time out, and
 * closing the connection ends everything.
 * <p>
 * When the connection ends, every outstanding call fails with the reason: an {@link IOException} for a lost
 * connection (the caller sends again on a new one), a {@link ProtocolFault} for a peer that broke the protocol.
 */
final class RpcConnection implements AutoCloseable {
	/** How many answered xids are remembered, to tell a duplicate reply from a reply to no call. */
	private static final int ANSWERED_MEMORY = 4096;
	private static final byte[] STOP = new byte[0];

	private final String name;
	private final Socket socket;
	private final int maxRecord;
	private final Map<Integer, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
	private final Map<Integer, Boolean> answered = new LinkedHashMap<>(256, 0.75f, false) {
		private static final long serialVersionUID = 1L;

		@Override
		protected boolean removeEldestEntry(Map.Entry<Integer, Boolean> eldest) {
			return size() > ANSWERED_MEMORY;
		}
	};
	private final BlockingQueue<byte[]> outgoing = new LinkedBlockingQueue<>();
	private volatile IOException failure;

	private RpcConnection(String name, Socket socket, int maxRecord) {
		this.name = name;
		this.socket = socket;
		this.maxRecord = maxRecord;
	}

	/** Connects within {@code timeoutMillis} and starts the reader and writer threads. */
	static RpcConnection open(String name, InetSocketAddress address, int timeoutMillis, int maxRecord)
			throws IOException {
		Socket socket = new Socket();
		try {
			socket.setTcpNoDelay(true);
			socket.setKeepAlive(true);
			socket.connect(address, timeoutMillis);
		} catch (IOException e) {
			socket.close();
			throw e;
		}
		RpcConnection c = new RpcConnection(name + " " + address.getHostString() + ":" + address.getPort(), socket,
				maxRecord);
		c.start();
		return c;
	}

	private void start() throws IOException {
		InputStream in = new BufferedInputStream(socket.getInputStream(), 64 << 10);
		OutputStream out = socket.getOutputStream();
		Thread reader = new Thread(() -> readLoop(in), "mapfs-rpc-reader " + name);
		Thread writer = new Thread(() -> writeLoop(out), "mapfs-rpc-writer " + name);
		reader.setDaemon(true);
		writer.setDaemon(true);
		reader.start();
		writer.start();
	}

	/**
	 * Queues a call message; the future completes with the reply record (or the connection's failure). Sending
	 * an xid again (a retransmission) gives the same future.
	 */
	CompletableFuture<byte[]> send(int xid, byte[] message) {
		CompletableFuture<byte[]> f = pending.computeIfAbsent(xid, x -> new CompletableFuture<>());
		IOException e = failure;
		if (e != null) {
			pending.remove(xid, f);
			f.completeExceptionally(e);
			return f;
		}
		outgoing.add(message);
		return f;
	}

	/** Forgets a call nobody waits for any more (its reply, if one comes, counts as a duplicate). */
	void abandon(int xid) {
		if (pending.remove(xid) != null) {
			remember(xid);
		}
	}

	boolean isOpen() {
		return failure == null;
	}

	@Override
	public void close() {
		fail(new SocketException("connection " + name + " closed"));
	}

	@Override
	public String toString() {
		return "RpcConnection[" + name + (failure == null ? "]" : ", " + failure.getMessage() + "]");
	}

	private void writeLoop(OutputStream out) {
		try {
			for (;;) {
				byte[] m = outgoing.take();
				if (m == STOP) {
					return;
				}
				RecordMarking.write(out, m);
			}
		} catch (IOException e) {
			fail(e);
		} catch (InterruptedException e) {
			fail(new IOException("writer of " + name + " interrupted"));
		}
	}

	private void readLoop(InputStream in) {
		try {
			for (;;) {
				byte[] record = RecordMarking.read(in, maxRecord);
				if (record == null) {
					throw new SocketException("server closed the connection " + name);
				}
				if (record.length < 8) {
					throw new ProtocolFault("reply of " + record.length + " bytes is shorter than an RPC header");
				}
				int xid = ((record[0] & 0xff) << 24) | ((record[1] & 0xff) << 16) | ((record[2] & 0xff) << 8)
						| (record[3] & 0xff);
				CompletableFuture<byte[]> f = pending.remove(xid);
				if (f != null) {
					remember(xid);
					f.complete(record);
				} else if (!answeredBefore(xid)) {
					throw new ProtocolFault("reply with xid 0x" + Integer.toHexString(xid) + " matches no call");
				}
			}
		} catch (IOException e) {
			fail(e);
		}
	}

	private void remember(int xid) {
		synchronized (answered) {
			answered.put(xid, Boolean.TRUE);
		}
	}

	private boolean answeredBefore(int xid) {
		synchronized (answered) {
			return answered.containsKey(xid);
		}
	}

	/** Ends the connection once: the socket is closed (which stops both threads) and every call fails. */
	private void fail(IOException e) {
		synchronized (this) {
			if (failure != null) {
				return;
			}
			failure = e;
		}
		outgoing.add(STOP);
		try {
			socket.close();
		} catch (IOException ignored) {
			// closing is all that is left to do
		}
		for (Integer xid : pending.keySet()) {
			CompletableFuture<byte[]> f = pending.remove(xid);
			if (f != null) {
				f.completeExceptionally(e);
			}
		}
	}
}
