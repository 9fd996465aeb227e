package org.mapfs.store.nfs;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * Reads of one open file. A read that continues where the last one ended is sequential: the file is then read
 * in chunks of the server's READ size, {@value #WINDOW} of them in flight at once (pipelined on the
 * connections), so the next reads find their data arrived. Any other read goes to the server as it is, and
 * starts the window afresh. Chunks are dropped once read past, and all of them when the file is written.
 */
final class ReadAhead {
	static final int WINDOW = 4;

	/** A chunk: its READ in flight, then its data. */
	private static final class Chunk {
		RpcCall call;
		ByteBuffer data;
		boolean eof;
	}

	private final NfsClient nfs;
	private final FsPath path;
	private final int chunkSize;
	private final TreeMap<Long, Chunk> chunks = new TreeMap<>();
	/** Where a sequential read would start. */
	private long next;
	/** Offset of a chunk that reached the end of the file: nothing is read ahead past it. */
	private long eofChunk = Long.MAX_VALUE;

	ReadAhead(NfsClient nfs, FsPath path, int chunkSize) {
		this.nfs = nfs;
		this.path = path;
		this.chunkSize = chunkSize;
	}

	/** Reads into {@code dst} from {@code position}: the bytes read, or -1 at the end of the file. */
	synchronized int read(NfsHandle fh, ByteBuffer dst, long position) throws FsException {
		if (position != next) {
			drop();
			int n = readDirect(fh, dst, position);
			next = n > 0 ? position + n : position;
			return n;
		}
		long start = position - position % chunkSize;
		// a first read asks for one chunk only: most files are small, and need no more
		int ahead = position == 0 ? 1 : WINDOW;
		for (long o = start; o < start + (long) ahead * chunkSize && o <= eofChunk; o += chunkSize) {
			if (!chunks.containsKey(o)) {
				Chunk c = new Chunk();
				c.call = nfs.startRead(fh, o, chunkSize);
				chunks.put(o, c);
			}
		}
		releaseBefore(start);
		Chunk c = chunks.get(start);
		if (c.data == null) {
			RpcCall call = c.call;
			c.call = null;
			try {
				NfsClient.ReadResult r = nfs.finishRead(call, chunkSize, path);
				c.data = r.data();
				c.eof = r.eof();
			} catch (FsException e) {
				drop();
				throw e;
			}
			if (c.eof) {
				eofChunk = Math.min(eofChunk, start);
			}
		}
		int off = (int) (position - start);
		int n;
		if (off < c.data.limit()) {
			n = Math.min(dst.remaining(), c.data.limit() - off);
			dst.put(c.data.duplicate().position(off).limit(off + n));
		} else if (c.eof) {
			return -1;
		} else {
			// the server sent less than asked without reaching the end: the rest straight from it
			n = readDirect(fh, dst, position);
		}
		if (n > 0) {
			next = position + n;
		}
		return n;
	}

	/** One READ into {@code dst}. */
	private int readDirect(NfsHandle fh, ByteBuffer dst, long position) throws FsException {
		int count = Math.min(dst.remaining(), chunkSize);
		if (count == 0) {
			return 0;
		}
		ByteBuffer data = nfs.finishRead(nfs.startRead(fh, position, count), count, path).data();
		int n = data.remaining();
		dst.put(data);
		// no data is the end of the file, eof flag or not: a reader must not spin on empty replies
		return n == 0 ? -1 : n;
	}

	private void releaseBefore(long offset) {
		Iterator<Map.Entry<Long, Chunk>> it = chunks.headMap(offset).entrySet().iterator();
		while (it.hasNext()) {
			release(it.next().getValue());
			it.remove();
		}
	}

	private void release(Chunk c) {
		if (c.call != null) {
			nfs.abandon(c.call);
		}
	}

	/** Forgets every chunk (the file was written, or the reader jumped elsewhere). */
	synchronized void drop() {
		for (Chunk c : chunks.values()) {
			release(c);
		}
		chunks.clear();
		eofChunk = Long.MAX_VALUE;
	}
}
