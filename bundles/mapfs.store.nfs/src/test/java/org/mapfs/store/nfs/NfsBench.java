package org.mapfs.store.nfs;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;

import org.mapfs.api.DirEntry;
import org.mapfs.api.FileData;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * The MapFS side of bench/run-nfs.sh: reads a file of an export from start to end and walks a tree of it (list
 * and stat every entry) through the NFS store, a warm-up round and then {@code rounds} rounds, each printed as
 * "read SECONDS BYTES" and "walk SECONDS ENTRIES". Each read and each walk opens the store afresh (MOUNT, a new
 * connection, empty caches), as each run of nfs-cat and nfs-ls does.
 * <p>
 * Usage: NfsBench SERVER EXPORT FILE TREE ROUNDS
 */
public final class NfsBench {
	private NfsBench() {
	}

	public static void main(String[] args) throws Exception {
		NfsOptions options = new NfsOptions(args[0], args[1], "/", null, true, 0, 0, 0, 0, new int[0], true, 10_000, 3,
				60_000, 2);
		FsPath file = FsPath.of(args[2]);
		FsPath tree = FsPath.of(args[3]);
		int rounds = Integer.parseInt(args[4]);
		for (int r = -1; r < rounds; r++) {
			long t0 = System.nanoTime();
			long bytes = read(options, file);
			long t1 = System.nanoTime();
			long entries = walk(options, tree);
			long t2 = System.nanoTime();
			if (r >= 0) {
				System.out.printf("read %.3f %d%n", (t1 - t0) / 1e9, bytes);
				System.out.printf("walk %.3f %d%n", (t2 - t1) / 1e9, entries);
			}
		}
	}

	/** Reads the whole file in 1 MiB requests, as cat does. */
	private static long read(NfsOptions options, FsPath file) throws FsException {
		ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
		long pos = 0;
		NfsStore store = NfsStore.open("bench", options);
		try (store; FileData data = store.open(file)) {
			while (true) {
				buf.clear();
				int n = data.read(buf, pos);
				if (n < 0) {
					return pos;
				}
				pos += n;
			}
		}
	}

	/** Lists every directory of the tree and stats every entry, as ls -lR does; returns the entries. */
	private static long walk(NfsOptions options, FsPath root) throws FsException {
		long entries = 0;
		Deque<FsPath> dirs = new ArrayDeque<>();
		dirs.push(root);
		NfsStore store = NfsStore.open("bench", options);
		try (store) {
			while (!dirs.isEmpty()) {
				FsPath dir = dirs.pop();
				for (DirEntry e : store.list(dir)) {
					FsPath p = dir.resolve(e.name());
					if (store.stat(p).isDirectory()) {
						dirs.push(p);
					}
					entries++;
				}
			}
		}
		return entries;
	}
}
