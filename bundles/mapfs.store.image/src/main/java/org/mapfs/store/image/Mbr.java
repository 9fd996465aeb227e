package org.mapfs.store.image;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/** The DOS partition table: four primary entries, and logical partitions chained through extended boot records. */
final class Mbr {
	static final int SECTOR = 512;
	private static final int TABLE = 446;
	private static final int ENTRY = 16;
	private static final int LINUX = 0x83;
	/** More EBRs than this is a loop or garbage, not a table. */
	private static final int MAX_LOGICAL = 256;

	private Mbr() {
	}

	/** Whether the first sector carries the boot signature. */
	static boolean isPresent(BlockDevice device) throws FsException {
		if (device.size() < SECTOR) {
			return false;
		}
		ByteBuffer s = device.read(0, SECTOR);
		return Short.toUnsignedInt(s.getShort(510)) == 0xAA55;
	}

	static List<Partition> read(BlockDevice device) throws FsException {
		ByteBuffer mbr = device.read(0, SECTOR);
		List<Partition> parts = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			int at = TABLE + i * ENTRY;
			int type = Byte.toUnsignedInt(mbr.get(at + 4));
			long lba = Integer.toUnsignedLong(mbr.getInt(at + 8));
			long sectors = Integer.toUnsignedLong(mbr.getInt(at + 12));
			if (type == 0 || sectors == 0) {
				continue;
			}
			if (isExtended(type)) {
				readLogical(device, lba, parts);
			} else {
				parts.add(partition(device, i + 1, lba, sectors, type));
			}
		}
		return parts;
	}

	/** Logical partitions: each EBR holds one, relative to itself, and a link to the next, relative to the container. */
	private static void readLogical(BlockDevice device, long extended, List<Partition> parts) throws FsException {
		Set<Long> seen = new HashSet<>();
		long ebr = extended;
		int number = 5;
		while (seen.add(ebr)) {
			if (seen.size() > MAX_LOGICAL) {
				throw new FsException(Errno.EIO, device.name() + ": more than " + MAX_LOGICAL + " logical partitions");
			}
			device.checkRange(ebr * SECTOR, SECTOR);
			ByteBuffer s = device.read(ebr * SECTOR, SECTOR);
			if (Short.toUnsignedInt(s.getShort(510)) != 0xAA55) {
				throw new FsException(Errno.EIO, device.name() + ": no boot signature in the EBR at sector " + ebr);
			}
			int type = Byte.toUnsignedInt(s.get(TABLE + 4));
			long sectors = Integer.toUnsignedLong(s.getInt(TABLE + 12));
			if (type != 0 && sectors != 0) {
				parts.add(partition(device, number++, ebr + Integer.toUnsignedLong(s.getInt(TABLE + 8)), sectors,
						type));
			}
			long next = Integer.toUnsignedLong(s.getInt(TABLE + ENTRY + 8));
			if (Byte.toUnsignedInt(s.get(TABLE + ENTRY + 4)) == 0 || next == 0) {
				return;
			}
			ebr = extended + next;
		}
		throw new FsException(Errno.EIO, device.name() + ": the chain of logical partitions loops");
	}

	private static Partition partition(BlockDevice device, int number, long lba, long sectors, int type)
			throws FsException {
		device.checkRange(lba * SECTOR, sectors * SECTOR);
		return new Partition(number, lba * SECTOR, sectors * SECTOR, String.format("mbr 0x%02x", type), type == LINUX);
	}

	private static boolean isExtended(int type) {
		return type == 0x05 || type == 0x0F || type == 0x85;
	}
}
