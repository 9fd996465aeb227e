package org.mapfs.store.nfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.store.nfs.NfsTesting.assertErrno;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.mapfs.api.AttributeChange;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;

/** XDR encoding and decoding, record marking, and the NFS structures, without a server. */
class ProtocolTest {
	@Test
	void xdrRoundTrips() throws Exception {
		XdrWriter w = new XdrWriter(1);
		w.putInt(-5).putInt(Integer.MAX_VALUE).putLong(Long.MIN_VALUE).putLong(0x1122334455667788L).putBoolean(true)
				.putBoolean(false).putOpaque(new byte[] { 1, 2, 3 }).putString("ä/x").putOpaque(new byte[0])
				.putFixed(new byte[] { 9, 8, 7, 6, 5 });
		byte[] b = w.toByteArray();
		assertEquals(w.length(), b.length);
		assertEquals(0, b.length % 4);
		XdrReader r = new XdrReader(b, "test");
		assertEquals(-5, r.getInt("a"));
		assertEquals(Integer.MAX_VALUE, r.getUint("b", Integer.MAX_VALUE));
		assertEquals(Long.MIN_VALUE, r.getLong("c"));
		assertEquals(0x1122334455667788L, r.getLong("d"));
		assertTrue(r.getBoolean("e"));
		assertFalse(r.getBoolean("f"));
		assertArrayEquals(new byte[] { 1, 2, 3 }, r.getOpaque(3, "g"));
		assertEquals("ä/x", r.getString(10, "h"));
		assertArrayEquals(new byte[0], r.getOpaque(0, "i"));
		assertArrayEquals(new byte[] { 9, 8, 7, 6, 5 }, r.getFixed(5, "j"));
		assertEquals(0, r.remaining());
		r.expectEnd();
	}

	@Test
	void opaqueDataIsPaddedWithZeros() {
		byte[] b = new XdrWriter(4).putOpaque(new byte[] { 1 }).toByteArray();
		assertArrayEquals(new byte[] { 0, 0, 0, 1, 1, 0, 0, 0 }, b);
		ByteBuffer partial = ByteBuffer.wrap(new byte[] { 5, 6, 7, 8 }, 1, 2);
		assertArrayEquals(new byte[] { 0, 0, 0, 2, 6, 7, 0, 0 }, new XdrWriter(4).putOpaque(partial).toByteArray());
		assertEquals(1, partial.position(), "the buffer's position is left alone");
	}

