package org.mapfs.store.nfs;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeSet;

import org.mapfs.api.DirEntry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileData;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.core.MountBuilder;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/**
 * A client of the repository export in a JVM of its own, for {@link NfsClientsTest}: opens its own NFS store over
 * a folder of {@code /repo} and its own local overlay, replaces the text of one repository file through its
 * mount, deletes another, then prints what it sees and exits (0, or 1 with the fault on stderr).
 * <p>
 * Arguments: {@code REPO-FOLDER UPPER WORK WRITE-PATH TEXT DELETE-PATH LIST-DIR READ-PATH...}. Output, one line
 * each: {@code list NAME...} (sorted, of LIST-DIR), then {@code read PATH HEX} or {@code read PATH ENOENT}.
 */
public final class NfsClientMain {
	private NfsClientMain() {
	}

	public static void main(String[] args) throws Exception {
		PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
		if (args.length < 7) {
			System.err.println("usage: REPO-FOLDER UPPER WORK WRITE-PATH TEXT DELETE-PATH LIST-DIR READ-PATH...");
			System.exit(2);
		}
		try (NfsStore repo = NfsStore.open("repo", NfsTesting.options("/repo", args[0], null, true));
				LocalStore upper = LocalStore.open("upper", Path.of(args[1]), Path.of(args[2]), false)) {
			Mount mount = MountBuilder.named("child").overlay(upper, FsPath.ROOT)
					.layer(repo, FsPath.ROOT, FsPath.ROOT).policy(new ClassicPolicy(), Map.of()).build();
			write(mount, FsPath.of(args[3]), args[4]);
			mount.unlink(FsPath.of(args[5]));
			TreeSet<String> names = new TreeSet<>();
			for (DirEntry e : mount.list(FsPath.of(args[6]))) {
				names.add(e.name());
			}
			out.println("list " + String.join(" ", names));
			for (int i = 7; i < args.length; i++) {
				out.println("read " + args[i] + " " + read(mount, FsPath.of(args[i])));
			}
		} catch (Exception | AssertionError e) {
			e.printStackTrace();
			System.exit(1);
		}
		System.exit(0);
	}

	/** Replaces the file's text: open with TRUNCATE, write. */
	static void write(Mount mount, FsPath path, String text) throws FsException {
		byte[] b = text.getBytes(StandardCharsets.UTF_8);
		try (FileHandle h = mount.open(path, EnumSet.of(OpenFlag.READ, OpenFlag.WRITE, OpenFlag.TRUNCATE))) {
			NfsTesting.writeAll(h, b, 0);
		}
	}

	/** The file's content in hex, or ENOENT. */
	static String read(Mount mount, FsPath path) throws FsException {
		try (FileData d = mount.open(path, EnumSet.of(OpenFlag.READ))) {
			return HexFormat.of().formatHex(NfsTesting.readAll(d, 4096));
		} catch (FsException e) {
			if (e.errno() == Errno.ENOENT) {
				return "ENOENT";
			}
			throw e;
		}
	}
}
