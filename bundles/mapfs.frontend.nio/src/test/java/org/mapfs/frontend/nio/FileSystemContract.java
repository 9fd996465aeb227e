package org.mapfs.frontend.nio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.DELETE_ON_CLOSE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What java.nio code may rely on, run against MapFS and against the JDK's default provider over the same
 * repository tree ({@link TestTree}): the same results, the same exception types (MapFS may throw a subclass where
 * the JDK throws a bare FileSystemException) naming the same file, the same attributes.
 */
abstract class FileSystemContract {
	/** The root of the tree under test: a mount's root, or a plain folder holding a copy of the repository. */
	abstract Path root();

	abstract boolean isMapFs();

	Path p(String relative) {
		return root().resolve(relative);
	}

	/**
	 * Fails with {@code type}; on MapFS a subclass is as good where the JDK throws a bare FileSystemException or
	 * IOException (MapFS says NotDirectoryException for ENOTDIR and FileSystemLoopException for ELOOP).
	 */
	<T extends Throwable> T fails(Class<T> type, Executable action) {
		Throwable t = assertThrows(Throwable.class, action);
		if (isMapFs() && (type == FileSystemException.class || type == IOException.class)) {
			assertInstanceOf(type, t);
		} else {
			assertEquals(type, t.getClass(), () -> "threw " + t);
		}
		return type.cast(t);
	}

	/** Fails with {@code type} naming {@code file} as the JDK does. */
	<T extends FileSystemException> void fails(Class<T> type, Path file, Executable action) {
		assertEquals(file.toString(), fails(type, action).getFile());
	}

	static Set<String> set(String... s) {
		return Set.of(s);
	}

	// ---- reading

	@Test
	void readsFilesDirectlyAndThroughLinks() throws IOException {
		assertEquals("alpha\n", Files.readString(p("a.txt")));
		assertArrayEquals(TestTree.BINARY, Files.readAllBytes(p("b.bin")));
		assertEquals("delta\n", Files.readString(p("sub/deep/d.txt")));
		assertEquals("alpha\n", Files.readString(p("link-a")));
		assertEquals("charlie\n", Files.readString(p("link-sub/c.txt")));
		assertEquals("alpha\n", Files.readString(p("sub/up")));
		assertEquals("delta\n", Files.readString(p("link-sub/../sub/deep/./d.txt")));
		assertEquals("alpha\n", Files.readString(p("link-sub/deep/../../a.txt")));
		assertEquals("same inode\n", Files.readString(p("hard2")));
	}

	@Test
	void listsDirectories() throws IOException {
		assertEquals(List.of(".hidden", "a.txt", "b.bin", "dangling", "empty", "exec.sh", "hard1", "hard2", "link-a",
				"link-sub", "loop1", "loop2", "ro.txt", "sub", "xattr.txt"), TestTree.names(root()));
		assertEquals(List.of("c.txt", "deep", "up"), TestTree.names(p("link-sub")));
		assertEquals(List.of(), TestTree.names(p("empty")));
		try (Stream<Path> walk = Files.walk(root())) {
			assertEquals(20, walk.count());
		}
	}

	@Test
	void directoryStreamsFilterByGlobAndFilter() throws IOException {
		Set<String> txt = new HashSet<>();
		try (DirectoryStream<Path> s = Files.newDirectoryStream(root(), "*.{txt,sh}")) {
			s.forEach(x -> txt.add(x.getFileName().toString()));
		}
		assertEquals(set("a.txt", "exec.sh", "ro.txt", "xattr.txt"), txt);
		Set<String> dirs = new HashSet<>();
		try (DirectoryStream<Path> s = Files.newDirectoryStream(root(), Files::isDirectory)) {
			for (Path x : s) {
				assertEquals(root(), x.getParent());
				dirs.add(x.getFileName().toString());
			}
		}
		assertEquals(set("empty", "link-sub", "sub"), dirs);
		PathMatcher m = root().getFileSystem().getPathMatcher("glob:**/deep/*.txt");
		assertTrue(m.matches(p("sub/deep/d.txt")));
		assertFalse(m.matches(p("sub/c.txt")));
		assertTrue(root().getFileSystem().getPathMatcher("regex:.*\\.bin").matches(p("b.bin")));
	}

	@Test
	void directoryStreamIteratesOnce() throws IOException {
		DirectoryStream<Path> s = Files.newDirectoryStream(p("sub"));
		assertInstanceOf(SecureDirectoryStream.class, s);
		Iterator<Path> it = s.iterator();
		fails(IllegalStateException.class, s::iterator);
		s.close();
		assertFalse(it.hasNext());
		fails(IllegalStateException.class, s::iterator);
	}

