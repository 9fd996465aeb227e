package org.mapfs.store.nfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.store.nfs.NfsTesting.assertErrno;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mapfs.api.Errno;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * The RPC client against a scripted server that misbehaves: replies out of order, lost, truncated, with a
 * wrong xid, garbage, or lengths of gigabytes. Every fault ends in EIO naming it, in bounded time, with no
 * allocation of what a length field claims (the test JVM has a 256 MiB heap).
 */
@Timeout(20)
class RpcFaultTest {
	private static final NfsHandle FH = new NfsHandle(new byte[] { 1, 2, 3, 4 });
	private static final RetryPolicy HARD = new RetryPolicy(true, 300, 1);
	private static final RetryPolicy SOFT = new RetryPolicy(false, 300, 1);

	private FakeRpcServer server;
	private RpcClient rpc;

	@AfterEach
	void close() throws IOException {
		if (rpc != null) {
			rpc.close();
		}
		if (server != null) {
			server.close();
		}
	}

	private NfsClient nfs(FakeRpcServer.Script script, RetryPolicy policy) throws IOException {
		return nfs(script, policy, 2);
	}

	private NfsClient nfs(FakeRpcServer.Script script, RetryPolicy policy, int connections) throws IOException {
		server = new FakeRpcServer(script);
		rpc = new RpcClient("fake server", server.address(), NfsClient.PROGRAM, NfsClient.VERSION,
				new AuthSys(0, 0, new int[0], "test"), policy, connections, NfsClient.MAX_RECORD);
		return new NfsClient(rpc);
	}

	/** A GETATTR reply whose fattr3 says this file id. */
	private static XdrWriter getattrOk(long fileid) {
		XdrWriter w = new XdrWriter(128).putInt(0);
		w.putInt(1).putInt(0644).putInt(1).putInt(0).putInt(0).putLong(5).putLong(4096).putInt(0).putInt(0)
				.putLong(1).putLong(fileid);
		for (int i = 0; i < 6; i++) {
			w.putInt(0);
		}
		return w;
	}

	private static void assertFault(FsException e, String text) {
		assertEquals(Errno.EIO, e.errno(), e.getMessage());
		assertTrue(e.getMessage().contains(text), e.getMessage());
	}

