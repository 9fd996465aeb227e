package org.mapfs.store.image;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * A bzip2 decoder for Hercules' bzip2-compressed tracks (Java has none built in): per block, Huffman-coded
 * symbols in groups of 50 with a table chosen per group, move-to-front and zero-run decoding, the inverse
 * Burrows-Wheeler transform, then the initial run-length decoding; each block's CRC and the stream's combined
 * CRC are checked. Output is bounded by the caller's buffer, so a damaged stream cannot make it allocate more.
 */
final class Bzip2 {
	private static final long BLOCK_MAGIC = 0x314159265359L;
	private static final long END_MAGIC = 0x177245385090L;
	private static final int RUNA = 0;
	private static final int RUNB = 1;
	private static final int GROUP_SIZE = 50;
	private static final int MAX_CODE_LENGTH = 20;
	private static final int[] CRC_TABLE = new int[256];

	static {
		for (int i = 0; i < 256; i++) {
			int c = i << 24;
			for (int k = 0; k < 8; k++) {
				c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
			}
			CRC_TABLE[i] = c;
		}
	}

	private final byte[] in;
	private final int end;
	private final byte[] out;
	private final int outEnd;
	private final String what;
	private int pos;
	private long bitBuffer;
	private int bitCount;
	private int outPos;

	private Bzip2(byte[] in, int offset, byte[] out, int at, String what) {
		this.in = in;
		this.pos = offset;
		this.end = in.length;
		this.out = out;
		this.outPos = at;
		this.outEnd = out.length;
		this.what = what;
	}

	/** Decompresses the stream in {@code in} from {@code offset} into {@code out} from {@code at}; returns its length. */
	static int decompress(byte[] in, int offset, byte[] out, int at, String what) throws FsException {
		Bzip2 d = new Bzip2(in, offset, out, at, what);
		d.stream();
		return d.outPos - at;
	}

	private void stream() throws FsException {
		if (bits(8) != 'B' || bits(8) != 'Z' || bits(8) != 'h') {
			throw corrupt("no bzip2 stream header");
		}
		int level = bits(8) - '0';
		if (level < 1 || level > 9) {
			throw corrupt("block size level " + level);
		}
		int combined = 0;
		while (true) {
			long magic = (long) bits(24) << 24 | bits(24);
			int crc = bits(16) << 16 | bits(16);
			if (magic == END_MAGIC) {
				if (crc != combined) {
					throw corrupt("stream CRC mismatch");
				}
				return;
			}
			if (magic != BLOCK_MAGIC) {
				throw corrupt("bad block magic");
			}
			int computed = block(level * 100_000);
			if (computed != crc) {
				throw corrupt("block CRC mismatch");
			}
			combined = (combined << 1 | combined >>> 31) ^ crc;
		}
	}

	/** Decodes one block into the output; returns the CRC of what it wrote. */
	private int block(int maxBlock) throws FsException {
		if (bits(1) != 0) {
			throw corrupt("randomized blocks are not supported");
		}
		int origPtr = bits(24);
		int[] seqToUnseq = new int[256];
		int inUse = 0;
		int used = bits(16);
		for (int i = 0; i < 16; i++) {
			if ((used & (0x8000 >>> i)) != 0) {
				int symbols = bits(16);
				for (int j = 0; j < 16; j++) {
					if ((symbols & (0x8000 >>> j)) != 0) {
						seqToUnseq[inUse++] = i * 16 + j;
					}
				}
			}
		}
		if (inUse == 0) {
			throw corrupt("block uses no symbols");
		}
		int alphaSize = inUse + 2;
		int groups = bits(3);
		int selectorCount = bits(15);
		if (groups < 2 || groups > 6 || selectorCount < 1) {
			throw corrupt(groups + " tables, " + selectorCount + " selectors");
		}
		byte[] selectors = selectors(groups, selectorCount);
		Huffman[] tables = new Huffman[groups];
		for (int t = 0; t < groups; t++) {
			tables[t] = new Huffman(codeLengths(alphaSize));
		}
		// the block before the initial run-length decoding is at most 5/4 of what it decodes to
		int capacity = (int) Math.min(maxBlock, (outEnd - outPos) * 5L / 4 + 8);
		int[] tt = new int[capacity];
		int[] counts = new int[256];
		int[] mtf = new int[256];
		for (int i = 0; i < 256; i++) {
			mtf[i] = i;
		}
		int n = 0;
		int group = 0;
		int left = 0;
		Huffman table = null;
		int sym;
		int run = 0;
		int weight = 1;
		while (true) {
			if (left == 0) {
				if (group >= selectorCount) {
					throw corrupt("more symbols than selectors");
				}
				table = tables[selectors[group++]];
				left = GROUP_SIZE;
			}
			left--;
			sym = table.decode(this);
			if (sym == RUNA || sym == RUNB) {
				// zero runs are numbers in bijective base 2: RUNA is a 1, RUNB a 2 at each position
				run += (sym + 1) * weight;
				weight <<= 1;
				if (run > capacity) {
					throw corrupt("run past the block size");
				}
				continue;
			}
			if (run > 0) {
				int c = seqToUnseq[mtf[0]];
				if (n + run > capacity) {
					throw corrupt("block larger than the output can hold");
				}
				counts[c] += run;
				while (run-- > 0) {
					tt[n++] = c;
				}
				run = 0;
				weight = 1;
			}
			if (sym == alphaSize - 1) {
				break;
			}
			int index = sym - 1;
			int front = mtf[index];
			System.arraycopy(mtf, 0, mtf, 1, index);
			mtf[0] = front;
			int c = seqToUnseq[front];
			if (n >= capacity) {
				throw corrupt("block larger than the output can hold");
			}
			counts[c]++;
			tt[n++] = c;
		}
		if (origPtr >= n) {
			throw corrupt("origin pointer " + origPtr + " past the block of " + n);
		}
		return unsort(tt, n, counts, origPtr);
	}

