package org.mapfs.frontend.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessMode;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.spi.FileSystemProvider;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.Caller;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.core.MountBuilder;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/** What only MapFS has: the provider's discovery and env maps, closing, read-only mounts, the mapfs view. */
class MapFsProviderTest {
	private static final AtomicInteger NAMES = new AtomicInteger();
	@TempDir
	Path tmp;
	private Path repo;
	private String repoHash;

	@BeforeEach
	void repository() throws IOException {
		repo = Files.createDirectory(tmp.resolve("repo"));
		TestTree.create(repo);
		repoHash = TestTree.hash(repo);
	}

	@AfterEach
	void repositoryIsUnchanged() throws IOException {
		assertEquals(repoHash, TestTree.hash(repo));
	}

	private static URI uri(String prefix) {
		return URI.create("mapfs://" + prefix + "-" + NAMES.incrementAndGet() + "/");
	}

	private Map<String, String> folders(String overlay) throws IOException {
		Path upper = Files.createDirectories(tmp.resolve(overlay));
		return Map.of("lowerdir", repo.toString(), "upperdir", upper.toString(), "workdir",
				tmp.resolve(overlay + "-work").toString());
	}

	@Test
	void theJdkFindsTheProviderAndItBuildsMountsFromFolders() throws IOException {
		assertTrue(FileSystemProvider.installedProviders().stream().anyMatch(p -> p instanceof MapFsProvider));
		URI uri = uri("env");
		try (FileSystem fs = FileSystems.newFileSystem(uri, folders("upper"))) {
			assertSame(fs, FileSystems.getFileSystem(uri));
			Path a = Paths.get(uri.resolve("/a.txt"));
			assertSame(fs, a.getFileSystem());
			assertEquals("alpha\n", Files.readString(a));
			Files.writeString(a, "changed");
			assertEquals("changed", Files.readString(tmp.resolve("upper/a.txt")), "the overlay holds the copy");
			assertThrows(FileSystemAlreadyExistsException.class, () -> FileSystems.newFileSystem(uri, Map.of()));
			assertEquals(Files.getFileStore(tmp).getTotalSpace(), Files.getFileStore(a).getTotalSpace());
			assertEquals("mapfs", Files.getFileStore(a).type());
		}
		assertThrows(FileSystemNotFoundException.class, () -> FileSystems.getFileSystem(uri));
		try (FileSystem again = FileSystems.newFileSystem(uri, folders("upper"))) {
			assertEquals("changed", Files.readString(again.getPath("/a.txt")), "the overlay is kept");
		}
	}

	@Test
	void refusesBadEnvMaps() {
		assertThrows(IllegalArgumentException.class, () -> FileSystems.newFileSystem(uri("bad"), Map.of()));
		assertThrows(IllegalArgumentException.class,
				() -> FileSystems.newFileSystem(uri("bad"), Map.of("lowerdir", repo.toString(), "colour", "red")));
		assertThrows(IllegalArgumentException.class, () -> FileSystems.newFileSystem(uri("bad"),
				Map.of("lowerdir", repo.toString(), "upperdir", tmp.toString())));
		assertThrows(IllegalArgumentException.class,
				() -> FileSystems.newFileSystem(uri("bad"), Map.of("mount", "not a mount")));
		assertThrows(IllegalArgumentException.class,
				() -> FileSystems.newFileSystem(URI.create("mapfs:///"), Map.of("lowerdir", repo.toString())));
		assertThrows(IOException.class, () -> FileSystems.newFileSystem(uri("bad"),
				Map.of("lowerdir", tmp.resolve("missing").toString())));
	}

