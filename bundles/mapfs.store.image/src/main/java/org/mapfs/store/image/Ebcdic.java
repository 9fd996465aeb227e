package org.mapfs.store.image;

/** The EBCDIC (code page 037) characters of DASD labels and data set names: letters, digits, '.', '-', ' '. */
final class Ebcdic {
	private static final char[] TABLE = new char[256];

	static {
		java.util.Arrays.fill(TABLE, '?');
		TABLE[0x40] = ' ';
		TABLE[0x4B] = '.';
		TABLE[0x60] = '-';
		TABLE[0x6D] = '_';
		TABLE[0x5B] = '$';
		TABLE[0x7B] = '#';
		TABLE[0x7C] = '@';
		fill(0xC1, "ABCDEFGHI");
		fill(0xD1, "JKLMNOPQR");
		fill(0xE2, "STUVWXYZ");
		fill(0xF0, "0123456789");
	}

	private Ebcdic() {
	}

	private static void fill(int from, String chars) {
		for (int i = 0; i < chars.length(); i++) {
			TABLE[from + i] = chars.charAt(i);
		}
	}

	static String decode(byte[] b, int offset, int length) {
		StringBuilder sb = new StringBuilder(length);
		for (int i = offset; i < offset + length; i++) {
			sb.append(TABLE[b[i] & 0xFF]);
		}
		return sb.toString();
	}
}
