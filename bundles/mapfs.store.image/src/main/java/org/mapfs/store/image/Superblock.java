package org.mapfs.store.image;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * The ext2/3/4 superblock (1024 bytes at byte 1024): geometry, features, counts. Opening checks everything later
 * reads depend on, so that a damaged superblock is refused at once and never sends a reader out of bounds.
 */
final class Superblock {
	static final int OFFSET = 1024;
	static final int SIZE = 1024;
	private static final int MAGIC = 0xEF53;
	private static final int CHECKSUM = 0x3FC;
	private static final int CRC32C_TYPE = 1;

	/** incompat features this reader understands; any other incompat bit refuses the file system. */
	private static final Set<Feature> READABLE = EnumSet.of(Feature.FILETYPE, Feature.META_BG, Feature.EXTENTS,
			Feature.BIT64, Feature.MMP, Feature.FLEX_BG, Feature.EA_INODE, Feature.CSUM_SEED, Feature.LARGEDIR,
			Feature.INLINE_DATA);

	final long inodesCount;
	final long blocksCount;
	final long reservedBlocks;
	final long freeBlocks;
	final long freeInodes;
	final long firstDataBlock;
	final int blockSize;
	final long blocksPerGroup;
	final long inodesPerGroup;
	final int revLevel;
	final long firstIno;
	final int inodeSize;
	final int compat;
	final int incompat;
	final int roCompat;
	final UUID uuid;
	final String label;
	final String lastMounted;
	final int descSize;
	final long firstMetaBg;
	final long groupCount;
	final long[] backupGroups;
	/** crc32c seed of every metadata checksum: from the UUID, or stored with metadata_csum_seed. */
	final int checksumSeed;
	/** s_state: bit 0 cleanly unmounted, bit 1 errors detected. */
	final int state;

	private Superblock(ByteBuffer b, String device) throws FsException {
		inodesCount = u32(b, 0x0);
		revLevel = b.getInt(0x4C);
		compat = b.getInt(Feature.Set.COMPAT.offset);
		incompat = revLevel == 0 ? 0 : b.getInt(Feature.Set.INCOMPAT.offset);
		roCompat = revLevel == 0 ? 0 : b.getInt(Feature.Set.RO_COMPAT.offset);
		// the checksum first: every later check would otherwise judge damaged fields
		if (has(Feature.METADATA_CSUM)) {
			if (Byte.toUnsignedInt(b.get(0x175)) != CRC32C_TYPE) {
				throw corrupt(device, "unknown checksum type " + Byte.toUnsignedInt(b.get(0x175)));
			}
			int stored = b.getInt(CHECKSUM);
			int computed = Crc32c.update(~0, b, 0, CHECKSUM);
			if (stored != computed) {
				throw corrupt(device, String.format("superblock checksum mismatch (stored %08x, computed %08x)",
						stored, computed));
			}
		}
		// then the features, as refused ones (bigalloc) change what the geometry means
		checkFeatures(device);
		boolean bit64 = has(Feature.BIT64);
		blocksCount = u32(b, 0x4) | (bit64 ? u32(b, 0x150) << 32 : 0);
		reservedBlocks = u32(b, 0x8) | (bit64 ? u32(b, 0x154) << 32 : 0);
		freeBlocks = u32(b, 0xC) | (bit64 ? u32(b, 0x158) << 32 : 0);
		freeInodes = u32(b, 0x10);
		firstDataBlock = u32(b, 0x14);
		long logBlockSize = u32(b, 0x18);
		if (logBlockSize > 6) {
			throw corrupt(device, "block size 2^" + (10 + logBlockSize));
		}
		blockSize = 1024 << logBlockSize;
		blocksPerGroup = u32(b, 0x20);
		inodesPerGroup = u32(b, 0x28);
		state = Short.toUnsignedInt(b.getShort(0x3A));
		firstIno = revLevel == 0 ? 11 : u32(b, 0x54);
		inodeSize = revLevel == 0 ? 128 : Short.toUnsignedInt(b.getShort(0x58));
		// the UUID's bytes are in reading order, not a little-endian number
		uuid = new UUID(Long.reverseBytes(b.getLong(0x68)), Long.reverseBytes(b.getLong(0x70)));
		label = cString(b, 0x78, 16);
		lastMounted = cString(b, 0x88, 64);
		descSize = bit64 ? Short.toUnsignedInt(b.getShort(0xFE)) : 32;
		firstMetaBg = u32(b, 0x104);
		backupGroups = new long[] { u32(b, 0x24C), u32(b, 0x250) };
		checkGeometry(device);
		groupCount = (blocksCount - firstDataBlock + blocksPerGroup - 1) / blocksPerGroup;
		if (inodesCount > groupCount * inodesPerGroup) {
			throw corrupt(device, inodesCount + " inodes in " + groupCount + " groups of " + inodesPerGroup);
		}
		checksumSeed = has(Feature.CSUM_SEED) ? b.getInt(0x270) : Crc32c.update(~0, b, 0x68, 16);
	}

