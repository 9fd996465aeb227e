package org.mapfs.store.nfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.store.nfs.NfsTesting.assertErrno;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mapfs.api.Errno;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * NFS procedures against a scripted server, for what ganesha does not show on demand: READDIRPLUS pages and a
 * cookie the server stops accepting, NFS3ERR_JUKEBOX, and hostile directory entries.
 */
@Timeout(20)
class NfsClientTest {
	private static final int READDIRPLUS = 17;
	private static final NfsHandle DIR = new NfsHandle(new byte[] { 7 });

	private FakeRpcServer server;
	private RpcClient rpc;

	@AfterEach
	void close() throws IOException {
		rpc.close();
		server.close();
	}

	private NfsClient client(FakeRpcServer.Script script) throws IOException {
		server = new FakeRpcServer(script);
		rpc = new RpcClient("fake server", server.address(), NfsClient.PROGRAM, NfsClient.VERSION,
				new AuthSys(0, 0, new int[0], "test"), new RetryPolicy(false, 2000, 1), 1, NfsClient.MAX_RECORD);
		return new NfsClient(rpc);
	}

	/** A READDIRPLUS page: entries named {@code names}, cookies from {@code firstCookie}, no attributes. */
	private static XdrWriter page(long firstCookie, boolean eof, String... names) {
		XdrWriter w = new XdrWriter(256).putInt(0).putBoolean(false).putLong(0x5eedL);
		long cookie = firstCookie;
		for (String n : names) {
			w.putBoolean(true).putLong(100 + cookie).putString(n).putLong(cookie++).putBoolean(false)
					.putBoolean(true).putOpaque(new byte[] { (byte) cookie });
		}
		return w.putBoolean(false).putBoolean(eof);
	}

	private static List<String> names(List<NfsClient.Entry> entries) {
		return entries.stream().map(NfsClient.Entry::name).collect(Collectors.toList());
	}

	@Test
	void listingsArePagedByCookieAndVerifier() throws Exception {
		NfsClient nfs = client((call, out, s) -> {
			XdrReader args = call.args();
			NfsHandle.decode(args, "dir");
			long cookie = args.getLong("cookie");
			long verifier = args.getLong("cookieverf");
			XdrWriter reply = cookie == 0 ? page(1, false, ".", "..", "a", "b")
					: cookie == 4 && verifier == 0x5eedL ? page(5, true, "c") : new XdrWriter(4).putInt(10003);
			FakeRpcServer.send(out, FakeRpcServer.reply(call.xid(), reply));
		});
		List<NfsClient.Entry> entries = nfs.readdirplus(DIR, FsPath.ROOT);
		assertEquals(List.of("a", "b", "c"), names(entries));
		assertEquals(103, entries.get(0).fileid());
		assertEquals(2, server.calls.size());
	}

	@Test
	void aCookieTheServerNoLongerAcceptsStartsTheListingOnce() throws Exception {
		int[] badCookies = { 0 };
		NfsClient nfs = client((call, out, s) -> {
			XdrReader args = call.args();
			NfsHandle.decode(args, "dir");
			long cookie = args.getLong("cookie");
			XdrWriter reply;
			if (cookie == 0) {
				reply = page(1, false, "a");
			} else if (badCookies[0]++ < 1) {
				reply = new XdrWriter(8).putInt(10003).putBoolean(false);
			} else {
				reply = page(2, true, "b");
			}
			FakeRpcServer.send(out, FakeRpcServer.reply(call.xid(), reply));
		});
		assertEquals(List.of("a", "b"), names(nfs.readdirplus(DIR, FsPath.ROOT)));
		// a server that keeps refusing: EIO, no endless loop
		badCookies[0] = -100;
		FsException e = assertErrno(() -> nfs.readdirplus(DIR, FsPath.ROOT), Errno.EIO);
		assertTrue(e.getMessage().contains("NFS3ERR_BAD_COOKIE"), e.getMessage());
	}

	@Test
	void hostileEntriesAreRefused() throws Exception {
		String[] name = { "a/b" };
		NfsClient nfs = client((call, out, s) -> FakeRpcServer.send(out,
				FakeRpcServer.reply(call.xid(), page(1, true, name[0]))));
		assertTrue(assertErrno(() -> nfs.readdirplus(DIR, FsPath.ROOT), Errno.EIO).getMessage().contains("'/'"));
		name[0] = "x".repeat(256);
		assertErrno(() -> nfs.readdirplus(DIR, FsPath.ROOT), Errno.EIO);
		close();
		// a server that sends empty pages without end
		NfsClient endless = client((call, out, s) -> FakeRpcServer.send(out,
				FakeRpcServer.reply(call.xid(), page(1, false))));
		assertTrue(assertErrno(() -> endless.readdirplus(DIR, FsPath.ROOT), Errno.EIO).getMessage()
				.contains("a page without entries"));
		assertEquals(READDIRPLUS, server.calls.get(0).proc());
	}

	@Test
	void jukeboxIsRetriedAfterAWhile() throws Exception {
		NfsClient nfs = client((call, out, s) -> {
			XdrWriter reply = server.calls.size() < 3 ? new XdrWriter(8).putInt(10008).putBoolean(false)
					: new XdrWriter(8).putInt(0).putBoolean(false).putString("target");
			FakeRpcServer.send(out, FakeRpcServer.reply(call.xid(), reply));
		});
		assertEquals("target", nfs.readlink(DIR, FsPath.ROOT));
		assertEquals(3, server.calls.size());
	}
}
