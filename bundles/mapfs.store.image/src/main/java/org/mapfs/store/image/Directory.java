package org.mapfs.store.image;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * Directory entries ({@code ext4_dir_entry_2}: inode, rec_len, name_len, file_type, name) in a block or an inline
 * region. An htree directory reads the same way: its leaves are ordinary entry blocks, and its index blocks look
 * like one entry covering the block (the root hides the index in {@code ..}'s rec_len, an inner node is a free
 * entry), so the index never has to be followed to list or to look up.
 */
final class Directory {
	/** The fake entry at the end of a checksummed leaf block. */
	static final int TAIL = 12;
	private static final int TAIL_FILE_TYPE = 0xDE;
	private static final int HEADER = 8;
	/** dx_root_info follows the 12-byte {@code .} entry and the 12-byte head of the {@code ..} entry. */
	private static final int ROOT_INFO = 0x18;

	/** An entry as stored; {@code fileType} is 0 where the file system records none. */
	record Entry(String name, long ino, int fileType) {
	}

	private Directory() {
	}

	/** Whether a block ends with the checksum tail (rec_len 12, name_len 0, file_type 0xDE). */
	static boolean hasTail(ByteBuffer b) {
		int t = b.limit() - TAIL;
		return b.getInt(t) == 0 && Short.toUnsignedInt(b.getShort(t + 4)) == TAIL && b.get(t + 6) == 0
				&& Byte.toUnsignedInt(b.get(t + 7)) == TAIL_FILE_TYPE;
	}

	/** Whether a block of an htree directory is an index node: one free entry covering the block. */
	static boolean isIndexNode(ByteBuffer b) {
		return b.getInt(0) == 0 && recLen(b, 0) == b.limit();
	}

	/**
	 * Where an index block's limit and count are: in the root after {@code .}, {@code ..} and the root info
	 * (whose length is stored in it), in a node after the 8-byte free entry.
	 */
	static int indexCountOffset(ByteBuffer b, boolean root) {
		return root ? ROOT_INFO + Byte.toUnsignedInt(b.get(ROOT_INFO + 5)) : HEADER;
	}

	/**
	 * Adds the entries in {@code [start, end)} of {@code b} to {@code out}, skipping free ones and {@code .} and
	 * {@code ..}; {@code filetype}: whether name_len is one byte followed by the type (else two bytes).
	 */
	static void parse(ByteBuffer b, int start, int end, boolean filetype, Map<String, Entry> out, String what)
			throws FsException {
		int at = start;
		while (at < end) {
			if (at + HEADER > end) {
				throw corrupt(what, at, "entry header past the end");
			}
			long ino = Superblock.u32(b, at);
			int recLen = recLen(b, at);
			int nameLength = filetype ? Byte.toUnsignedInt(b.get(at + 6)) : Short.toUnsignedInt(b.getShort(at + 6));
			if (recLen < HEADER || recLen % 4 != 0 || recLen > end - at || HEADER + nameLength > recLen) {
				throw corrupt(what, at, "rec_len " + recLen + ", name_len " + nameLength);
			}
			if (ino != 0) {
				byte[] name = new byte[nameLength];
				b.get(at + HEADER, name);
				if (!isDot(name)) {
					String s = checkName(name, what, at);
					out.put(s, new Entry(s, ino, filetype ? Byte.toUnsignedInt(b.get(at + 7)) : 0));
				}
			}
			at += recLen;
		}
	}

	/** rec_len as stored; in 64 KiB blocks the full block is written as 65535 or 0. */
	private static int recLen(ByteBuffer b, int at) {
		int len = Short.toUnsignedInt(b.getShort(at + 4));
		return len == 65535 || len == 0 && b.limit() == 65536 ? 65536 : len;
	}

	private static boolean isDot(byte[] name) {
		return name.length == 1 && name[0] == '.' || name.length == 2 && name[0] == '.' && name[1] == '.';
	}

	private static String checkName(byte[] name, String what, int at) throws FsException {
		if (name.length == 0) {
			throw corrupt(what, at, "empty name");
		}
		for (byte c : name) {
			if (c == 0 || c == '/') {
				throw corrupt(what, at, "name with NUL or '/'");
			}
		}
		return new String(name, StandardCharsets.UTF_8);
	}

	private static FsException corrupt(String what, int at, String why) {
		return new FsException(Errno.EIO, what + ": bad entry at offset " + at + ": " + why);
	}
}