	/** The inverse Burrows-Wheeler transform, feeding the run-length decoding; returns the block's CRC. */
	private int unsort(int[] tt, int n, int[] counts, int origPtr) throws FsException {
		int[] start = new int[256];
		for (int i = 1; i < 256; i++) {
			start[i] = start[i - 1] + counts[i - 1];
		}
		for (int i = 0; i < n; i++) {
			int c = tt[i] & 0xFF;
			tt[start[c]++] |= i << 8;
		}
		int crc = ~0;
		int t = tt[origPtr] >>> 8;
		int last = -1;
		int same = 0;
		for (int k = 0; k < n; k++) {
			t = tt[t];
			int c = t & 0xFF;
			t >>>= 8;
			if (same == 4) {
				// after four equal bytes comes a count of more
				for (int r = 0; r < c; r++) {
					crc = put(crc, last);
				}
				same = 0;
				continue;
			}
			same = c == last ? same + 1 : 1;
			last = c;
			crc = put(crc, c);
		}
		return ~crc;
	}

	private int put(int crc, int c) throws FsException {
		if (outPos >= outEnd) {
			throw corrupt("decompresses to more than " + (outEnd) + " bytes");
		}
		out[outPos++] = (byte) c;
		return (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ c) & 0xFF];
	}

	/** Which table each group of 50 symbols uses: move-to-front coded, each index in unary. */
	private byte[] selectors(int groups, int count) throws FsException {
		byte[] order = new byte[groups];
		for (byte i = 0; i < groups; i++) {
			order[i] = i;
		}
		byte[] selectors = new byte[count];
		for (int i = 0; i < count; i++) {
			int j = 0;
			while (bits(1) == 1) {
				if (++j >= groups) {
					throw corrupt("selector past the tables");
				}
			}
			byte v = order[j];
			System.arraycopy(order, 0, order, 1, j);
			order[0] = v;
			selectors[i] = v;
		}
		return selectors;
	}

	/** A table's code lengths: a 5-bit start, then per symbol delta-coded changes (10: +1, 11: -1, 0: done). */
	private int[] codeLengths(int alphaSize) throws FsException {
		int[] lengths = new int[alphaSize];
		int length = bits(5);
		for (int s = 0; s < alphaSize; s++) {
			while (true) {
				if (length < 1 || length > MAX_CODE_LENGTH) {
					throw corrupt("code length " + length);
				}
				if (bits(1) == 0) {
					break;
				}
				length += bits(1) == 0 ? 1 : -1;
			}
			lengths[s] = length;
		}
		return lengths;
	}

	int bits(int n) throws FsException {
		while (bitCount < n) {
			if (pos >= end) {
				throw corrupt("stream ends early");
			}
			bitBuffer = bitBuffer << 8 | (in[pos++] & 0xFF);
			bitCount += 8;
		}
		bitCount -= n;
		return (int) (bitBuffer >>> bitCount) & ((1 << n) - 1);
	}

	private FsException corrupt(String why) {
		return new FsException(Errno.EIO, what + ": bad bzip2 data: " + why);
	}

	/** A canonical Huffman code: codes of each length are consecutive, in symbol order. */
	private static final class Huffman {
		private final int[] count = new int[MAX_CODE_LENGTH + 1];
		private final int[] firstCode = new int[MAX_CODE_LENGTH + 1];
		private final int[] firstIndex = new int[MAX_CODE_LENGTH + 1];
		private final int[] symbols;

		Huffman(int[] lengths) {
			for (int length : lengths) {
				count[length]++;
			}
			int code = 0;
			int index = 0;
			for (int l = 1; l <= MAX_CODE_LENGTH; l++) {
				firstCode[l] = code;
				firstIndex[l] = index;
				code = (code + count[l]) << 1;
				index += count[l];
			}
			symbols = new int[lengths.length];
			int[] next = firstIndex.clone();
			for (int s = 0; s < lengths.length; s++) {
				symbols[next[lengths[s]]++] = s;
			}
		}

		int decode(Bzip2 d) throws FsException {
			int code = 0;
			for (int l = 1; l <= MAX_CODE_LENGTH; l++) {
				code = code << 1 | d.bits(1);
				int offset = code - firstCode[l];
				if (offset >= 0 && offset < count[l]) {
					return symbols[firstIndex[l] + offset];
				}
			}
			throw d.corrupt("no such code");
		}
	}
}
