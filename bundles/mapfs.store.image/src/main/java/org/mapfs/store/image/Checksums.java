package org.mapfs.store.image;

import java.nio.ByteBuffer;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * The metadata_csum checksums (crc32c from the file system's seed) of the structures read from blocks: each
 * mismatch is EIO naming the structure, so damage is reported instead of read as data.
 */
final class Checksums {
	private static final int INODE_CHECKSUM_LO = 0x7C;
	private static final int INODE_CHECKSUM_HI = 0x82;
	private static final int XATTR_CHECKSUM = 0x10;

	private final int seed;
	private final boolean enabled;

	Checksums(Superblock sb) {
		seed = sb.checksumSeed;
		enabled = sb.has(Feature.METADATA_CSUM);
	}

	boolean enabled() {
		return enabled;
	}

	/** The seed of an inode's own structures (extent blocks, directory blocks): file system seed, number, generation. */
	int inodeSeed(long ino, int generation) {
		return Crc32c.updateInt(Crc32c.updateInt(seed, (int) ino), generation);
	}

	/** Checked over the whole on-disk inode with both checksum fields as zeros; the high half only where it fits. */
	void verifyInode(long ino, ByteBuffer raw, int extraIsize) throws FsException {
		if (!enabled) {
			return;
		}
		boolean hasHi = raw.limit() > 128 && extraIsize >= INODE_CHECKSUM_HI + 2 - 128;
		int stored = Short.toUnsignedInt(raw.getShort(INODE_CHECKSUM_LO))
				| (hasHi ? Short.toUnsignedInt(raw.getShort(INODE_CHECKSUM_HI)) << 16 : 0);
		int crc = Crc32c.update(inodeSeed(ino, raw.getInt(0x64)), raw, 0, INODE_CHECKSUM_LO);
		crc = Crc32c.zeros(crc, 2);
		if (hasHi) {
			crc = Crc32c.update(crc, raw, INODE_CHECKSUM_LO + 2, INODE_CHECKSUM_HI - INODE_CHECKSUM_LO - 2);
			crc = Crc32c.zeros(crc, 2);
			crc = Crc32c.update(crc, raw, INODE_CHECKSUM_HI + 2, raw.limit() - INODE_CHECKSUM_HI - 2);
		} else {
			crc = Crc32c.update(crc, raw, INODE_CHECKSUM_LO + 2, raw.limit() - INODE_CHECKSUM_LO - 2);
		}
		int computed = crc;
		if (!hasHi) {
			computed &= 0xFFFF;
		}
		if (computed != stored) {
			throw mismatch("inode " + ino, stored, computed);
		}
	}

	/** The extent tail follows the entries the header says fit ({@code eh_max}). */
	void verifyExtentBlock(long ino, int generation, long block, ByteBuffer b, int max) throws FsException {
		if (!enabled) {
			return;
		}
		int tail = 12 + 12 * max;
		if (tail + 4 > b.limit()) {
			throw new FsException(Errno.EIO, "extent block " + block + " of inode " + ino + ": no room for its checksum");
		}
		int computed = Crc32c.update(inodeSeed(ino, generation), b, 0, tail);
		if (computed != b.getInt(tail)) {
			throw mismatch("extent block " + block + " of inode " + ino, b.getInt(tail), computed);
		}
	}

	/** A leaf directory block ends with a 12-byte fake entry holding the checksum of everything before it. */
	void verifyDirBlock(long ino, int generation, long block, ByteBuffer b) throws FsException {
		int tail = b.limit() - 12;
		int computed = Crc32c.update(inodeSeed(ino, generation), b, 0, tail);
		if (computed != b.getInt(tail + 8)) {
			throw mismatch("directory block " + block + " of inode " + ino, b.getInt(tail + 8), computed);
		}
	}

	/**
	 * An htree index block (root or node) has no entry tail: its checksum follows the {@code limit} index
	 * entries and covers the used ones, then the tail's reserved word and the checksum field as zeros.
	 */
	void verifyIndexBlock(long ino, int generation, long block, ByteBuffer b, int countOffset) throws FsException {
		String what = "htree block " + block + " of inode " + ino;
		if (countOffset + 4 > b.limit()) {
			throw new FsException(Errno.EIO, what + ": no room for its header");
		}
		int limit = Short.toUnsignedInt(b.getShort(countOffset));
		int count = Short.toUnsignedInt(b.getShort(countOffset + 2));
		int tail = countOffset + limit * 8;
		if (count > limit || tail + 8 > b.limit()) {
			throw new FsException(Errno.EIO, what + ": " + count + " entries, room for " + limit);
		}
		int crc = Crc32c.update(inodeSeed(ino, generation), b, 0, countOffset + count * 8);
		crc = Crc32c.update(crc, b, tail, 4);
		crc = Crc32c.zeros(crc, 4);
		if (crc != b.getInt(tail + 4)) {
			throw mismatch(what, b.getInt(tail + 4), crc);
		}
	}

	/** An xattr block may be shared by many inodes, so its checksum is seeded with its block number. */
	void verifyXattrBlock(long block, ByteBuffer b) throws FsException {
		if (!enabled) {
			return;
		}
		int crc = Crc32c.updateLong(seed, block);
		crc = Crc32c.update(crc, b, 0, XATTR_CHECKSUM);
		crc = Crc32c.zeros(crc, 4);
		crc = Crc32c.update(crc, b, XATTR_CHECKSUM + 4, b.limit() - XATTR_CHECKSUM - 4);
		if (crc != b.getInt(XATTR_CHECKSUM)) {
			throw mismatch("xattr block " + block, b.getInt(XATTR_CHECKSUM), crc);
		}
	}

	/**
	 * A group descriptor's 16-bit checksum covers its group number and its bytes but the checksum field:
	 * crc32c with metadata_csum, crc16 over the UUID first with uninit_bg.
	 */
	static void verifyGroupDescriptor(Superblock sb, long group, ByteBuffer b, int at, int size)
			throws FsException {
		final int field = 0x1E;
		int stored = Short.toUnsignedInt(b.getShort(at + field));
		int computed;
		if (sb.has(Feature.METADATA_CSUM)) {
			int crc = Crc32c.updateInt(sb.checksumSeed, (int) group);
			crc = Crc32c.update(crc, b, at, field);
			crc = Crc32c.zeros(crc, 2);
			computed = Crc32c.update(crc, b, at + field + 2, size - field - 2);
		} else if (sb.has(Feature.GDT_CSUM)) {
			ByteBuffer prefix = ByteBuffer.allocate(20).putLong(sb.uuid.getMostSignificantBits())
					.putLong(sb.uuid.getLeastSignificantBits()).putInt(Integer.reverseBytes((int) group));
			int crc = Crc16.update(0xFFFF, prefix, 0, 20);
			crc = Crc16.update(crc, b, at, field);
			computed = Crc16.update(crc, b, at + field + 2, size - field - 2);
		} else {
			return;
		}
		if ((computed & 0xFFFF) != stored) {
			throw mismatch("group descriptor " + group, stored, computed & 0xFFFF);
		}
	}

	private static FsException mismatch(String what, int stored, int computed) {
		return new FsException(Errno.EIO, String.format("%s: checksum mismatch (stored %08x, computed %08x)", what,
				stored, computed));
	}
}
