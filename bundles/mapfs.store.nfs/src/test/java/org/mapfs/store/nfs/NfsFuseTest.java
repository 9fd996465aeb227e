package org.mapfs.store.nfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.core.MountBuilder;
import org.mapfs.frontend.fuse.FuseFrontEnd;
import org.mapfs.policy.classic.ClassicPolicy;

/**
 * A FUSE mount of a repository on NFS under an overlay on NFS, used by ordinary programs: the same shell script
 * run in the mount and in a plain copy of the repository leaves the same tree (names, types, modes, sizes,
 * contents), what was deleted is a {@code .wh.} name in the overlay's folder that no listing shows, and the
 * repository's folder is unchanged. The mount lives in the test JVM's own mount namespace.
 */
@ExtendWith(NfsServer.class)
@Timeout(120)
class NfsFuseTest {
	/**
	 * Appends, a new file, deletes, a directory deleted and made again, renames, a symlink, chmod, tar in, and a
	 * repository directory moved (EXDEV in the OCI format: mv copies it).
	 */
	private static final String SCRIPT = String.join("\n", "set -e",
			"echo appended >> etc/hosts",
			"printf 'new\\n' > etc/new.conf",
			"rm etc/motd",
			"rm -r srv/www && mkdir srv/www && echo fresh > srv/www/index.html",
			"mv etc/ssh/sshd_config etc/ssh/sshd_config.old",
			"mkdir -p opt/app && mv etc/new.conf opt/app/",
			"ln -s ../etc/hosts opt/hosts",
			"chmod 600 etc/ssh/sshd_config.old",
			"tar -C \"$TARSRC\" -cf - . | tar -xf - -C opt/app",
			"cp -r usr/share opt/share-copy",
			"truncate -s 3 usr/share/doc/readme",
			"mv usr/share/doc usr/doc",
			"");

	@TempDir
	Path local;

	@Test
	void shellToolsThroughAFuseMountOverNfs() throws Exception {
		Path repo = Files.createDirectories(NfsServer.get().repo().resolve("fuse"));
		fill(repo);
		Path tarSource = Files.createDirectories(local.resolve("tarsrc/sub"));
		for (int i = 0; i < 20; i++) {
			Files.writeString(tarSource.resolve("f" + i), "tar " + i + "\n");
		}
		String before = NfsTesting.treeDigest(repo);
		Path model = local.resolve("model");
		run(local, "cp", "-a", repo.toString(), model.toString());
		Path overlay = Files.createDirectories(NfsServer.get().rw().resolve("fuse"));
		Path mnt = Files.createDirectories(local.resolve("mnt"));

		try (NfsStore repoStore = NfsStore.open("repo", NfsTesting.options("/repo", "/fuse", null, true));
				NfsStore upperStore = NfsTesting.openRw("fuse"); FuseFrontEnd fuse = new FuseFrontEnd()) {
			Mount mount = MountBuilder.named("fuse").overlay(upperStore, FsPath.ROOT)
					.layer(repoStore, FsPath.ROOT, FsPath.ROOT).policy(new ClassicPolicy(), Map.of()).build();
			fuse.mount(mount, mnt, FuseFrontEnd.Options.defaults());
			try {
				assertEquals("127.0.0.1 localhost\n", Files.readString(mnt.resolve("etc/hosts")));
				script(model, tarSource);
				script(mnt, tarSource);
				assertEquals(listing(model), listing(mnt), "the tree through FUSE");
				assertEquals(run(model, "ls", "-a", "etc"), run(mnt, "ls", "-a", "etc"), "no .wh. name shows");
			} finally {
				fuse.umount();
			}
		}
		assertTrue(Files.isRegularFile(overlay.resolve("etc/.wh.motd")), "the whiteout of etc/motd");
		assertTrue(Files.isRegularFile(overlay.resolve("srv/www/.wh..wh..opq")), "srv/www made again is opaque");
		assertTrue(Files.isRegularFile(overlay.resolve("usr/share/.wh.doc")), "the moved directory's old name");
		assertEquals(before, NfsTesting.treeDigest(repo), "the repository changed");
	}

	private static void fill(Path repo) throws Exception {
		Files.createDirectories(repo.resolve("etc/ssh"));
		Files.writeString(repo.resolve("etc/hosts"), "127.0.0.1 localhost\n");
		Files.writeString(repo.resolve("etc/motd"), "golden\n");
		Files.writeString(repo.resolve("etc/ssh/sshd_config"), "PermitRootLogin no\n");
		Files.createDirectories(repo.resolve("srv/www/img"));
		Files.writeString(repo.resolve("srv/www/index.html"), "<html/>\n");
		Files.write(repo.resolve("srv/www/img/logo.png"), new byte[5000]);
		Files.createDirectories(repo.resolve("usr/share/doc"));
		Files.writeString(repo.resolve("usr/share/doc/readme"), "read me, all of me\n");
		Files.write(repo.resolve("usr/share/data.bin"), new byte[200_000]);
	}

	private static void script(Path dir, Path tarSource) throws Exception {
		ProcessBuilder pb = new ProcessBuilder("sh", "-c", SCRIPT).directory(dir.toFile()).redirectErrorStream(true);
		pb.environment().put("TARSRC", tarSource.toString());
		Process p = pb.start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the script in " + dir);
		assertEquals(0, p.exitValue(), "the script in " + dir + ": " + out);
	}

	/** Every entry: path, type, mode, size, symlink target, and a checksum of every file. */
	private static List<String> listing(Path dir) throws Exception {
		String entries = run(dir, "find", ".", "-printf", "%P %y %m %s %l\\n");
		String sums = run(dir, "sh", "-c", "find . -type f -print0 | sort -z | xargs -0 -r sha256sum");
		List<String> all = new ArrayList<>(List.of(entries.split("\n")));
		all.sort(null);
		all.add(sums);
		return all;
	}

	private static String run(Path dir, String... command) throws Exception {
		Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
		assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
		return out;
	}
}