	@Test
	void errorsHaveTheJdkTypesAndNameThePath() throws IOException {
		fails(NoSuchFileException.class, p("missing"), () -> Files.readAllBytes(p("missing")));
		fails(NoSuchFileException.class, p("missing/x"), () -> Files.readAllBytes(p("missing/x")));
		fails(NotDirectoryException.class, p("a.txt"), () -> Files.newDirectoryStream(p("a.txt")).close());
		fails(FileSystemException.class, p("a.txt/x"), () -> Files.readAllBytes(p("a.txt/x")));
		fails(FileAlreadyExistsException.class, p("sub"), () -> Files.createDirectory(p("sub")));
		fails(NoSuchFileException.class, p("missing/new"), () -> Files.createDirectory(p("missing/new")));
		fails(DirectoryNotEmptyException.class, p("sub"), () -> Files.delete(p("sub")));
		fails(NoSuchFileException.class, p("missing"), () -> Files.delete(p("missing")));
		fails(NotLinkException.class, p("a.txt"), () -> Files.readSymbolicLink(p("a.txt")));
		fails(FileSystemException.class, p("loop1"), () -> Files.readAllBytes(p("loop1")));
		fails(NoSuchFileException.class, p("dangling"), () -> Files.readAllBytes(p("dangling")));
		fails(FileSystemException.class, p("sub"), () -> Files.newOutputStream(p("sub")).close());
		assertEquals("Is a directory", fails(IOException.class, () -> Files.readAllBytes(p("sub"))).getMessage());
	}

	// ---- channels

	@Test
	void writesReadsAndTruncatesThroughAChannel() throws IOException {
		Path f = p("sub/new.txt");
		try (FileChannel ch = FileChannel.open(f, CREATE_NEW, WRITE, READ)) {
			assertEquals(10, ch.write(UTF_8.encode("0123456789")));
			assertEquals(10, ch.position());
			assertEquals(10, ch.size());
			ch.position(2);
			ByteBuffer b = ByteBuffer.allocate(3);
			assertEquals(3, ch.read(b));
			assertEquals("234", new String(b.array(), UTF_8));
			assertEquals(5, ch.position());
			assertEquals(2, ch.write(UTF_8.encode("ab"), 20));
			assertEquals(22, ch.size());
			assertEquals(5, ch.position());
			ch.position(30);
			assertEquals(-1, ch.read(ByteBuffer.allocate(1)));
			ch.truncate(4);
			assertEquals(4, ch.size());
			assertEquals(4, ch.position());
			ch.truncate(100);
			assertEquals(4, ch.size());
			ch.force(true);
		}
		assertEquals("0123", Files.readString(f));
		fails(FileAlreadyExistsException.class, f, () -> Files.newByteChannel(f, CREATE_NEW, WRITE).close());
		fails(IllegalArgumentException.class, () -> FileChannel.open(f, WRITE).truncate(-1));
	}

	@Test
	void overwritesARepositoryFile() throws IOException {
		try (SeekableByteChannel ch = Files.newByteChannel(p("a.txt"), WRITE)) {
			ch.position(1);
			ch.write(UTF_8.encode("LP"));
		}
		assertEquals("aLPha\n", Files.readString(p("a.txt")));
		assertEquals("aLPha\n", Files.readString(p("link-a")));
		Files.writeString(p("sub/c.txt"), "new");
		assertEquals("new", Files.readString(p("sub/c.txt")));
		Files.write(p("b.bin"), new byte[0], TRUNCATE_EXISTING, WRITE);
		assertEquals(0, Files.size(p("b.bin")));
	}

