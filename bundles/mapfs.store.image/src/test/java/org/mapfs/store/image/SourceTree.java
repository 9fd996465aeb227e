package org.mapfs.store.image;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Random;

/**
 * The tree the image tests put into file systems with {@code mke2fs -d}: every kind of file, deep and large
 * directories, sparse, large and fragmented files, hard links, symlinks fast and slow, xattrs and ACLs, special
 * files, unusual modes, owners and times. Built as root (owners, trusted xattrs, device nodes).
 */
final class SourceTree {
	static final int BIG_DIR_ENTRIES = 10_000;
	static final int FRAGMENTS = 400;
	static final int PREALLOC = 409600;
	private static final long MIB = 1024 * 1024;

	private SourceTree() {
	}

	/**
	 * Builds the tree with {@code bigDirEntries} empty files in {@code bigdir} (short names: mke2fs -d inserts
	 * linearly, so its time grows with the directory's blocks times its entries); {@code large}: with a 3 MiB
	 * and a sparse 70 MiB file.
	 */
	static void build(Path root, int bigDirEntries, boolean large) throws IOException, InterruptedException {
		Random random = new Random(42);
		Files.createDirectories(root);
		Path deep = root;
		for (int i = 0; i < 24; i++) {
			deep = deep.resolve("d" + i);
		}
		Files.createDirectories(deep);
		Files.writeString(deep.resolve("leaf.txt"), "at the bottom\n");

		Path files = Files.createDirectories(root.resolve("files"));
		Files.write(files.resolve("empty"), new byte[0]);
		for (int n : new int[] { 1, 59, 60, 61, 200, 1023, 1024, 1025, 4095, 4096, 4097, 70_000 }) {
			Files.write(files.resolve("size-" + n), bytes(random, n));
		}
		if (large) {
			Files.write(files.resolve("random-3m"), bytes(random, (int) (3 * MIB)));
			sparse(files.resolve("sparse-70m"), random);
		}
		fragmented(files.resolve("fragmented"), random);
		// zeros become a hole in the image, which the test then preallocates (unwritten extents)
		Files.write(files.resolve("prealloc"), new byte[PREALLOC]);

		Path links = Files.createDirectories(root.resolve("links"));
		Files.writeString(links.resolve("target.txt"), "linked\n");
		Files.createLink(links.resolve("hard1"), links.resolve("target.txt"));
		Files.createLink(links.resolve("hard2"), links.resolve("target.txt"));
		Files.createSymbolicLink(links.resolve("fast"), Path.of("target.txt"));
		Files.createSymbolicLink(links.resolve("slow"), Path.of("a".repeat(100) + "/" + "b".repeat(150)));
		Files.createSymbolicLink(links.resolve("edge59"), Path.of("x".repeat(59)));
		Files.createSymbolicLink(links.resolve("edge60"), Path.of("y".repeat(60)));
		Files.createSymbolicLink(links.resolve("up"), Path.of("../files"));

		Path special = Files.createDirectories(root.resolve("special"));
		Tools.run("mkfifo", special.resolve("fifo").toString());
		Tools.run("mknod", special.resolve("null").toString(), "c", "1", "3");
		Tools.run("mknod", special.resolve("loop").toString(), "b", "7", "0");
		// major above 255 and minor above 255 need the new rdev encoding
		Tools.run("mknod", special.resolve("wide").toString(), "c", "300", "70000");

		Path attrs = Files.createDirectories(root.resolve("attrs"));
		Path tagged = Files.writeString(attrs.resolve("tagged"), "xattrs\n");
		Tools.run("setfattr", "-n", "user.comment", "-v", "hello", tagged.toString());
		Tools.run("setfattr", "-n", "user.big", "-v", "0x" + "ab".repeat(300), tagged.toString());
		Tools.run("setfattr", "-n", "trusted.overlay.opaque", "-v", "y", tagged.toString());
		Tools.run("setfattr", "-n", "security.label", "-v", "secret", tagged.toString());
		Path acl = Files.writeString(attrs.resolve("acl"), "acl\n");
		Tools.run("setfacl", "-m", "u:1000:rw,g:100:r,u:2000:r", acl.toString());
		Path aclDir = Files.createDirectories(attrs.resolve("acl-dir"));
		Tools.run("setfacl", "-d", "-m", "u:1000:rwx,g::r-x", aclDir.toString());

		Path modes = Files.createDirectories(root.resolve("modes"));
		mode(Files.writeString(modes.resolve("setuid"), "s"), "4755");
		mode(Files.writeString(modes.resolve("private"), "p"), "0600");
		mode(Files.createDirectories(modes.resolve("sticky")), "1777");
		mode(Files.createDirectories(modes.resolve("setgid")), "2750");
		owner(Files.writeString(modes.resolve("user1000"), "u"), 1000, 1000);
		// above 16 bits: the high halves live in osd2
		owner(Files.writeString(modes.resolve("wide-owner"), "w"), 70_000, 65_541);
		times(Files.writeString(modes.resolve("old"), "o"), "1999-12-31 23:59:59.123456789");
		times(Files.writeString(modes.resolve("future"), "f"), "2100-01-01 00:00:00.5");
		times(links.resolve("fast"), "2001-02-03 04:05:06.7");

		Path big = Files.createDirectories(root.resolve("bigdir"));
		for (int i = 0; i < bigDirEntries; i++) {
			Files.createFile(big.resolve(String.format("f%05d", i)));
		}
	}

	private static byte[] bytes(Random random, int n) {
		byte[] b = new byte[n];
		random.nextBytes(b);
		return b;
	}

	/** Data at 0, 20 MiB and 69 MiB of a 70 MiB file: with 1 KiB blocks the last needs triple indirect blocks. */
	private static void sparse(Path file, Random random) throws IOException {
		try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
			f.setLength(70 * MIB);
			for (long at : new long[] { 0, 20 * MIB + 100, 69 * MIB + 7 }) {
				f.seek(at);
				f.write(bytes(random, 10_000));
			}
		}
	}

	/** Data blocks between holes: one extent each, more than fit in the inode, so the tree grows deeper. */
	private static void fragmented(Path file, Random random) throws IOException {
		try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
			for (int i = 0; i < FRAGMENTS; i++) {
				f.seek(i * 8192L);
				f.write(bytes(random, 4096));
			}
		}
	}

	private static void mode(Path p, String octal) throws IOException, InterruptedException {
		Tools.run("chmod", octal, p.toString());
	}

	private static void owner(Path p, int uid, int gid) throws IOException {
		Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
		Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
	}

	private static void times(Path p, String date) throws IOException, InterruptedException {
		Tools.run("touch", "-h", "-d", date, p.toString());
	}
}
