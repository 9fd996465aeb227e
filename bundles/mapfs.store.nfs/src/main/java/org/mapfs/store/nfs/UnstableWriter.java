package org.mapfs.store.nfs;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * The writes of one open file: UNSTABLE WRITEs (pipelined, in pieces of the server's WRITE size) and a COMMIT
 * at sync, at close and whenever {@value #COMMIT_THRESHOLD} bytes are uncommitted. The data not yet committed
 * is kept: a server that restarted in between lost it, which its write verifier tells (it changes at every
 * restart), and the data is then sent again.
 */
final class UnstableWriter {
	static final long COMMIT_THRESHOLD = 8L << 20;
	/** Rounds of sending everything again before giving up on a server whose verifier never settles. */
	private static final int MAX_RESENDS = 5;

	private record Extent(long offset, byte[] data) {
	}

	private final NfsClient nfs;
	private final FsPath path;
	private final int pieceSize;
	private final List<Extent> uncommitted = new ArrayList<>();
	private long uncommittedBytes;
	/** The write verifier of the uncommitted data. */
	private Long verifier;

	UnstableWriter(NfsClient nfs, FsPath path, int pieceSize) {
		this.nfs = nfs;
		this.path = path;
		this.pieceSize = pieceSize;
	}

	/** Writes all of {@code src} at {@code position}. */
	synchronized void write(NfsHandle fh, ByteBuffer src, long position) throws FsException {
		byte[] data = new byte[src.remaining()];
		src.duplicate().get(data);
		Extent e = new Extent(position, data);
		uncommitted.add(e);
		uncommittedBytes += data.length;
		if (!send(fh, List.of(e))) {
			resendAll(fh);
		}
		src.position(src.limit());
		if (uncommittedBytes >= COMMIT_THRESHOLD) {
			commit(fh);
		}
	}

	/** COMMIT; if the server restarted since the data was written, the data is sent again first. */
	synchronized void commit(NfsHandle fh) throws FsException {
		if (uncommitted.isEmpty()) {
			return;
		}
		for (int round = 0; round < MAX_RESENDS; round++) {
			long v = nfs.commit(fh, path);
			if (verifier != null && v == verifier) {
				uncommitted.clear();
				uncommittedBytes = 0;
				verifier = null;
				return;
			}
			resendAll(fh);
		}
		throw unsettled();
	}

	/** Forgets uncommitted data (the file was truncated: what lies past the new end must not come back). */
	synchronized void truncated(long size) {
		uncommitted.removeIf(e -> e.offset >= size);
		uncommitted.replaceAll(e -> e.offset + e.data.length <= size ? e
				: new Extent(e.offset, Arrays.copyOf(e.data, (int) (size - e.offset))));
		uncommittedBytes = uncommitted.stream().mapToLong(e -> e.data.length).sum();
	}

	/**
	 * Sends extents in pieces, all in flight at once. Returns false if a reply's verifier differs from the one
	 * of the data written before (the server restarted: what it had uncommitted is lost).
	 */
	private boolean send(NfsHandle fh, List<Extent> extents) throws FsException {
		List<RpcCall> calls = new ArrayList<>();
		List<long[]> pieces = new ArrayList<>();
		try {
			for (Extent e : extents) {
				for (int off = 0; off < e.data.length; off += pieceSize) {
					int len = Math.min(pieceSize, e.data.length - off);
					calls.add(nfs.startWrite(fh, e.offset + off, ByteBuffer.wrap(e.data, off, len),
							NfsClient.Stable.UNSTABLE));
					pieces.add(new long[] { e.offset + off, len });
				}
			}
			boolean same = true;
			for (int i = 0; i < calls.size(); i++) {
				RpcCall call = calls.set(i, null);
				NfsClient.WriteResult r = nfs.finishWrite(call, path);
				if (r.count() != pieces.get(i)[1]) {
					writeRest(fh, extents, pieces.get(i), r.count());
				}
				if (verifier == null) {
					verifier = r.verifier();
				} else if (verifier != r.verifier()) {
					verifier = r.verifier();
					same = false;
				}
			}
			return same;
		} finally {
			for (RpcCall c : calls) {
				if (c != null) {
					nfs.abandon(c);
				}
			}
		}
	}

	/** A short write: the rest of the piece, again (rare: servers take what they announced as wtmax). */
	private void writeRest(NfsHandle fh, List<Extent> extents, long[] piece, int written) throws FsException {
		if (written <= 0) {
			throw new FsException(Errno.EIO, path, "NFS WRITE: the server wrote nothing of " + piece[1] + " bytes");
		}
		for (Extent e : extents) {
			if (piece[0] >= e.offset && piece[0] < e.offset + e.data.length) {
				int from = (int) (piece[0] - e.offset) + written;
				int to = (int) (piece[0] - e.offset + piece[1]);
				send(fh, List.of(new Extent(e.offset + from, Arrays.copyOfRange(e.data, from, to))));
				return;
			}
		}
	}

	/** Sends all uncommitted data again, in the order it was written, until one verifier covers all of it. */
	private void resendAll(NfsHandle fh) throws FsException {
		for (int round = 0; round < MAX_RESENDS; round++) {
			verifier = null;
			boolean same = true;
			// one extent at a time: later writes may overlap earlier ones and must land after them
			for (Extent e : uncommitted) {
				same &= send(fh, List.of(e));
			}
			if (same) {
				return;
			}
		}
		throw unsettled();
	}

	private FsException unsettled() {
		return new FsException(Errno.EIO, path, "NFS WRITE: the server's write verifier kept changing (it "
				+ "restarted again and again); the data could not be made stable");
	}
}