	@Test
	void aMountWithoutOverlayIsReadOnly() throws IOException {
		try (FileSystem fs = FileSystems.newFileSystem(uri("ro"), Map.of("lowerdir", repo.toString()))) {
			assertTrue(fs.isReadOnly());
			assertTrue(Files.getFileStore(fs.getPath("/")).isReadOnly());
			assertEquals("alpha\n", Files.readString(fs.getPath("/a.txt")));
			assertThrows(ReadOnlyFileSystemException.class, () -> Files.writeString(fs.getPath("/a.txt"), "x"));
			assertThrows(ReadOnlyFileSystemException.class, () -> Files.createDirectory(fs.getPath("/d")));
			assertThrows(ReadOnlyFileSystemException.class, () -> Files.delete(fs.getPath("/a.txt")));
			assertThrows(ReadOnlyFileSystemException.class,
					() -> Files.setPosixFilePermissions(fs.getPath("/a.txt"), PosixFilePermissions.fromString("rwx------")));
			assertThrows(ReadOnlyFileSystemException.class,
					() -> fs.provider().checkAccess(fs.getPath("/a.txt"), AccessMode.WRITE));
			fs.provider().checkAccess(fs.getPath("/a.txt"), AccessMode.READ);
		}
	}

	@Test
	void closingEndsEverythingOpenedThroughIt() throws Exception {
		FileSystem fs = FileSystems.newFileSystem(uri("closing"), folders("upper"));
		Path a = fs.getPath("/a.txt");
		FileChannel ch = FileChannel.open(a);
		DirectoryStream<Path> dir = Files.newDirectoryStream(fs.getPath("/"));
		WatchService ws = fs.newWatchService();
		fs.close();
		assertFalse(fs.isOpen());
		assertFalse(ch.isOpen());
		assertThrows(ClosedChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
		assertThrows(IllegalStateException.class, dir::iterator);
		assertThrows(ClosedWatchServiceException.class, ws::poll);
		assertThrows(ClosedFileSystemException.class, () -> Files.readString(a));
		assertThrows(ClosedFileSystemException.class, () -> Files.exists(a));
		assertThrows(ClosedFileSystemException.class, () -> Files.newDirectoryStream(fs.getPath("/")));
		assertThrows(ClosedFileSystemException.class, () -> Files.getFileStore(a));
		assertThrows(ClosedFileSystemException.class, fs::newWatchService);
		assertEquals("/a.txt/b", a.resolve("b").toString(), "paths stay usable as names");
		fs.close();
	}

	private Mount mount(String name, LocalStore upper, LocalStore lower) throws IOException {
		return MountBuilder.named(name).overlay(upper, FsPath.ROOT).layer(lower, FsPath.ROOT, FsPath.ROOT)
				.policy(new ClassicPolicy(), Map.of()).build();
	}

	@Test
	void theMapfsViewTellsWhereAnEntryLives() throws IOException {
		try (FileSystem fs = FileSystems.newFileSystem(uri("view"), folders("upper"))) {
			Path a = fs.getPath("/a.txt");
			Map<String, Object> before = Files.readAttributes(a, "mapfs:*");
			assertEquals(java.util.Set.of("layer", "placement", "copiedUp", "metadataOnly"), before.keySet());
			assertEquals("REPOSITORY", before.get("placement"));
			assertEquals(false, before.get("copiedUp"));
			assertNotNull(before.get("layer"));
			Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("rw-------"));
			assertEquals("METADATA_COPY", Files.getAttribute(a, "mapfs:placement"));
			assertEquals(true, Files.getAttribute(a, "mapfs:metadataOnly"));
			assertEquals(true, Files.getAttribute(a, "mapfs:copiedUp"));
			Files.writeString(a, "private");
			assertEquals(Map.of("placement", "OVERLAY", "metadataOnly", false),
					Files.readAttributes(a, "mapfs:placement,metadataOnly"));
			Files.writeString(fs.getPath("/sub/c.txt"), "private");
			assertEquals(true, Files.getAttribute(fs.getPath("/sub"), "mapfs:copiedUp"),
					"a parent of a copy-up is copied up");
			assertEquals("REPOSITORY", Files.getAttribute(fs.getPath("/sub/deep"), "mapfs:placement"));
			assertEquals("REPOSITORY", Files.getAttribute(fs.getPath("/link-a"), "mapfs:placement",
					java.nio.file.LinkOption.NOFOLLOW_LINKS));
			assertEquals("OVERLAY", Files.getAttribute(fs.getPath("/link-a"), "mapfs:placement"));
			assertThrows(IllegalArgumentException.class, () -> Files.setAttribute(a, "mapfs:placement", "X"));
		}
	}

