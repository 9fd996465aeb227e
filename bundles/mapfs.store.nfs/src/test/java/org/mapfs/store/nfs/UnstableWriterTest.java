package org.mapfs.store.nfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.store.nfs.NfsTesting.assertErrno;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mapfs.api.Errno;
import org.mapfs.api.FsPath;

/**
 * UNSTABLE WRITEs and COMMIT against a scripted server whose write verifier changes (it restarted and lost what
 * was not committed): the data is sent again, in order, until one verifier covers it.
 */
@Timeout(20)
class UnstableWriterTest {
	private static final int WRITE = 7;
	private static final int COMMIT = 21;
	private static final NfsHandle FH = new NfsHandle(new byte[] { 9 });

	private FakeRpcServer server;
	private RpcClient rpc;
	/** The verifier the fake server answers with; a test changes it to act a restart. */
	private volatile long verifier = 1;
	/** Changes the verifier after this many COMMITs (a restart between WRITE and COMMIT). */
	private volatile int restartAtCommit = -1;
	private int commits;

	@AfterEach
	void close() throws IOException {
		rpc.close();
		server.close();
	}

	private UnstableWriter writer(int pieceSize) throws IOException {
		server = new FakeRpcServer((call, out, s) -> {
			XdrWriter w = new XdrWriter(64).putInt(0).putBoolean(false).putBoolean(false);
			if (call.proc() == WRITE) {
				XdrReader args = call.args();
				NfsHandle.decode(args, "fh");
				args.getLong("offset");
				w.putInt(args.getInt("count")).putInt(0).putLong(verifier);
			} else {
				if (++commits == restartAtCommit) {
					verifier++;
				}
				w.putLong(verifier);
			}
			FakeRpcServer.send(out, FakeRpcServer.reply(call.xid(), w));
		});
		rpc = new RpcClient("fake server", server.address(), NfsClient.PROGRAM, NfsClient.VERSION,
				new AuthSys(0, 0, new int[0], "test"), new RetryPolicy(false, 2000, 1), 2, NfsClient.MAX_RECORD);
		return new UnstableWriter(new NfsClient(rpc), FsPath.ROOT, pieceSize);
	}

	private List<Integer> procs() throws Exception {
		List<Integer> procs = new ArrayList<>();
		for (FakeRpcServer.Call c : server.calls) {
			procs.add(c.proc());
		}
		return procs;
	}

	@Test
	void dataIsWrittenInPiecesAndCommittedOnce() throws Exception {
		UnstableWriter w = writer(1000);
		w.write(FH, ByteBuffer.wrap(new byte[2500]), 0);
		w.commit(FH);
		w.commit(FH); // nothing left to commit
		assertEquals(List.of(WRITE, WRITE, WRITE, COMMIT), procs());
	}

	@Test
	void aVerifierThatChangedAtCommitSendsTheDataAgain() throws Exception {
		UnstableWriter w = writer(1000);
		w.write(FH, ByteBuffer.wrap(new byte[1500]), 0);
		w.write(FH, ByteBuffer.wrap(new byte[10]), 100);
		restartAtCommit = 1;
		w.commit(FH);
		// 2 + 1 WRITEs, a COMMIT that shows the restart, the 3 WRITEs again in order, and a COMMIT that holds
		assertEquals(List.of(WRITE, WRITE, WRITE, COMMIT, WRITE, WRITE, WRITE, COMMIT), procs());
	}

	@Test
	void aVerifierThatChangedBetweenWritesSendsTheEarlierDataAgain() throws Exception {
		UnstableWriter w = writer(1000);
		w.write(FH, ByteBuffer.wrap(new byte[500]), 0);
		verifier = 5;
		w.write(FH, ByteBuffer.wrap(new byte[500]), 500);
		w.commit(FH);
		assertEquals(List.of(WRITE, WRITE, WRITE, WRITE, COMMIT), procs());
	}

	@Test
	void aServerThatNeverSettlesIsEio() throws Exception {
		writer(1000);
		server.close();
		server = new FakeRpcServer((call, out, s) -> {
			XdrWriter r = new XdrWriter(64).putInt(0).putBoolean(false).putBoolean(false);
			if (call.proc() == WRITE) {
				r.putInt(10).putInt(0);
			}
			FakeRpcServer.send(out, FakeRpcServer.reply(call.xid(), r.putLong(verifier++)));
		});
		rpc.close();
		rpc = new RpcClient("fake server", server.address(), NfsClient.PROGRAM, NfsClient.VERSION,
				new AuthSys(0, 0, new int[0], "test"), new RetryPolicy(false, 2000, 1), 1, NfsClient.MAX_RECORD);
		UnstableWriter w2 = new UnstableWriter(new NfsClient(rpc), FsPath.ROOT, 1000);
		w2.write(FH, ByteBuffer.wrap(new byte[10]), 0);
		assertTrue(assertErrno(() -> w2.commit(FH), Errno.EIO).getMessage().contains("verifier kept changing"));
	}
}