	@Test
	void everyLengthIsCheckedBeforeAnythingIsAllocated() throws Exception {
		byte[] hugeOpaque = new XdrWriter(8).putInt(Integer.MAX_VALUE).putInt(0).toByteArray();
		FsException e = assertErrno(() -> new XdrReader(hugeOpaque, "reply").getOpaque(Integer.MAX_VALUE, "data"),
				Errno.EIO);
		assertTrue(e.getMessage().contains("needs 2147483647 bytes but only 4 remain"), e.getMessage());
		byte[] negative = new XdrWriter(8).putInt(-1).toByteArray();
		e = assertErrno(() -> new XdrReader(negative, "reply").getOpaque(1 << 20, "data"), Errno.EIO);
		assertTrue(e.getMessage().contains("length 4294967295 exceeds the limit of 1048576"), e.getMessage());
		byte[] overLimit = new XdrWriter(8).putInt(65).toByteArray();
		assertErrno(() -> new XdrReader(overLimit, "reply").getOpaque(NfsHandle.MAX_BYTES, "handle"), Errno.EIO);
		assertErrno(() -> new XdrReader(new byte[3], "reply").getInt("x"), Errno.EIO);
		assertErrno(() -> new XdrReader(new byte[7], "reply").getLong("x"), Errno.EIO);
		assertErrno(() -> new XdrReader(new XdrWriter(4).putInt(2).toByteArray(), "reply").getBoolean("b"),
				Errno.EIO);
		assertErrno(() -> new XdrReader(new XdrWriter(4).putInt(-1).toByteArray(), "reply").getUint("n", 100),
				Errno.EIO);
		assertErrno(() -> new XdrReader(new byte[8], "reply").expectEnd(), Errno.EIO);
		// a view of the record: no more than the limit, and exactly the bytes sent
		byte[] eight = new XdrWriter(16).putOpaque(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }).toByteArray();
		assertErrno(() -> new XdrReader(eight, "reply").getOpaqueView(4, "data"), Errno.EIO);
		ByteBuffer view = new XdrReader(eight, "reply").getOpaqueView(8, "data");
		assertEquals(8, view.remaining());
		assertEquals(1, view.get(0));
		assertEquals(8, view.get(7));
	}

	@Test
	void recordsAreReassembledFromFragments() throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(new byte[] { 0, 0, 0, 3, 1, 2, 3 });
		out.write(new byte[] { 0, 0, 0, 0 });
		out.write(new byte[] { (byte) 0x80, 0, 0, 2, 4, 5 });
		RecordMarking.write(out, new byte[] { 6, 7, 8 });
		ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
		assertArrayEquals(new byte[] { 1, 2, 3, 4, 5 }, RecordMarking.read(in, 100));
		assertArrayEquals(new byte[] { 6, 7, 8 }, RecordMarking.read(in, 100));
		assertNull(RecordMarking.read(in, 100), "a clean end between records");
	}

	@Test
	void recordFaults() {
		// cut inside a fragment, inside a header
		assertThrows(EOFException.class, () -> RecordMarking.read(
				new ByteArrayInputStream(new byte[] { (byte) 0x80, 0, 0, 9, 1 }), 100));
		assertThrows(EOFException.class, () -> RecordMarking.read(new ByteArrayInputStream(new byte[] { 0, 0 }),
				100));
		// fragments that add up to more than the limit, and 2 GiB in one header: refused before reading
		byte[] two = { 0, 0, 0, 60, 1, 2 };
		byte[] twoFragments = Arrays.copyOf(two, 64 + 4);
		twoFragments[64] = (byte) 0x80;
		twoFragments[67] = 60;
		ProtocolFault f = assertThrows(ProtocolFault.class,
				() -> RecordMarking.read(new ByteArrayInputStream(twoFragments), 100));
		assertTrue(f.getMessage().contains("exceeds the limit of 100"), f.getMessage());
		assertThrows(ProtocolFault.class, () -> RecordMarking.read(
				new ByteArrayInputStream(new byte[] { (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff }),
				NfsClient.MAX_RECORD));
	}

	@Test
	void fattr3IsDecodedWithoutTheTypeBitsInTheMode() throws Exception {
		XdrWriter w = new XdrWriter(84).putInt(4).putInt(0020644).putInt(3).putInt(1000).putInt(-2).putLong(7)
				.putLong(1025).putInt(259).putInt(70000).putLong(0xabcL).putLong(123456789L).putInt(-1)
				.putInt(999_999_999).putInt(1).putInt(2).putInt(3).putInt(4);
		FileAttributes a = Fattr.decode(new XdrReader(w.toByteArray(), "fattr3"));
		assertEquals(FileType.CHAR_DEVICE, a.type());
		assertEquals(0644, a.mode());
		assertEquals(3, a.nlink());
		assertEquals(1000, a.uid());
		assertEquals(-2, a.gid());
		assertEquals(7, a.size());
		assertEquals(3, a.blocks());
		assertEquals(Fattr.makedev(259, 70000), a.rdev());
		assertEquals(259, Fattr.major(a.rdev()));
		assertEquals(70000, Fattr.minor(a.rdev()));
		assertEquals(0xabcL, a.dev());
		assertEquals(123456789L, a.ino());
		assertEquals(0xffffffffL * 1_000_000_000L + 999_999_999, a.atimeNs(), "seconds are unsigned");
		assertEquals(1_000_000_002L, a.mtimeNs());
		byte[] badType = new XdrWriter(84).putInt(9).toByteArray();
		assertErrno(() -> Fattr.decode(new XdrReader(badType, "fattr3")), Errno.EIO);
	}

	@Test
	void sattr3EncodesOnlyWhatChanges() throws Exception {
		byte[] none = toBytes(Sattr.NONE);
		assertArrayEquals(new XdrWriter(24).putInt(0).putInt(0).putInt(0).putInt(0).putInt(0).putInt(0).toByteArray(),
				none);
		XdrReader r = new XdrReader(toBytes(Sattr.of(new AttributeChange(04755, null, 7, AttributeChange.NOW,
				1_500_000_000_000_000_001L))), "sattr3");
		assertTrue(r.getBoolean("set mode"));
		assertEquals(04755, r.getInt("mode"));
		assertFalse(r.getBoolean("set uid"));
		assertTrue(r.getBoolean("set gid"));
		assertEquals(7, r.getInt("gid"));
		assertFalse(r.getBoolean("set size"));
		assertEquals(1, r.getInt("atime: server time"));
		assertEquals(2, r.getInt("mtime: client time"));
		assertEquals(1_500_000_000, r.getInt("seconds"));
		assertEquals(1, r.getInt("nanoseconds"));
		r.expectEnd();
	}

	@Test
	void protocolNumbersAreThoseOfRfc1813() {
		assertEquals(0, NfsClient.CreateMode.UNCHECKED.ordinal());
		assertEquals(1, NfsClient.CreateMode.GUARDED.ordinal());
		assertEquals(2, NfsClient.CreateMode.EXCLUSIVE.ordinal());
		assertEquals(0, NfsClient.Stable.UNSTABLE.ordinal());
		assertEquals(2, NfsClient.Stable.FILE_SYNC.ordinal());
		assertEquals(Errno.ESTALE, NfsStatus.of(70).errno());
		assertEquals(Errno.ENOTEMPTY, NfsStatus.of(66).errno());
		assertEquals(Errno.ENAMETOOLONG, NfsStatus.of(63).errno());
		assertEquals("NFS3ERR_NOTSUPP", NfsStatus.of(10004).toString());
		assertNull(NfsStatus.of(3));
	}

	@Test
	void authSysCarriesAtMostSixteenGroups() throws Exception {
		XdrWriter w = new XdrWriter(64);
		new AuthSys(1000, 100, new int[] { 4, 24 }, "host").encode(w);
		XdrReader r = new XdrReader(w.toByteArray(), "cred");
		assertEquals(AuthSys.FLAVOR, r.getInt("flavor"));
		XdrReader body = new XdrReader(r.getOpaque(400, "body"), "body");
		body.getInt("stamp");
		assertEquals("host", body.getString(255, "machine"));
		assertEquals(1000, body.getInt("uid"));
		assertEquals(100, body.getInt("gid"));
		assertEquals(2, body.getInt("n"));
		assertEquals(4, body.getInt("g1"));
		assertEquals(24, body.getInt("g2"));
		assertThrows(IllegalArgumentException.class, () -> new AuthSys(0, 0, new int[17], "h"));
	}

	private static byte[] toBytes(Sattr s) {
		XdrWriter w = new XdrWriter(64);
		s.encode(w);
		return w.toByteArray();
	}
}