	@Test
	void copiesWithinAMountThroughMountCopy() throws Exception {
		try (LocalStore upper = LocalStore.open("upper", Files.createDirectory(tmp.resolve("u")), tmp.resolve("w"),
				false); LocalStore lower = LocalStore.open("repo", repo, null, true)) {
			Mount real = mount("counted", upper, lower);
			AtomicInteger copies = new AtomicInteger();
			Mount counted = (Mount) Proxy.newProxyInstance(Mount.class.getClassLoader(), new Class<?>[] { Mount.class },
					(proxy, method, args) -> {
						if (method.getName().equals("copy")) {
							copies.incrementAndGet();
						}
						try {
							return method.invoke(real, args);
						} catch (InvocationTargetException e) {
							throw e.getCause();
						}
					});
			try (FileSystem fs = FileSystems.newFileSystem(uri("counted"), Map.of("mount", counted))) {
				Files.copy(fs.getPath("/b.bin"), fs.getPath("/sub/b2"));
				assertEquals(1, copies.get());
				assertEquals(TestTree.sha(TestTree.BINARY), TestTree.sha(Files.readAllBytes(fs.getPath("/sub/b2"))));
				assertEquals("rw-------",
						PosixFilePermissions.toString(Files.getPosixFilePermissions(fs.getPath("/sub/b2"))));
			}
		}
	}

	@Test
	void copiesAndMovesBetweenMounts() throws IOException {
		try (FileSystem one = FileSystems.newFileSystem(uri("one"), folders("u1"));
				FileSystem two = FileSystems.newFileSystem(uri("two"), folders("u2"))) {
			Files.copy(one.getPath("/xattr.txt"), two.getPath("/copied"), StandardCopyOption.COPY_ATTRIBUTES);
			assertEquals("with attributes\n", Files.readString(two.getPath("/copied")));
			assertEquals(TestTree.MTIME, Files.getLastModifiedTime(two.getPath("/copied")));
			assertTrue(Files.readAttributes(two.getPath("/copied"), "user:*").containsKey("color"));
			assertThrows(AtomicMoveNotSupportedException.class, () -> Files.move(one.getPath("/a.txt"),
					two.getPath("/moved"), StandardCopyOption.ATOMIC_MOVE));
			Files.move(one.getPath("/exec.sh"), two.getPath("/moved"));
			assertFalse(Files.exists(one.getPath("/exec.sh")));
			assertEquals("rwxr-xr-x",
					PosixFilePermissions.toString(Files.getPosixFilePermissions(two.getPath("/moved"))));
			Files.move(one.getPath("/link-a"), two.getPath("/link"));
			assertEquals("a.txt", Files.readSymbolicLink(two.getPath("/link")).toString());
			assertThrows(java.nio.file.FileSystemException.class,
					() -> Files.createLink(two.getPath("/l"), one.getPath("/a.txt")));
		}
	}

	@Test
	void watchServicesSeeChangesMadeBesideTheFileSystem() throws Exception {
		try (LocalStore upper = LocalStore.open("upper", Files.createDirectory(tmp.resolve("u")), tmp.resolve("w"),
				false); LocalStore lower = LocalStore.open("repo", repo, null, true)) {
			Mount mount = mount("beside", upper, lower);
			try (FileSystem fs = FileSystems.newFileSystem(uri("beside"), Map.of("mount", mount));
					WatchService ws = fs.newWatchService()) {
				fs.getPath("/sub").register(ws, StandardWatchEventKinds.ENTRY_CREATE);
				mount.create(FsPath.of("sub/direct"), 0644, Caller.PROCESS, true).close();
				WatchKey key = ws.poll(MapFsWatchService.POLL_MILLIS * 5, TimeUnit.MILLISECONDS);
				assertNotNull(key, "the poll finds a change made through the mount itself");
				assertEquals("direct", key.pollEvents().get(0).context().toString());
			}
		}
	}
}
