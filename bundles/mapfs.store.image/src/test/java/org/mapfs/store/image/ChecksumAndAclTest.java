package org.mapfs.store.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.mapfs.api.FsException;

/** The pieces with published reference values: CRC32C and the two POSIX ACL encodings. */
class ChecksumAndAclTest {
	@Test
	void crc32cMatchesTheStandardCheckValue() {
		// the check value of CRC-32C is for the usual ~0 start and final inversion; ext4 uses the raw register
		int raw = Crc32c.update(~0, "123456789".getBytes(StandardCharsets.US_ASCII));
		assertEquals(0xE3069283, ~raw);
	}

	@Test
	void crc32cOfIntsIsLittleEndian() {
		assertEquals(Crc32c.update(7, new byte[] { 1, 2, 3, 4 }), Crc32c.updateInt(7, 0x04030201));
		assertEquals(Crc32c.update(7, new byte[4]), Crc32c.zeros(7, 4));
	}

	@Test
	void aclGrowsShortEntriesToTheLinuxFormat() throws FsException {
		// ext4: version 1; USER_OBJ rw; USER 1000 rw; GROUP_OBJ r; MASK rw; OTHER r
		byte[] ext4 = HexFormat.of().parseHex("01000000" + "01000600" + "02000600e8030000" + "04000400"
				+ "10000600" + "20000400");
		// what getfattr shows for the same ACL (system.posix_acl_access)
		byte[] linux = HexFormat.of().parseHex("02000000" + "01000600ffffffff" + "02000600e8030000"
				+ "04000400ffffffff" + "10000600ffffffff" + "20000400ffffffff");
		assertArrayEquals(linux, PosixAcl.toXattr(ext4, "test"));
	}

	@Test
	void truncatedAclIsAnError() {
		byte[] ext4 = HexFormat.of().parseHex("01000000" + "02000600e803");
		assertThrows(FsException.class, () -> PosixAcl.toXattr(ext4, "test"));
	}
}
