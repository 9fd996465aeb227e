package org.mapfs.api;

/** The type of a file, with the {@code S_IFMT} bits it has in {@code st_mode}. */
public enum FileType {
	REGULAR(0100000),
	DIRECTORY(0040000),
	SYMLINK(0120000),
	CHAR_DEVICE(0020000),
	BLOCK_DEVICE(0060000),
	FIFO(0010000),
	SOCKET(0140000);

	/** The mask of the type bits in {@code st_mode}. */
	public static final int S_IFMT = 0170000;

	private final int bits;

	FileType(int bits) {
		this.bits = bits;
	}

	/** The {@code S_IFMT} bits of this type. */
	public int bits() {
		return bits;
	}

	/** The type encoded in the {@code S_IFMT} bits of {@code st_mode}. */
	public static FileType ofMode(int stMode) throws FsException {
		int t = stMode & S_IFMT;
		for (FileType type : values()) {
			if (type.bits == t) {
				return type;
			}
		}
		throw new FsException(Errno.EINVAL, "unknown file type bits 0" + Integer.toOctalString(t));
	}
}
