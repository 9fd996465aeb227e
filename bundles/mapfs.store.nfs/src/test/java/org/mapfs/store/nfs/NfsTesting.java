package org.mapfs.store.nfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.mapfs.api.Errno;
import org.mapfs.api.FileData;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/** Helpers shared by the NFS store tests. */
final class NfsTesting {
	private NfsTesting() {
	}

	interface FsAction {
		void run() throws Exception;
	}

	/** Options for the test server's export: ports from the portmapper, root, hard, 1 s timeouts. */
	static NfsOptions options(String export, String path, String work, boolean readOnly) {
		return new NfsOptions(NfsServer.HOST, export, path, work, readOnly, 0, 0, 0, 0, new int[0], true, 1000, 2,
				60_000, 2);
	}

	/** The read-only repository export. */
	static NfsStore openRepo() throws FsException {
		return NfsStore.open("repo", options("/repo", "/", null, true));
	}

	/** A writable store over {@code folder} of the read-write export, with the work area {@code folder-work}. */
	static NfsStore openRw(String folder) throws FsException {
		return NfsStore.open("rw", options("/rw", "/" + folder, "/" + folder + "-work", false));
	}

	/** Asserts that {@code action} fails with one of {@code expected}; returns the exception. */
	static FsException assertErrno(FsAction action, Errno... expected) {
		try {
			action.run();
		} catch (FsException e) {
			for (Errno x : expected) {
				if (e.errno() == x) {
					return e;
				}
			}
			fail("expected " + List.of(expected) + " but got " + e.errno() + ": " + e.getMessage(), e);
		} catch (Exception e) {
			fail("expected an FsException " + List.of(expected) + " but got " + e, e);
		}
		fail("expected " + List.of(expected) + " but the call succeeded");
		return null;
	}

	static FsPath p(String s) {
		try {
			return FsPath.of(s);
		} catch (FsException e) {
			throw new IllegalArgumentException(e);
		}
	}

	static byte[] bytes(String s) {
		return s.getBytes(StandardCharsets.UTF_8);
	}

	static void writeAll(FileData data, byte[] content, long position) throws FsException {
		assertEquals(content.length, data.write(ByteBuffer.wrap(content), position));
	}

	/** Reads a whole file in reads of {@code chunk} bytes. */
	static byte[] readAll(FileData data, int chunk) throws FsException {
		ByteBuffer out = ByteBuffer.allocate((int) data.size() + chunk);
		long pos = 0;
		for (;;) {
			ByteBuffer buf = ByteBuffer.allocate(chunk);
			int n = data.read(buf, pos);
			if (n < 0) {
				break;
			}
			out.put(buf.flip());
			pos += n;
		}
		out.flip();
		byte[] b = new byte[out.remaining()];
		out.get(b);
		return b;
	}

	/**
	 * A digest of everything observable of a local tree, symlinks not followed: names, types, modes, owners,
	 * sizes, link counts, inode numbers, mtimes and ctimes, file data and symlink targets (atimes left out: reads
	 * through the server may change them).
	 */
	static String treeDigest(Path root) throws Exception {
		MessageDigest md = MessageDigest.getInstance("SHA-256");
		try (Stream<Path> walk = Files.walk(root)) {
			for (Path f : walk.sorted().collect(Collectors.toList())) {
				Map<String, Object> u = Files.readAttributes(f,
						"unix:mode,uid,gid,size,nlink,ino,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
				StringBuilder sb = new StringBuilder(root.relativize(f) + "|" + new TreeMap<>(u));
				if (Files.isSymbolicLink(f)) {
					sb.append("->").append(Files.readSymbolicLink(f));
				} else if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
					sb.append('|').append(HexFormat.of().formatHex(
							MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
				}
				md.update(sb.append('\n').toString().getBytes(StandardCharsets.UTF_8));
			}
		}
		return HexFormat.of().formatHex(md.digest());
	}
}