	static boolean isPresent(BlockDevice device) throws FsException {
		return device.size() >= OFFSET + SIZE
				&& Short.toUnsignedInt(device.read(OFFSET + 0x38, 2).getShort(0)) == MAGIC;
	}

	static Superblock read(BlockDevice device) throws FsException {
		if (!isPresent(device)) {
			throw new FsException(Errno.EINVAL, device.name() + ": no ext2/ext3/ext4 file system (no superblock magic)");
		}
		return new Superblock(device.read(OFFSET, SIZE), device.name());
	}

	private void checkGeometry(String device) throws FsException {
		long bitsPerBlock = 8L * blockSize;
		if (blocksPerGroup == 0 || blocksPerGroup > bitsPerBlock) {
			throw corrupt(device, blocksPerGroup + " blocks per group");
		}
		if (inodesPerGroup == 0 || inodesPerGroup > bitsPerBlock) {
			throw corrupt(device, inodesPerGroup + " inodes per group");
		}
		if (inodeSize < 128 || inodeSize > blockSize || Integer.bitCount(inodeSize) != 1) {
			throw corrupt(device, "inode size " + inodeSize);
		}
		if (firstDataBlock != (blockSize == 1024 ? 1 : 0) && firstDataBlock != 0) {
			throw corrupt(device, "first data block " + firstDataBlock);
		}
		if (blocksCount <= firstDataBlock || blocksCount > Long.MAX_VALUE / blockSize) {
			throw corrupt(device, blocksCount + " blocks");
		}
		if (firstIno < 3 || firstIno > inodesCount) {
			throw corrupt(device, "first inode " + firstIno);
		}
		if (descSize < 32 || descSize > blockSize || Integer.bitCount(descSize) != 1) {
			throw corrupt(device, "group descriptor size " + descSize);
		}
		if (has(Feature.BIT64) && descSize < 64) {
			throw corrupt(device, "64bit with group descriptor size " + descSize);
		}
	}

	private void checkFeatures(String device) throws FsException {
		List<String> refused = new ArrayList<>();
		for (String name : Feature.names(Feature.Set.INCOMPAT, incompat)) {
			if (READABLE.stream().noneMatch(f -> f.label.equals(name))) {
				refused.add(name);
			}
		}
		if (has(Feature.BIGALLOC)) {
			refused.add(Feature.BIGALLOC.label);
		}
		if (!refused.isEmpty()) {
			String why = has(Feature.RECOVER) ? " (the journal needs recovery: run e2fsck or mount it once)" : "";
			throw new FsException(Errno.ENOTSUP, device + ": unsupported ext feature(s) " + String.join(", ", refused)
					+ why);
		}
	}

	boolean has(Feature f) {
		int word = switch (f.set) {
			case COMPAT -> compat;
			case INCOMPAT -> incompat;
			case RO_COMPAT -> roCompat;
		};
		return (word & f.mask) != 0;
	}

	/** ext2, ext3 or ext4, as blkid tells them apart. */
	String type() {
		boolean ext4Only = (incompat & ~(Feature.FILETYPE.mask | Feature.RECOVER.mask | Feature.META_BG.mask)) != 0
				|| (roCompat & ~(Feature.SPARSE_SUPER.mask | Feature.LARGE_FILE.mask)) != 0;
		return ext4Only ? "ext4" : has(Feature.HAS_JOURNAL) ? "ext3" : "ext2";
	}

	List<String> features() {
		List<String> all = new ArrayList<>();
		for (Feature.Set set : Feature.Set.values()) {
			all.addAll(Feature.names(set, switch (set) {
				case COMPAT -> compat;
				case INCOMPAT -> incompat;
				case RO_COMPAT -> roCompat;
			}));
		}
		return all;
	}

	/** Whether a group holds a copy of the superblock (and of the group descriptors, without meta_bg). */
	boolean hasSuper(long group) {
		if (group == 0) {
			return true;
		}
		if (has(Feature.SPARSE_SUPER2)) {
			return group == backupGroups[0] || group == backupGroups[1];
		}
		if (group == 1 || !has(Feature.SPARSE_SUPER)) {
			return true;
		}
		return isPowerOf(group, 3) || isPowerOf(group, 5) || isPowerOf(group, 7);
	}

	private static boolean isPowerOf(long n, int base) {
		long p = base;
		while (p < n) {
			p *= base;
		}
		return p == n;
	}

	long groupFirstBlock(long group) {
		return firstDataBlock + group * blocksPerGroup;
	}

	static long u32(ByteBuffer b, int at) {
		return Integer.toUnsignedLong(b.getInt(at));
	}

	private static String cString(ByteBuffer b, int at, int max) {
		int n = 0;
		while (n < max && b.get(at + n) != 0) {
			n++;
		}
		byte[] s = new byte[n];
		b.get(at, s);
		return new String(s, StandardCharsets.UTF_8);
	}

	private static FsException corrupt(String device, String what) {
		return new FsException(Errno.EIO, device + ": bad superblock: " + what);
	}
}
