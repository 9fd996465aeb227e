package org.mapfs.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FsPathTest {

	@Test
	void parsesAbsoluteAndRelativeFormsToTheSamePath() throws FsException {
		FsPath p = FsPath.of("/etc/hosts");
		assertEquals(p, FsPath.of("etc/hosts"));
		assertEquals(p, FsPath.of("etc/hosts/"));
		assertEquals(List.of("etc", "hosts"), p.names());
		assertEquals("etc/hosts", p.toString());
		assertEquals("/etc/hosts", p.toAbsoluteString());
		assertEquals("hosts", p.name());
		assertEquals(FsPath.of("etc"), p.parent());
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "/", "//" })
	void rootForms(String s) throws FsException {
		// "//" is one leading and one trailing slash around nothing: the root, as the kernel reads it
		assertSame(FsPath.ROOT, FsPath.of(s));
		assertTrue(FsPath.ROOT.isRoot());
		assertEquals(FsPath.ROOT, FsPath.ROOT.parent());
		assertEquals("", FsPath.ROOT.name());
	}

	@ParameterizedTest
	@ValueSource(strings = { "a//b", "../etc/passwd", "a/../../b", "a/./b", ".", "..", "a/\0b", "///a" })
	void refusesComponentsThatCouldLeaveTheRoot(String s) {
		FsException e = assertThrows(FsException.class, () -> FsPath.of(s));
		assertEquals(Errno.EINVAL, e.errno());
	}

	@Test
	void resolveChecksTheName() throws FsException {
		assertEquals(Errno.EINVAL, assertThrows(FsException.class, () -> FsPath.ROOT.resolve("..")).errno());
		assertEquals(Errno.EINVAL, assertThrows(FsException.class, () -> FsPath.ROOT.resolve("a/b")).errno());
		assertEquals(Errno.EINVAL, assertThrows(FsException.class, () -> FsPath.ROOT.resolve("")).errno());
		assertEquals(FsPath.of("a/b"), FsPath.ROOT.resolve("a").resolve("b"));
	}

	@Test
	void namesUpTo255BytesAreAcceptedAndLongerAreTooLong() throws FsException {
		String max = "x".repeat(255);
		assertEquals(max, FsPath.of("/d/" + max).name());
		FsException e = assertThrows(FsException.class, () -> FsPath.of("/d/" + max + "y"));
		assertEquals(Errno.ENAMETOOLONG, e.errno());
		// bytes count, not characters: 128 two-byte characters are 256 bytes
		assertEquals(Errno.ENAMETOOLONG,
				assertThrows(FsException.class, () -> FsPath.of("ä".repeat(128))).errno());
		assertEquals(127, FsPath.of("ä".repeat(127)).name().length());
	}

	@Test
	void pathsUpToPathMaxAreAccepted() throws FsException {
		// 4094 bytes after the slash, plus the slash and the NUL: exactly PATH_MAX
		StringBuilder sb = new StringBuilder();
		while (sb.length() + 200 < 4094) {
			sb.append("d".repeat(199)).append('/');
		}
		sb.append("f".repeat(4094 - sb.length()));
		assertEquals(4094, sb.length());
		assertEquals(4094, FsPath.of(sb.toString()).toString().length());
		assertEquals(Errno.ENAMETOOLONG, assertThrows(FsException.class, () -> FsPath.of(sb + "g")).errno());
	}

	@Test
	void ancestryAndRelativize() throws FsException {
		FsPath p = FsPath.of("a/b/c");
		assertTrue(p.startsWith(FsPath.of("a/b")));
		assertTrue(p.startsWith(FsPath.ROOT));
		assertTrue(p.startsWith(p));
		assertFalse(p.startsWith(FsPath.of("a/bb")));
		assertFalse(FsPath.of("a").startsWith(p));
		assertEquals(FsPath.of("c"), p.relativize(FsPath.of("a/b")));
		assertEquals(FsPath.ROOT, p.relativize(p));
		assertEquals(List.of(FsPath.ROOT, FsPath.of("a"), FsPath.of("a/b")), p.ancestors());
		assertEquals(p, FsPath.of("a").resolve(FsPath.of("b/c")));
		assertThrows(IllegalArgumentException.class, () -> p.relativize(FsPath.of("x")));
	}

	@Test
	void ordersByNamesNotByString() throws FsException {
		// "a/b" sorts before "a-b" by name ("a" < "a-b"), though '-' < '/' as characters
		assertTrue(FsPath.of("a/b").compareTo(FsPath.of("a-b")) < 0);
		assertEquals(0, FsPath.of("/x/y").compareTo(FsPath.of("x/y")));
	}
}
