package org.mapfs.store.image;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/** The GUID partition table (UEFI), read from its primary header; 512-byte and 4 KiB logical sectors. */
final class Gpt {
	private static final long SIGNATURE = 0x5452415020494645L; // "EFI PART"
	private static final UUID LINUX_DATA = UUID.fromString("0fc63daf-8483-4772-8e79-3d69d8477de4");
	private static final int MAX_ENTRIES = 1024;

	private Gpt() {
	}

	/** The logical sector size whose LBA 1 holds a GPT header, or 0 if there is none. */
	static int sectorSize(BlockDevice device) throws FsException {
		for (int sector : new int[] { 512, 4096 }) {
			if (device.size() >= 2L * sector && device.read(sector, 8).getLong(0) == SIGNATURE) {
				return sector;
			}
		}
		return 0;
	}

	static List<Partition> read(BlockDevice device, int sector) throws FsException {
		ByteBuffer h = device.read(sector, 92);
		int headerSize = h.getInt(12);
		if (headerSize != 92) {
			throw corrupt(device, "header size " + headerSize);
		}
		int stored = h.getInt(16);
		h.putInt(16, 0);
		CRC32 crc = new CRC32();
		crc.update(h.array(), 0, headerSize);
		if ((int) crc.getValue() != stored) {
			throw corrupt(device, "header checksum mismatch");
		}
		long entriesLba = h.getLong(72);
		long count = Integer.toUnsignedLong(h.getInt(80));
		long entrySize = Integer.toUnsignedLong(h.getInt(84));
		if (count > MAX_ENTRIES || entrySize < 128 || entrySize > 4096 || entrySize % 8 != 0) {
			throw corrupt(device, count + " entries of " + entrySize + " bytes");
		}
		device.checkRange(entriesLba * sector, count * entrySize);
		ByteBuffer entries = device.read(entriesLba * sector, (int) (count * entrySize));
		crc.reset();
		crc.update(entries.array(), 0, entries.limit());
		if ((int) crc.getValue() != h.getInt(88)) {
			throw corrupt(device, "partition entry array checksum mismatch");
		}
		List<Partition> parts = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			int at = (int) (i * entrySize);
			UUID type = guid(entries, at);
			if (type.getMostSignificantBits() == 0 && type.getLeastSignificantBits() == 0) {
				continue;
			}
			long first = entries.getLong(at + 32);
			long last = entries.getLong(at + 40);
			if (first < 0 || last < first) {
				throw corrupt(device, "partition " + (i + 1) + " ends before it starts");
			}
			long start = first * sector;
			long length = (last - first + 1) * sector;
			device.checkRange(start, length);
			String name = new String(entries.array(), at + 56, 72, StandardCharsets.UTF_16LE).replace("\0", "");
			parts.add(new Partition(i + 1, start, length, "gpt " + type + (name.isEmpty() ? "" : " '" + name + "'"),
					type.equals(LINUX_DATA)));
		}
		return parts;
	}

	/** A GUID as stored: the first three fields little-endian, the rest big-endian. */
	private static UUID guid(ByteBuffer b, int at) {
		long d1 = Integer.toUnsignedLong(b.getInt(at));
		long d2 = Short.toUnsignedLong(b.getShort(at + 4));
		long d3 = Short.toUnsignedLong(b.getShort(at + 6));
		long high = d1 << 32 | d2 << 16 | d3;
		long low = 0;
		for (int i = 8; i < 16; i++) {
			low = low << 8 | Byte.toUnsignedLong(b.get(at + i));
		}
		return new UUID(high, low);
	}

	private static FsException corrupt(BlockDevice device, String what) {
		return new FsException(Errno.EIO, device.name() + ": bad GPT: " + what);
	}
}
