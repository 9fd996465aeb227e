package org.mapfs.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FsExceptionTest {

	/** An answer such as ENOENT is cheap (no stack trace); a fault keeps where it happened. */
	@Test
	void onlyFaultsCarryAStackTrace() {
		assertEquals(0, new FsException(Errno.ENOENT, "not in this layer").getStackTrace().length);
		assertEquals(0, new FsException(Errno.ENODATA, "no such xattr").getStackTrace().length);
		assertTrue(new FsException(Errno.EIO, "disk error").getStackTrace().length > 0);
		assertTrue(new FsException(Errno.ENOSPC, null, "full", new IOException("write")).getStackTrace().length > 0);
	}

	@Test
	void errnoValuesAreLinuxValues() {
		assertEquals(2, Errno.ENOENT.code());
		assertEquals(17, Errno.EEXIST.code());
		assertEquals(18, Errno.EXDEV.code());
		assertEquals(20, Errno.ENOTDIR.code());
		assertEquals(21, Errno.EISDIR.code());
		assertEquals(28, Errno.ENOSPC.code());
		assertEquals(30, Errno.EROFS.code());
		assertEquals(36, Errno.ENAMETOOLONG.code());
		assertEquals(39, Errno.ENOTEMPTY.code());
		assertEquals(40, Errno.ELOOP.code());
		assertEquals(61, Errno.ENODATA.code());
		assertEquals(95, Errno.ENOTSUP.code());
		assertEquals(116, Errno.ESTALE.code());
	}

	@ParameterizedTest
	@EnumSource(Errno.class)
	void codesRoundTrip(Errno e) {
		assertSame(e, Errno.of(e.code()));
	}

	@Test
	void unknownCodesAreIoErrorsNeverSuccess() {
		assertEquals(Errno.EIO, Errno.of(0));
		assertEquals(Errno.EIO, Errno.of(9999));
	}

	@Test
	void messageNamesErrnoPathAndReason() throws FsException {
		FsException e = new FsException(Errno.ENOENT, FsPath.of("etc/hosts"), "no such entry in any layer");
		assertEquals("ENOENT /etc/hosts: no such entry in any layer", e.getMessage());
		assertEquals(FsPath.of("etc/hosts"), e.path());
		assertEquals("EROFS: Read-only file system", new FsException(Errno.EROFS, (String) null).getMessage());
	}

	/** The mapping is checked against what the JDK really throws on this machine, not against constructed text. */
	@Test
	void mapsRealNioFailures(@TempDir Path dir) throws IOException {
		Path file = Files.createFile(dir.resolve("f"));
		Path sub = Files.createDirectory(dir.resolve("d"));
		Files.createFile(sub.resolve("x"));
		assertErrno(Errno.ENOENT, () -> Files.readAttributes(dir.resolve("missing"), "unix:ino"));
		assertErrno(Errno.EEXIST, () -> Files.createDirectory(sub));
		assertErrno(Errno.ENOTEMPTY, () -> Files.delete(sub));
		assertErrno(Errno.ENOTDIR, () -> Files.createFile(file.resolve("child")));
		assertErrno(Errno.EISDIR, () -> Files.newOutputStream(sub).close());
		assertErrno(Errno.EINVAL, () -> Files.readSymbolicLink(file));
		Path loop = dir.resolve("loop");
		Files.createSymbolicLink(loop, loop.getFileName());
		assertErrno(Errno.ELOOP, () -> Files.readAttributes(loop.resolve("x"), "unix:ino"));
		assertErrno(Errno.ENAMETOOLONG, () -> Files.createFile(dir.resolve("n".repeat(256))));
	}

	@Test
	void mapsPermissionFailures(@TempDir Path dir) throws IOException {
		Path locked = Files.createDirectory(dir.resolve("locked"));
		Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
		try {
			if (isRoot(dir)) {
				// root ignores the mode; the mapping of the exception type is still checked
				assertEquals(Errno.EACCES, FsException.errnoOf(new AccessDeniedException("x")));
				assertEquals(Errno.EPERM, FsException.errnoOf(
						new AccessDeniedException("x", null, "Operation not permitted")));
			} else {
				assertErrno(Errno.EACCES, () -> Files.createFile(locked.resolve("x")));
			}
		} finally {
			Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
		}
	}

	private static boolean isRoot(Path dir) throws IOException {
		return (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS) == 0
				&& "root".equals(System.getProperty("user.name"));
	}

	@Test
	void toNioGivesTheStandardExceptionTypes() throws FsException {
		FsPath p = FsPath.of("a");
		assertInstanceOf(NoSuchFileException.class, new FsException(Errno.ENOENT, p).toNio("/a"));
		assertInstanceOf(FileAlreadyExistsException.class, new FsException(Errno.EEXIST, p).toNio("/a"));
		assertInstanceOf(DirectoryNotEmptyException.class, new FsException(Errno.ENOTEMPTY, p).toNio("/a"));
		assertInstanceOf(AccessDeniedException.class, new FsException(Errno.EACCES, p).toNio("/a"));
		assertInstanceOf(AccessDeniedException.class, new FsException(Errno.EPERM, p).toNio("/a"));
		assertInstanceOf(NotDirectoryException.class, new FsException(Errno.ENOTDIR, p).toNio("/a"));
		assertInstanceOf(FileSystemLoopException.class, new FsException(Errno.ELOOP, p).toNio("/a"));
		FileSystemException other = new FsException(Errno.EXDEV, p).toNio("/a");
		assertEquals(FileSystemException.class, other.getClass());
		assertTrue(other.getMessage().contains("EXDEV"), other.getMessage());
	}

	@Test
	void fsExceptionsPassThroughUnchanged() throws FsException {
		FsException e = new FsException(Errno.ESTALE, FsPath.of("x"));
		assertSame(e, FsException.of(e, FsPath.of("y")));
	}

	interface IoAction {
		void run() throws IOException;
	}

	private static void assertErrno(Errno expected, IoAction action) {
		try {
			action.run();
		} catch (IOException e) {
			assertEquals(expected, FsException.errnoOf(e), e.toString());
			return;
		}
		throw new AssertionError("expected " + expected + ", but the call succeeded");
	}
}
