package org.mapfs.store.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.DirEntry;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileData;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.api.RenameMode;
import org.mapfs.api.XattrMode;
import org.mapfs.core.MountBuilder;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/**
 * A mount of the union engine with an image store as its repository and a local overlay: the same random
 * changes applied to it and to a plain copy of the tree must leave both trees equal (names, types, modes,
 * owners, sizes, data, symlink targets, user xattrs), and the repository unchanged.
 */
@Timeout(60)
class UnionMountTest {
	private static final int OPERATIONS = 120;

	@TempDir
	static Path shared;
	static Path source;
	static Path image;

	@TempDir
	Path dir;
	private ImageStore repo;
	private LocalStore upper;

	@BeforeAll
	static void makeImage() throws Exception {
		source = shared.resolve("src");
		SourceTree.build(source, 40, false);
		image = shared.resolve("repo.img");
		Tools.run("mke2fs", "-q", "-F", "-t", "ext4", "-d", source.toString(), image.toString(), "16M");
	}

	@AfterEach
	void close() throws Exception {
		if (repo != null) {
			repo.close();
		}
		if (upper != null) {
			upper.close();
		}
	}

	/**
	 * Keep these seeds: 2 and 6 once failed with EIO (a written metadata-only copy of an empty file, renamed),
	 * 10 to 12 on the group and setgid bit of a directory made in modes/setgid.
	 */
	@ParameterizedTest(name = "seed {0}")
	@ValueSource(longs = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 })
	void mountBehavesLikeAPlainCopy(long seed) throws Exception {
		Path model = dir.resolve("model");
		Tools.run("cp", "-a", source.toString(), model.toString());
		repo = ImageStore.open("repo", image, 0, 4 << 20);
		upper = LocalStore.open("upper", Files.createDirectories(dir.resolve("upper")),
				Files.createDirectories(dir.resolve("work")), false);
		Mount mount = MountBuilder.named("m").overlay(upper, FsPath.ROOT).layer(repo, FsPath.ROOT, FsPath.ROOT)
				.policy(new ClassicPolicy(), Map.of()).build();
		Random random = new Random(seed);
		for (int i = 0; i < OPERATIONS; i++) {
			change(random, model, mount, i);
		}
		compare(model, mount, FsPath.ROOT);
		new TreeComparison(source, repo, Set.of()).compareAll();
	}

	/**
	 * One change, chosen among what the model's tree allows, applied to both; chmod and setxattr of repository
	 * files make metadata-only copies, which later writes, truncates and renames must complete.
	 */
	private static void change(Random random, Path model, Mount mount, int i) throws Exception {
		List<Path> files = new ArrayList<>();
		List<Path> dirs = new ArrayList<>();
		try (Stream<Path> s = Files.walk(model)) {
			s.forEach(p -> {
				if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
					files.add(p);
				} else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && Files.isWritable(p)) {
					dirs.add(p);
				}
			});
		}
		Path file = files.get(random.nextInt(files.size()));
		Path parent = dirs.get(random.nextInt(dirs.size()));
		Path fresh = parent.resolve("new-" + i);
		switch (random.nextInt(9)) {
			case 0, 1 -> {
				byte[] data = new byte[1 + random.nextInt(9000)];
				random.nextBytes(data);
				long at = random.nextInt(20_000);
				try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
					c.write(ByteBuffer.wrap(data), at);
				}
				try (FileHandle h = mount.open(fs(model, file), EnumSet.of(OpenFlag.READ, OpenFlag.WRITE))) {
					h.write(ByteBuffer.wrap(data), at);
				}
			}
			case 2 -> {
				long size = random.nextInt(10_000);
				try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
					f.setLength(size);
				}
				mount.truncate(fs(model, file), size);
			}
			case 3 -> {
				Files.delete(file);
				mount.unlink(fs(model, file));
			}
			case 4 -> {
				// mkdir(2) with 0755 on both (no umask takes from it): in modes/setgid both inherit group and setgid
				Files.createDirectory(fresh, PosixFilePermissions.asFileAttribute(
						PosixFilePermissions.fromString("rwxr-xr-x")));
				mount.mkdir(fs(model, fresh), 0755, Caller.PROCESS);
			}
			case 5 -> {
				Files.move(file, fresh);
				mount.rename(fs(model, file), fs(model, fresh), RenameMode.NOREPLACE);
			}
			case 6 -> {
				Files.createSymbolicLink(fresh, Path.of("target-" + i));
				mount.symlink(fs(model, fresh), "target-" + i, Caller.PROCESS);
			}
			case 7 -> {
				boolean group = random.nextBoolean();
				Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(group ? "rw-r-----" : "rwx------"));
				mount.setattr(fs(model, file), AttributeChange.mode(group ? 0640 : 0700));
			}
			default -> {
				byte[] value = new byte[1 + random.nextInt(30)];
				random.nextBytes(value);
				Files.getFileAttributeView(file, UserDefinedFileAttributeView.class).write("k", ByteBuffer.wrap(value));
				mount.setxattr(fs(model, file), "user.k", value, XattrMode.SET);
			}
		}
	}

	private static FsPath fs(Path model, Path p) throws Exception {
		return FsPath.of(model.relativize(p).toString());
	}

	private static void compare(Path dir, Mount mount, FsPath at) throws Exception {
		Set<String> want = new TreeSet<>();
		try (Stream<Path> s = Files.list(dir)) {
			s.forEach(p -> want.add(p.getFileName().toString()));
		}
		Set<String> got = new TreeSet<>();
		for (DirEntry e : mount.list(at)) {
			got.add(e.name());
		}
		got.remove("lost+found");
		assertEquals(want, got, "names in " + at);
		for (String name : want) {
			Path p = dir.resolve(name);
			FsPath fp = at.resolve(name);
			Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size", LinkOption.NOFOLLOW_LINKS);
			FileAttributes b = mount.stat(fp);
			assertEquals((Integer) a.get("mode") & 0177777, b.stMode(), fp + " mode");
			assertEquals(a.get("uid"), b.uid(), fp + " uid");
			assertEquals(a.get("gid"), b.gid(), fp + " gid");
			if (b.isRegularFile()) {
				assertEquals(a.get("size"), b.size(), fp + " size");
				ByteBuffer data = ByteBuffer.allocate((int) b.size());
				try (FileData d = mount.open(fp, EnumSet.of(OpenFlag.READ))) {
					while (data.hasRemaining() && d.read(data, data.position()) > 0) {
						// reads until full
					}
				}
				assertArrayEquals(Files.readAllBytes(p), data.array(), fp + " data");
				UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
				Set<String> names = new TreeSet<>();
				for (String n : view.list()) {
					names.add("user." + n);
				}
				assertEquals(names, new TreeSet<>(mount.listxattr(fp).stream().filter(n -> n.startsWith("user."))
						.toList()), fp + " xattrs");
			} else if (b.isSymlink()) {
				assertEquals(Files.readSymbolicLink(p).toString(), mount.readlink(fp), fp + " target");
			} else if (b.isDirectory()) {
				compare(p, mount, fp);
			}
		}
	}
}