	@Test
	void repliesAreMatchedToTheirCallsByXid() throws Exception {
		List<FakeRpcServer.Call> held = new ArrayList<>();
		nfs((call, out, s) -> {
			held.add(call);
			if (held.size() == 3) {
				// all three in flight at once: answered last first
				for (int i = 2; i >= 0; i--) {
					FakeRpcServer.send(out, FakeRpcServer.reply(held.get(i).xid(), getattrOk(held.get(i).xid() & 0xffffffffL)));
				}
			}
		}, SOFT, 1);
		List<RpcCall> calls = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			calls.add(rpc.start(1, "GETATTR", rpc.policy(), FH::encode));
		}
		for (RpcCall c : calls) {
			XdrReader r = rpc.await(c);
			assertEquals(0, r.getInt("status"));
			assertEquals(c.xid & 0xffffffffL, Fattr.decode(r).ino(), "reply of call 0x" + Integer.toHexString(c.xid));
		}
	}

	@Test
	void truncatedResultsAreEio() throws Exception {
		NfsClient nfs = nfs((call, out, s) -> {
			byte[] full = FakeRpcServer.reply(call.xid(), getattrOk(7));
			FakeRpcServer.send(out, Arrays.copyOf(full, full.length - 30));
		}, HARD);
		assertFault(assertErrno(() -> nfs.getattr(FH, FsPath.ROOT), Errno.EIO), "malformed results of NFS GETATTR: fileid needs 4 bytes");
	}

	@Test
	void aReplyToNoCallIsEio() throws Exception {
		NfsClient nfs = nfs((call, out, s) -> FakeRpcServer.send(out,
				FakeRpcServer.reply(call.xid() + 1000, getattrOk(7))), HARD);
		assertFault(assertErrno(() -> nfs.getattr(FH, FsPath.ROOT), Errno.EIO), "matches no call");
	}

	@Test
	void garbageIsEio() throws Exception {
		Random random = new Random(1);
		NfsClient nfs = nfs((call, out, s) -> {
			byte[] g = new byte[200];
			random.nextBytes(g);
			FakeRpcServer.send(out, g);
		}, HARD);
		assertFault(assertErrno(() -> nfs.getattr(FH, FsPath.ROOT), Errno.EIO), "broke the protocol");
	}

	@Test
	void garbageAfterTheRightXidIsEio() throws Exception {
		NfsClient nfs = nfs((call, out, s) -> FakeRpcServer.send(out,
				new XdrWriter(16).putInt(call.xid()).putInt(7).putInt(0).toByteArray()), HARD);
		assertFault(assertErrno(() -> nfs.getattr(FH, FsPath.ROOT), Errno.EIO), "message type 7 is not a reply");
	}

	@Test
	void aRecordOfTwoGigabytesIsRefusedUnread() throws Exception {
		for (int header : new int[] { 0xffffffff, 0x7fffffff }) {
			NfsClient nfs = nfs((call, out, s) -> {
				out.write(new byte[] { (byte) (header >>> 24), (byte) (header >>> 16), (byte) (header >>> 8),
						(byte) header });
				out.flush();
			}, HARD);
			assertFault(assertErrno(() -> nfs.getattr(FH, FsPath.ROOT), Errno.EIO), "exceeds the limit");
			close();
		}
	}

	@Test
	void anOpaqueOfOneGigabyteIsRefused() throws Exception {
		NfsClient nfs = nfs((call, out, s) -> {
			XdrWriter w = new XdrWriter(64).putInt(0).putBoolean(false).putInt(1 << 30);
			FakeRpcServer.send(out, FakeRpcServer.reply(call.xid(), w));
		}, HARD);
		assertFault(assertErrno(() -> nfs.readlink(FH, FsPath.ROOT), Errno.EIO), "length 1073741824 exceeds");
		// a READ's data: the count is checked against what was asked before anything is copied
		RpcCall read = nfs.startRead(FH, 0, 4096);
		assertFault(assertErrno(() -> nfs.finishRead(read, 4096, FsPath.ROOT), Errno.EIO), "exceeds");
	}

	@Test
	void aSoftCallGivesUpOnASilentServer() throws Exception {
		NfsClient nfs = nfs((call, out, s) -> {
		}, SOFT);
		long start = System.nanoTime();
		FsException e = assertErrno(() -> nfs.getattr(FH, FsPath.ROOT), Errno.EIO);
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertTrue(e.getMessage().contains("not responding"), e.getMessage());
		assertTrue(millis >= 500 && millis < 3000, millis + " ms");
		assertTrue(server.calls.size() >= 2, "sent again after the timeout: " + server.calls.size());
	}

	@Test
	void aSoftCallGivesUpOnRecordsCutShort() throws Exception {
		NfsClient nfs = nfs((call, out, s) -> {
			out.write(new byte[] { (byte) 0x80, 0, 0, 100, 1, 2, 3, 4 });
			out.flush();
			s.close();
		}, SOFT);
		FsException e = assertErrno(() -> nfs.getattr(FH, FsPath.ROOT), Errno.EIO);
		assertTrue(e.getMessage().contains("not responding") && e.getMessage().contains("middle of a record"),
				e.getMessage());
	}

	@Test
	void aLostCallIsSentAgainWithTheSameXid() throws Exception {
		NfsClient nfs = nfs((call, out, s) -> {
			if (server.calls.size() > 1) {
				FakeRpcServer.send(out, FakeRpcServer.reply(call.xid(), getattrOk(42)));
			}
		}, HARD);
		assertEquals(42, nfs.getattr(FH, FsPath.ROOT).ino());
		assertEquals(2, server.calls.size());
		assertEquals(server.calls.get(0).xid(), server.calls.get(1).xid());
	}

	@Test
	void callsOutstandingWhenTheConnectionDiesAreSentOnANewOne() throws Exception {
		CountDownLatch bothSent = new CountDownLatch(2);
		nfs((call, out, s) -> {
			bothSent.countDown();
			if (call.connection() <= 2) {
				return; // the first connections die with their calls unanswered
			}
			FakeRpcServer.send(out, FakeRpcServer.reply(call.xid(), getattrOk(call.xid())));
		}, new RetryPolicy(true, 10_000, 1));
		RpcCall a = rpc.start(1, "GETATTR", rpc.policy(), FH::encode);
		RpcCall b = rpc.start(1, "GETATTR", rpc.policy(), FH::encode);
		assertTrue(bothSent.await(5, TimeUnit.SECONDS));
		// the server restarts: its connections are reset
		server.closeConnections();
		assertEquals(0, rpc.await(a).getInt("status"));
		assertEquals(0, rpc.await(b).getInt("status"));
		assertTrue(server.connections() >= 3, "reconnected: " + server.connections());
	}

	@Test
	void aHardCallEndsWhenTheClientCloses() throws Exception {
		NfsClient nfs = nfs((call, out, s) -> {
		}, HARD);
		Thread closer = new Thread(() -> {
			try {
				Thread.sleep(700);
			} catch (InterruptedException e) {
				return;
			}
			rpc.close();
		});
		closer.start();
		FsException e = assertErrno(() -> nfs.getattr(FH, FsPath.ROOT), Errno.EIO);
		assertTrue(e.getMessage().contains("closed"), e.getMessage());
		closer.join();
	}

	@Test
	void aRefusedCredentialIsEacces() throws Exception {
		NfsClient nfs = nfs((call, out, s) -> FakeRpcServer.send(out,
				new XdrWriter(32).putInt(call.xid()).putInt(1).putInt(1).putInt(1).putInt(5).toByteArray()), HARD);
		FsException e = assertErrno(() -> nfs.getattr(FH, FsPath.ROOT), Errno.EACCES);
		assertTrue(e.getMessage().contains("refused the credentials"), e.getMessage());
	}

	@Test
	void nfsErrorsBecomeTheirErrnos() throws Exception {
		int[] status = { 70 };
		NfsClient nfs = nfs((call, out, s) -> FakeRpcServer.send(out,
				FakeRpcServer.reply(call.xid(), new XdrWriter(16).putInt(status[0]).putBoolean(false))), HARD);
		assertErrno(() -> nfs.getattr(FH, FsPath.ROOT), Errno.ESTALE);
		status[0] = 2;
		FsException e = assertErrno(() -> nfs.getattr(FH, FsPath.ROOT), Errno.ENOENT);
		assertTrue(e.getMessage().contains("NFS3ERR_NOENT"), e.getMessage());
		status[0] = 10004;
		assertErrno(() -> nfs.getattr(FH, FsPath.ROOT), Errno.ENOTSUP);
		status[0] = 12345;
		assertFault(assertErrno(() -> nfs.getattr(FH, FsPath.ROOT), Errno.EIO), "nfsstat3 12345");
	}
}
