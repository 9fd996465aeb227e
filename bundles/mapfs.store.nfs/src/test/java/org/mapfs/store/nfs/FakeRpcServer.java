package org.mapfs.store.nfs;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.mapfs.api.FsException;

/**
 * A scripted RPC server on 127.0.0.1 for the tests of faults: each call record received is handed to a
 * {@link Script} with the connection's output, which answers as the test wants (well, badly, or not at all).
 */
final class FakeRpcServer implements AutoCloseable {
	/** What the server does with one call. */
	interface Script {
		void answer(Call call, OutputStream out, Socket socket) throws IOException;
	}

	/** A call received: its xid, the connection number (from 1) and the whole call record. */
	record Call(int xid, int connection, byte[] record) {
		/** The procedure number. */
		int proc() throws FsException {
			return header().getInt("proc");
		}

		/** The arguments, after the header, the credentials and the verifier. */
		XdrReader args() throws FsException {
			XdrReader r = header();
			r.getInt("proc");
			r.getInt("cred flavor");
			r.getOpaque(400, "cred");
			r.getInt("verf flavor");
			r.getOpaque(400, "verf");
			return r;
		}

		private XdrReader header() throws FsException {
			XdrReader r = new XdrReader(record, "call");
			for (String f : new String[] { "xid", "type", "rpcvers", "prog", "vers" }) {
				r.getInt(f);
			}
			return r;
		}
	}

	private final ServerSocket server;
	private final Script script;
	private final AtomicInteger connections = new AtomicInteger();
	final List<Call> calls = new CopyOnWriteArrayList<>();
	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	FakeRpcServer(Script script) throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.script = script;
		Thread t = new Thread(this::acceptLoop, "fake-rpc-server");
		t.setDaemon(true);
		t.start();
	}

	InetSocketAddress address() {
		return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
	}

	int connections() {
		return connections.get();
	}

	private void acceptLoop() {
		try {
			for (;;) {
				Socket s = server.accept();
				sockets.add(s);
				int n = connections.incrementAndGet();
				Thread t = new Thread(() -> serve(s, n), "fake-rpc-connection-" + n);
				t.setDaemon(true);
				t.start();
			}
		} catch (IOException e) {
			// closed
		}
	}

	private void serve(Socket s, int connection) {
		try (s) {
			InputStream in = new BufferedInputStream(s.getInputStream());
			OutputStream out = s.getOutputStream();
			for (;;) {
				byte[] record = RecordMarking.read(in, 1 << 24);
				if (record == null) {
					return;
				}
				Call call = new Call(new XdrReader(record, "call").getInt("xid"), connection, record);
				calls.add(call);
				synchronized (this) {
					script.answer(call, out, s);
				}
			}
		} catch (IOException e) {
			// the client or the script ended the connection (a script's FsException is one too)
		}
	}

	/** A successful reply to {@code xid} with {@code results} after the accepted header. */
	static byte[] reply(int xid, XdrWriter results) {
		XdrWriter w = new XdrWriter(64 + results.length());
		w.putInt(xid).putInt(1).putInt(0).putInt(0).putInt(0).putInt(0);
		w.putFixed(results.toByteArray());
		return w.toByteArray();
	}

	static void send(OutputStream out, byte[] record) throws IOException {
		RecordMarking.write(out, record);
	}

	/** Resets every connection, as a server that restarts. */
	void closeConnections() throws IOException {
		for (Socket s : sockets) {
			s.close();
		}
	}

	@Override
	public void close() throws IOException {
		server.close();
		for (Socket s : sockets) {
			s.close();
		}
	}
}