	@Test
	void createsFilesWithTheUmaskApplied() throws IOException {
		Files.createFile(p("plain"));
		assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p("plain"))));
		Files.createFile(p("all"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
		assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(p("all"))));
		Files.createDirectory(p("dir"));
		assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(p("dir"))));
		Files.writeString(p("dangling"), "through the link");
		assertEquals("through the link", Files.readString(p("nowhere")));
		fails(UnsupportedOperationException.class, () -> Files.createFile(p("x"),
				new java.nio.file.attribute.FileAttribute<String>() {
					@Override
					public String name() {
						return "basic:lastModifiedTime";
					}

					@Override
					public String value() {
						return "";
					}
				}));
	}

	@Test
	void appendsAtTheEnd() throws IOException {
		try (FileChannel ch = FileChannel.open(p("a.txt"), APPEND)) {
			assertEquals(6, ch.position());
			ch.position(0);
			ch.write(UTF_8.encode("beta\n"));
			assertEquals(11, ch.position());
			assertThrows(NonReadableChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
		}
		Files.writeString(p("a.txt"), "gamma\n", APPEND);
		assertEquals("alpha\nbeta\ngamma\n", Files.readString(p("a.txt")));
		Files.writeString(p("fresh"), "x", CREATE, APPEND);
		assertEquals("x", Files.readString(p("fresh")));
		fails(IllegalArgumentException.class, () -> Files.newByteChannel(p("a.txt"), READ, APPEND));
		fails(IllegalArgumentException.class, () -> Files.newByteChannel(p("a.txt"), TRUNCATE_EXISTING, APPEND));
	}

	@Test
	void channelsKeepToTheirMode() throws IOException {
		FileChannel r = FileChannel.open(p("a.txt"), READ);
		fails(NonWritableChannelException.class, () -> r.write(ByteBuffer.allocate(1)));
		fails(NonWritableChannelException.class, () -> r.truncate(0));
		ByteBuffer b = ByteBuffer.allocate(3);
		assertEquals(3, r.read(b, 2));
		assertEquals("pha", new String(b.array(), UTF_8));
		assertEquals(0, r.position());
		r.close();
		fails(ClosedChannelException.class, () -> r.read(ByteBuffer.allocate(1)));
		fails(ClosedChannelException.class, r::size);
		try (FileChannel w = FileChannel.open(p("sub/w"), CREATE, WRITE)) {
			fails(NonReadableChannelException.class, () -> w.read(ByteBuffer.allocate(1)));
			try (FileChannel in = FileChannel.open(p("b.bin"))) {
				assertEquals(TestTree.BINARY.length, w.transferFrom(in, 0, Long.MAX_VALUE));
				assertEquals(0, w.position());
				assertEquals(100, in.transferTo(9_900, 1000, w));
			}
		}
		byte[] got = Files.readAllBytes(p("sub/w"));
		assertEquals(TestTree.BINARY.length, got.length);
		assertEquals(TestTree.BINARY[9_999], got[99]);
		assertEquals(TestTree.BINARY[100], got[100]);
	}

	@Test
	void locksOverlapAsInTheJdk() throws IOException {
		try (FileChannel a = FileChannel.open(p("a.txt"), READ, WRITE);
				FileChannel b = FileChannel.open(p("link-a"), READ, WRITE);
				FileChannel ro = FileChannel.open(p("a.txt"), READ)) {
			FileLock l = a.lock(0, 3, false);
			assertTrue(l.isValid());
			assertFalse(l.isShared());
			fails(OverlappingFileLockException.class, () -> b.tryLock(2, 5, true));
			fails(OverlappingFileLockException.class, () -> a.lock(0, 1, false));
			FileLock other = b.tryLock(3, 3, false);
			assertNotNull(other);
			fails(NonWritableChannelException.class, () -> ro.lock(10, 1, false));
			l.release();
			assertFalse(l.isValid());
			FileLock shared = ro.lock(0, 3, true);
			assertTrue(shared.isShared());
			b.close();
			assertFalse(other.isValid());
			fails(ClosedChannelException.class, other::release);
			fails(IllegalArgumentException.class, () -> a.lock(-1, 1, false));
		}
		try (FileChannel w = FileChannel.open(p("sub/c.txt"), WRITE)) {
			fails(NonReadableChannelException.class, () -> w.lock(0, 1, true));
			assertTrue(w.lock().isValid());
		}
	}

	/** The JDK on Linux removes the name at once; the open channel keeps the file. */
	@Test
	void deletesOnClose() throws IOException {
		try (SeekableByteChannel ch = Files.newByteChannel(p("temp"), CREATE_NEW, READ, WRITE, DELETE_ON_CLOSE)) {
			assertFalse(Files.exists(p("temp")));
			ch.write(UTF_8.encode("xyz"));
			ByteBuffer b = ByteBuffer.allocate(3);
			ch.position(0).read(b);
			assertEquals("xyz", new String(b.array(), UTF_8));
		}
		assertFalse(Files.exists(p("temp")));
		try (SeekableByteChannel ch = Files.newByteChannel(p("ro.txt"), READ, DELETE_ON_CLOSE)) {
			assertEquals(10, ch.size());
		}
		assertFalse(Files.exists(p("ro.txt")));
	}

	@Test
	void openingWithNofollowRefusesALink() {
		fails(IOException.class, () -> Files.newByteChannel(p("link-a"), READ, NOFOLLOW_LINKS));
	}

	// ---- namespace

	@Test
	void makesSymbolicAndHardLinks() throws IOException {
		Files.createSymbolicLink(p("sub/to-b"), root().getFileSystem().getPath("../b.bin"));
		assertEquals(root().getFileSystem().getPath("../b.bin"), Files.readSymbolicLink(p("sub/to-b")));
		assertArrayEquals(TestTree.BINARY, Files.readAllBytes(p("sub/to-b")));
		assertTrue(Files.isSymbolicLink(p("sub/to-b")));
		assertFalse(Files.exists(p("dangling")));
		assertTrue(Files.exists(p("dangling"), NOFOLLOW_LINKS));
		Files.createLink(p("sub/a2"), p("a.txt"));
		assertEquals(2, Files.getAttribute(p("a.txt"), "unix:nlink"));
		assertTrue(Files.isSameFile(p("sub/a2"), p("link-a")));
		Files.writeString(p("sub/a2"), "through a2");
		assertEquals("through a2", Files.readString(p("a.txt")));
		Files.createLink(p("link-copy"), p("link-a"));
		assertTrue(Files.isSymbolicLink(p("link-copy")));
		fails(FileAlreadyExistsException.class, p("a.txt"), () -> Files.createSymbolicLink(p("a.txt"), p("b.bin")));
		fails(FileAlreadyExistsException.class, p("a.txt"), () -> Files.createLink(p("a.txt"), p("b.bin")));
		fails(UnsupportedOperationException.class, () -> Files.createSymbolicLink(p("l"), p("a.txt"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx"))));
	}

	/** The names of one inode stay one file when it changes through one of them or one of them goes. */
	@Test
	void hardLinksStayOneFile() throws IOException {
		Files.writeString(p("hard1"), "changed\n");
		assertEquals("changed\n", Files.readString(p("hard2")));
		assertEquals(2, Files.getAttribute(p("hard2"), "unix:nlink"));
		assertTrue(Files.isSameFile(p("hard1"), p("hard2")));
		Files.delete(p("hard1"));
		assertEquals(1, Files.getAttribute(p("hard2"), "unix:nlink"));
	}

	@Test
	void deletes() throws IOException {
		Files.delete(p("a.txt"));
		assertFalse(Files.exists(p("a.txt")));
		assertFalse(TestTree.names(root()).contains("a.txt"));
		assertFalse(Files.exists(p("link-a")));
		Files.writeString(p("a.txt"), "again");
		assertEquals("again", Files.readString(p("link-a")));
		Files.delete(p("link-sub"));
		assertTrue(Files.isDirectory(p("sub")));
		Files.delete(p("sub/deep/d.txt"));
		Files.delete(p("sub/deep"));
		assertEquals(List.of("c.txt", "up"), TestTree.names(p("sub")));
		Files.delete(p("empty"));
		Files.createDirectory(p("empty"));
		assertEquals(List.of(), TestTree.names(p("empty")));
		assertTrue(Files.deleteIfExists(p("hard1")));
		assertFalse(Files.deleteIfExists(p("hard1")));
		assertEquals("same inode\n", Files.readString(p("hard2")));
	}

	@Test
	void copiesFiles() throws IOException {
		Files.copy(p("exec.sh"), p("sub/exec2"));
		assertEquals(Files.readString(p("exec.sh")), Files.readString(p("sub/exec2")));
		assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(p("sub/exec2"))));
		assertNotEquals(TestTree.MTIME, Files.getLastModifiedTime(p("sub/exec2")));
		fails(FileAlreadyExistsException.class, p("sub/exec2"), () -> Files.copy(p("a.txt"), p("sub/exec2")));
		Files.copy(p("a.txt"), p("sub/exec2"), StandardCopyOption.REPLACE_EXISTING);
		assertEquals("alpha\n", Files.readString(p("sub/exec2")));
		assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p("sub/exec2"))));
		Files.copy(p("xattr.txt"), p("x2"), StandardCopyOption.COPY_ATTRIBUTES);
		assertEquals(TestTree.MTIME, Files.getLastModifiedTime(p("x2")));
		assertArrayEquals("blue".getBytes(UTF_8), (byte[]) Files.getAttribute(p("x2"), "user:color"));
		Files.copy(p("ro.txt"), p("ro2"));
		assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p("ro2"))));
		Files.copy(p("a.txt"), p("link-a"), StandardCopyOption.REPLACE_EXISTING);
		assertFalse(Files.isSymbolicLink(p("link-a")));
		Files.copy(p("a.txt"), p("a.txt"));
		Files.copy(p("hard1"), p("hard2"), StandardCopyOption.REPLACE_EXISTING);
		assertEquals(2, Files.getAttribute(p("hard2"), "unix:nlink"));
		fails(UnsupportedOperationException.class, () -> Files.copy(p("a.txt"), p("z"), StandardCopyOption.ATOMIC_MOVE));
		fails(NoSuchFileException.class, p("missing"), () -> Files.copy(p("missing"), p("z")));
	}

	@Test
	void copiesDirectoriesAndLinks() throws IOException {
		Files.copy(p("sub"), p("sub2"), StandardCopyOption.COPY_ATTRIBUTES);
		assertEquals(List.of(), TestTree.names(p("sub2")));
		assertEquals(TestTree.MTIME, Files.getLastModifiedTime(p("sub2")));
		Files.copy(p("empty"), p("empty2"));
		assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p("empty2"))));
		Files.copy(p("link-a"), p("la2"), NOFOLLOW_LINKS);
		assertEquals(root().getFileSystem().getPath("a.txt"), Files.readSymbolicLink(p("la2")));
		Files.copy(p("link-a"), p("la3"));
		assertFalse(Files.isSymbolicLink(p("la3")));
		assertEquals("alpha\n", Files.readString(p("la3")));
		fails(DirectoryNotEmptyException.class, p("sub"),
				() -> Files.copy(p("a.txt"), p("sub"), StandardCopyOption.REPLACE_EXISTING));
		Files.copy(p("a.txt"), p("empty"), StandardCopyOption.REPLACE_EXISTING);
		assertTrue(Files.isRegularFile(p("empty")));
	}

	@Test
	void movesWithinTheFileSystem() throws IOException {
		Files.move(p("a.txt"), p("sub/a-moved"));
		assertFalse(Files.exists(p("a.txt")));
		assertEquals("alpha\n", Files.readString(p("sub/a-moved")));
		assertEquals(TestTree.MTIME, Files.getLastModifiedTime(p("sub/a-moved")));
		Files.move(p("sub"), p("sub-moved"));
		assertEquals("delta\n", Files.readString(p("sub-moved/deep/d.txt")));
		assertFalse(Files.exists(p("sub")));
		assertFalse(Files.exists(p("link-sub/c.txt")));
		fails(FileAlreadyExistsException.class, p("ro.txt"), () -> Files.move(p("b.bin"), p("ro.txt")));
		Files.move(p("b.bin"), p("ro.txt"), StandardCopyOption.REPLACE_EXISTING);
		assertArrayEquals(TestTree.BINARY, Files.readAllBytes(p("ro.txt")));
		Files.move(p("exec.sh"), p("hard1"), StandardCopyOption.ATOMIC_MOVE);
		assertEquals("same inode\n", Files.readString(p("hard2")));
		assertEquals("#!/bin/sh\necho hi\n", Files.readString(p("hard1")));
		Files.move(p("hard2"), p("hard2"));
		Files.move(p("link-sub"), p("link-moved"));
		assertTrue(Files.isSymbolicLink(p("link-moved")));
		fails(UnsupportedOperationException.class,
				() -> Files.move(p("hard2"), p("z"), StandardCopyOption.COPY_ATTRIBUTES));
		fails(DirectoryNotEmptyException.class, p("sub-moved"),
				() -> Files.move(p("empty"), p("sub-moved"), StandardCopyOption.REPLACE_EXISTING));
		fails(FileSystemException.class, () -> Files.move(p("sub-moved"), p("sub-moved/deep/inside")));
	}

	@Test
	void resolvesRealPaths() throws IOException {
		assertEquals(p("sub/c.txt").toRealPath(), p("link-sub/c.txt").toRealPath());
		assertEquals(root().toRealPath().resolve("a.txt"), p("sub/up").toRealPath());
		assertEquals(root().toRealPath().resolve("link-sub"), p("link-sub").toRealPath(NOFOLLOW_LINKS));
		fails(NoSuchFileException.class, () -> p("missing").toRealPath());
		fails(FileSystemException.class, () -> p("loop1").toRealPath());
	}

	// ---- attributes

	@Test
	void readsBasicAttributes() throws IOException {
		BasicFileAttributes a = Files.readAttributes(p("b.bin"), BasicFileAttributes.class);
		assertEquals(10_000, a.size());
		assertTrue(a.isRegularFile());
		assertFalse(a.isDirectory() || a.isSymbolicLink() || a.isOther());
		assertEquals(TestTree.MTIME, a.lastModifiedTime());
		assertEquals(TestTree.ATIME, a.lastAccessTime());
		// the JDK reports the birth time where statx gives one; MapFS keeps none and reports mtime as the JDK did
		assertNotNull(a.creationTime());
		assertNotNull(a.fileKey());
		assertEquals(a.fileKey(), Files.readAttributes(p("link-sub/../b.bin"), BasicFileAttributes.class).fileKey());
		assertTrue(Files.readAttributes(p("link-sub"), BasicFileAttributes.class).isDirectory());
		assertTrue(Files.readAttributes(p("link-sub"), BasicFileAttributes.class, NOFOLLOW_LINKS).isSymbolicLink());
		Map<String, Object> all = Files.readAttributes(p("a.txt"), "*");
		assertEquals(set("lastModifiedTime", "lastAccessTime", "creationTime", "size", "isRegularFile", "isDirectory",
				"isSymbolicLink", "isOther", "fileKey"), all.keySet());
		assertEquals(6L, all.get("size"));
		assertEquals(Map.of("size", 6L, "isDirectory", false), Files.readAttributes(p("a.txt"), "size,isDirectory"));
		fails(IllegalArgumentException.class, () -> Files.readAttributes(p("a.txt"), "size,nonsense"));
		fails(UnsupportedOperationException.class, () -> Files.readAttributes(p("a.txt"), "nonsense:*"));
		fails(NoSuchFileException.class, p("missing"),
				() -> Files.readAttributes(p("missing"), BasicFileAttributes.class));
	}

	@Test
	void readsAndSetsPosixAndOwnerAttributes() throws IOException {
		PosixFileAttributes a = Files.readAttributes(p("exec.sh"), PosixFileAttributes.class);
		assertEquals("rwxr-xr-x", PosixFilePermissions.toString(a.permissions()));
		assertEquals("root", a.owner().getName());
		assertEquals("root", a.group().getName());
		assertEquals(a.owner(), Files.getOwner(p("exec.sh")));
		assertEquals(set("lastModifiedTime", "lastAccessTime", "creationTime", "size", "isRegularFile", "isDirectory",
				"isSymbolicLink", "isOther", "fileKey", "permissions", "owner", "group"),
				Files.readAttributes(p("a.txt"), "posix:*").keySet());
		assertEquals(set("owner"), Files.readAttributes(p("a.txt"), "owner:*").keySet());
		PosixFileAttributeView v = Files.getFileAttributeView(p("a.txt"), PosixFileAttributeView.class);
		assertEquals("posix", v.name());
		v.setPermissions(PosixFilePermissions.fromString("rw-r-----"));
		assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(p("a.txt"))));
		UserPrincipal daemon = root().getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("daemon");
		GroupPrincipal adm = root().getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("adm");
		v.setOwner(daemon);
		v.setGroup(adm);
		assertEquals("daemon", Files.getOwner(p("a.txt")).getName());
		assertEquals(1, Files.getAttribute(p("a.txt"), "unix:uid"));
		assertEquals("adm", Files.readAttributes(p("a.txt"), PosixFileAttributes.class).group().getName());
		Files.getFileAttributeView(p("a.txt"), FileOwnerAttributeView.class).setOwner(
				root().getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("0"));
		assertEquals("root", Files.getOwner(p("a.txt")).getName());
		fails(java.nio.file.attribute.UserPrincipalNotFoundException.class, () -> root().getFileSystem()
				.getUserPrincipalLookupService().lookupPrincipalByName("no-such-user-here"));
		Files.setAttribute(p("b.bin"), "posix:permissions", PosixFilePermissions.fromString("r--------"));
		assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p("b.bin"))));
		assertEquals("basic", Files.getFileAttributeView(p("a.txt"), BasicFileAttributeView.class).name());
	}

	@Test
	void readsUnixAttributes() throws IOException {
		Map<String, Object> u = Files.readAttributes(p("hard1"), "unix:*");
		assertEquals(set("lastModifiedTime", "lastAccessTime", "creationTime", "size", "isRegularFile", "isDirectory",
				"isSymbolicLink", "isOther", "fileKey", "permissions", "owner", "group", "mode", "ino", "dev", "rdev",
				"nlink", "uid", "gid", "ctime"), u.keySet());
		assertInstanceOf(Long.class, u.get("ino"));
		assertInstanceOf(Long.class, u.get("dev"));
		assertInstanceOf(Long.class, u.get("rdev"));
		assertInstanceOf(Integer.class, u.get("nlink"));
		assertInstanceOf(Integer.class, u.get("mode"));
		assertInstanceOf(Integer.class, u.get("uid"));
		assertInstanceOf(Integer.class, u.get("gid"));
		assertInstanceOf(FileTime.class, u.get("ctime"));
		assertEquals(2, u.get("nlink"));
		assertEquals(0100644, u.get("mode"));
		assertEquals(0, u.get("uid"));
		assertEquals(0L, u.get("rdev"));
		assertEquals(u.get("ino"), Files.getAttribute(p("hard2"), "unix:ino"));
		assertNotEquals(u.get("ino"), Files.getAttribute(p("a.txt"), "unix:ino"));
		assertEquals(u.get("dev"), Files.getAttribute(p("sub/deep/d.txt"), "unix:dev"));
		assertEquals(0120777, Files.getAttribute(p("link-a"), "unix:mode", NOFOLLOW_LINKS));
		assertEquals(040700, Files.getAttribute(p("empty"), "unix:mode"));
		assertEquals(3, Files.getAttribute(p("sub"), "unix:nlink"));
		Files.setAttribute(p("exec.sh"), "unix:mode", 0700);
		assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p("exec.sh"))));
		Files.setAttribute(p("exec.sh"), "unix:gid", 4);
		assertEquals(4, Files.getAttribute(p("exec.sh"), "unix:gid"));
		FileTime before = (FileTime) Files.getAttribute(p("exec.sh"), "unix:ctime");
		assertTrue(before.compareTo(TestTree.MTIME) > 0);
	}

	@Test
	void setsTimes() throws IOException {
		FileTime t = FileTime.fromMillis(1_000_000_000_000L);
		Files.setLastModifiedTime(p("sub/c.txt"), t);
		assertEquals(t, Files.getLastModifiedTime(p("sub/c.txt")));
		assertEquals(TestTree.ATIME, Files.readAttributes(p("sub/c.txt"), BasicFileAttributes.class).lastAccessTime());
		Files.setAttribute(p("link-sub"), "basic:lastAccessTime", t);
		assertEquals(t, Files.getAttribute(p("sub"), "lastAccessTime"));
		Files.getFileAttributeView(p("link-a"), BasicFileAttributeView.class, NOFOLLOW_LINKS).setTimes(t, null, null);
		assertEquals(t, Files.getLastModifiedTime(p("link-a"), NOFOLLOW_LINKS));
		assertEquals(TestTree.MTIME, Files.getLastModifiedTime(p("a.txt")));
		fails(IllegalArgumentException.class, () -> Files.setAttribute(p("a.txt"), "basic:size", 3L));
		fails(UnsupportedOperationException.class, () -> Files.setAttribute(p("a.txt"), "nonsense:x", 3L));
	}

	@Test
	void readsAndWritesUserAttributes() throws IOException {
		UserDefinedFileAttributeView v = Files.getFileAttributeView(p("xattr.txt"), UserDefinedFileAttributeView.class);
		assertEquals("user", v.name());
		assertEquals(List.of("color", "empty"), v.list().stream().sorted().toList());
		assertEquals(4, v.size("color"));
		ByteBuffer b = ByteBuffer.allocate(10);
		assertEquals(4, v.read("color", b));
		assertEquals("blue", new String(b.array(), 0, b.position(), UTF_8));
		fails(FileSystemException.class, () -> v.read("color", ByteBuffer.allocate(2)));
		assertEquals(3, v.write("shape", UTF_8.encode("box")));
		assertArrayEquals("box".getBytes(UTF_8), (byte[]) Files.getAttribute(p("xattr.txt"), "user:shape"));
		v.delete("color");
		assertEquals(List.of("empty", "shape"), v.list().stream().sorted().toList());
		fails(FileSystemException.class, () -> v.size("color"));
		fails(FileSystemException.class, () -> v.delete("color"));
		Files.setAttribute(p("a.txt"), "user:tag", "t".getBytes(UTF_8));
		Map<String, Object> all = Files.readAttributes(p("link-a"), "user:*");
		assertEquals(set("tag"), all.keySet());
		assertArrayEquals("t".getBytes(UTF_8), (byte[]) all.get("tag"));
		assertEquals(List.of(), Files.getFileAttributeView(p("sub"), UserDefinedFileAttributeView.class).list());
	}

	@Test
	void checksAccessAsRoot() throws IOException {
		root().getFileSystem().provider().checkAccess(p("ro.txt"), AccessMode.READ, AccessMode.WRITE);
		root().getFileSystem().provider().checkAccess(p("exec.sh"), AccessMode.EXECUTE);
		root().getFileSystem().provider().checkAccess(p("empty"), AccessMode.EXECUTE);
		fails(AccessDeniedException.class, p("a.txt"),
				() -> root().getFileSystem().provider().checkAccess(p("a.txt"), AccessMode.EXECUTE));
		fails(NoSuchFileException.class, p("missing"),
				() -> root().getFileSystem().provider().checkAccess(p("missing")));
		assertTrue(Files.isReadable(p("b.bin")));
		assertTrue(Files.isWritable(p("ro.txt")));
		assertFalse(Files.isExecutable(p("link-a")));
		assertTrue(Files.isExecutable(p("link-sub")));
		assertFalse(Files.isReadable(p("dangling")));
	}

	@Test
	void answersQuestionsAboutFiles() throws IOException {
		assertTrue(Files.isHidden(p(".hidden")));
		assertFalse(Files.isHidden(p("a.txt")));
		assertFalse(Files.isHidden(root()));
		assertTrue(Files.isSameFile(p("a.txt"), p("link-a")));
		assertTrue(Files.isSameFile(p("missing"), p("missing")));
		assertFalse(Files.isSameFile(p("a.txt"), p("b.bin")));
		fails(NoSuchFileException.class, () -> Files.isSameFile(p("a.txt"), p("missing")));
		assertEquals(6, Files.size(p("link-a")));
		assertTrue(Files.isDirectory(p("link-sub")));
		assertFalse(Files.isDirectory(p("link-sub"), NOFOLLOW_LINKS));
		assertTrue(Files.isRegularFile(p("hard1")));
	}

	@Test
	void reportsAFileStore() throws IOException {
		FileStore store = Files.getFileStore(p("sub/c.txt"));
		assertTrue(store.getTotalSpace() > 0);
		assertTrue(store.getUsableSpace() <= store.getTotalSpace());
		assertTrue(store.getUnallocatedSpace() >= store.getUsableSpace());
		assertTrue(store.getBlockSize() > 0);
		assertFalse(store.isReadOnly());
		assertEquals(store.getTotalSpace(), store.getAttribute("totalSpace"));
		for (String view : List.of("basic", "posix", "owner", "unix", "user")) {
			assertTrue(store.supportsFileAttributeView(view), view);
		}
		assertTrue(store.supportsFileAttributeView(PosixFileAttributeView.class));
		assertTrue(store.supportsFileAttributeView(UserDefinedFileAttributeView.class));
		assertTrue(root().getFileSystem().supportedFileAttributeViews().containsAll(set("basic", "posix", "unix", "owner",
				"user")));
		fails(NoSuchFileException.class, () -> Files.getFileStore(p("missing")));
	}

	// ---- paths

	@Test
	void pathsBehaveAsUnixPaths() {
		FileSystem fs = root().getFileSystem();
		Path a = fs.getPath("/x//y/./z/../w/");
		assertEquals("/x/y/./z/../w", a.toString());
		assertEquals("/x/y/w", a.normalize().toString());
		assertEquals(6, a.getNameCount());
		assertEquals("w", a.getFileName().toString());
		assertEquals("/x/y/./z/..", a.getParent().toString());
		assertEquals("/", a.getRoot().toString());
		assertEquals("y/.", a.subpath(1, 3).toString());
		assertTrue(a.startsWith("/x/y"));
		assertFalse(a.startsWith("/x/yy"));
		assertTrue(a.endsWith("z/../w"));
		assertEquals("../../c/d", fs.getPath("/a/b").relativize(fs.getPath("/c/d")).toString());
		assertEquals("", fs.getPath("a").relativize(fs.getPath("a")).toString());
		assertEquals("b/c", fs.getPath("a").relativize(fs.getPath("a/b/c")).toString());
		assertEquals("/a/b", fs.getPath("/a").resolve("b").toString());
		assertEquals("/b", fs.getPath("/a").resolve("/b").toString());
		assertEquals("/a/c", fs.getPath("/a/b").resolveSibling("c").toString());
		assertEquals("..", fs.getPath("../a/..").normalize().toString());
		assertEquals("/", fs.getPath("/..").normalize().toString());
		assertEquals(1, fs.getPath("").getNameCount());
		assertEquals("", fs.getPath("").getFileName().toString());
		assertNull(fs.getPath("/").getFileName());
		assertNull(fs.getPath("a").getParent());
		assertEquals("a/b/c", fs.getPath("a", "b", "", "c").toString());
		assertFalse(fs.getPath("a").isAbsolute());
		fails(IllegalArgumentException.class, () -> fs.getPath("/a").relativize(fs.getPath("b")));
		fails(IllegalArgumentException.class, () -> fs.getPath("a").getName(1));
		fails(java.nio.file.InvalidPathException.class, () -> fs.getPath("a\0b"));
		List<String> names = new ArrayList<>();
		fs.getPath("/a/b/c").forEach(n -> names.add(n.toString()));
		assertEquals(List.of("a", "b", "c"), names);
		assertTrue(fs.getPath("b").compareTo(fs.getPath("a")) > 0);
		assertEquals("/", fs.getSeparator());
	}

	@Test
	void pathsRoundTripThroughUris() throws IOException {
		Path dir = p("sub");
		assertTrue(dir.toUri().toString().endsWith("/sub/"));
		assertTrue(p("a.txt").toUri().toString().endsWith("/a.txt"));
		assertEquals(p("sub").toAbsolutePath(), Paths.get(dir.toUri()));
		Path spaced = p("with space");
		Files.writeString(spaced, "s");
		assertEquals("s", Files.readString(Paths.get(spaced.toUri())));
	}

	@Test
	void walksTheTree() throws IOException {
		Set<String> seen = new HashSet<>();
		try (Stream<Path> s = Files.walk(root())) {
			s.forEach(x -> seen.add(root().relativize(x).toString()));
		}
		assertTrue(seen.containsAll(set("", "sub", "sub/deep", "sub/deep/d.txt", "link-sub", "loop1")));
		assertFalse(seen.contains("link-sub/c.txt"));
		Set<String> followed = new HashSet<>();
		try (Stream<Path> s = Files.find(root(), 5, (x, a) -> a.isRegularFile(),
				java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
			s.forEach(x -> followed.add(root().relativize(x).toString()));
		}
		assertTrue(followed.contains("link-sub/deep/d.txt"));
		assertTrue(followed.contains("link-a"));
	}

	// ---- secure directory streams

	@Test
	void secureDirectoryStreamsWorkRelativeToTheirDirectory() throws IOException {
		try (SecureDirectoryStream<Path> sub = (SecureDirectoryStream<Path>) Files.newDirectoryStream(p("sub"));
				SecureDirectoryStream<Path> top = (SecureDirectoryStream<Path>) Files.newDirectoryStream(root())) {
			FileSystem fs = root().getFileSystem();
			try (SeekableByteChannel ch = sub.newByteChannel(fs.getPath("c.txt"), Set.of(READ))) {
				assertEquals(8, ch.size());
			}
			try (SeekableByteChannel ch = sub.newByteChannel(fs.getPath("n"), Set.of(CREATE_NEW, WRITE))) {
				ch.write(UTF_8.encode("n"));
			}
			assertEquals("n", Files.readString(p("sub/n")));
			sub.move(fs.getPath("n"), top, fs.getPath("n-top"));
			assertEquals("n", Files.readString(p("n-top")));
			top.deleteFile(fs.getPath("n-top"));
			assertFalse(Files.exists(p("n-top")));
			fails(FileSystemException.class, () -> top.deleteFile(fs.getPath("empty")));
			fails(FileSystemException.class, () -> top.deleteDirectory(fs.getPath("a.txt")));
			top.deleteDirectory(fs.getPath("empty"));
			assertFalse(Files.exists(p("empty")));
			fails(NoSuchFileException.class, () -> top.deleteFile(fs.getPath("missing")));
			try (SecureDirectoryStream<Path> deep = sub.newDirectoryStream(fs.getPath("deep"))) {
				List<String> names = new ArrayList<>();
				deep.forEach(x -> names.add(x.getFileName().toString()));
				assertEquals(List.of("d.txt"), names);
			}
			assertEquals(8, sub.getFileAttributeView(fs.getPath("c.txt"), BasicFileAttributeView.class)
					.readAttributes().size());
			assertTrue(sub.getFileAttributeView(BasicFileAttributeView.class).readAttributes().isDirectory());
			assertEquals("rw-r--r--", PosixFilePermissions.toString(sub.getFileAttributeView(fs.getPath("up"),
					PosixFileAttributeView.class).readAttributes().permissions()));
			sub.close();
			fails(java.nio.file.ClosedDirectoryStreamException.class, () -> sub.deleteFile(fs.getPath("c.txt")));
		}
	}

	// ---- watching

	private static Set<String> awaitEvents(WatchService ws, Set<String> wanted) throws InterruptedException {
		Set<String> seen = new HashSet<>();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!seen.containsAll(wanted) && System.nanoTime() < deadline) {
			WatchKey key = ws.poll(200, TimeUnit.MILLISECONDS);
			if (key != null) {
				for (WatchEvent<?> e : key.pollEvents()) {
					seen.add(e.kind().name() + " " + e.context());
				}
				key.reset();
			}
		}
		return seen;
	}

	@Test
	void watchServicesReportChanges() throws Exception {
		try (WatchService ws = root().getFileSystem().newWatchService()) {
			WatchKey key = p("sub").register(ws, StandardWatchEventKinds.ENTRY_CREATE,
					StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
			assertEquals(p("sub"), key.watchable());
			assertTrue(key.isValid());
			Files.writeString(p("sub/born"), "x");
			assertTrue(awaitEvents(ws, set("ENTRY_CREATE born")).contains("ENTRY_CREATE born"));
			Files.writeString(p("sub/c.txt"), "more", APPEND);
			assertTrue(awaitEvents(ws, set("ENTRY_MODIFY c.txt")).contains("ENTRY_MODIFY c.txt"));
			Files.delete(p("sub/born"));
			assertTrue(awaitEvents(ws, set("ENTRY_DELETE born")).contains("ENTRY_DELETE born"));
			fails(NotDirectoryException.class, () -> p("a.txt").register(ws, StandardWatchEventKinds.ENTRY_CREATE));
			key.cancel();
			assertFalse(key.isValid());
			ws.close();
			fails(ClosedWatchServiceException.class, ws::poll);
			fails(ClosedWatchServiceException.class,
					() -> p("sub").register(ws, StandardWatchEventKinds.ENTRY_CREATE));
		}
	}
}
