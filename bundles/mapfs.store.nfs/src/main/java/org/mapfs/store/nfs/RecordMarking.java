package org.mapfs.store.nfs;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * ONC RPC record marking over TCP (RFC 5531, section 11): a record is a sequence of fragments, each behind a
 * four-byte header holding a last-fragment bit and a 31-bit length.
 */
final class RecordMarking {
	private static final int LAST_FRAGMENT = 0x80000000;

	private RecordMarking() {
	}

	/** Writes {@code record} as one fragment, header and body in one write (no separate tiny TCP segment). */
	static void write(OutputStream out, byte[] record) throws IOException {
		byte[] b = new byte[record.length + 4];
		int h = LAST_FRAGMENT | record.length;
		b[0] = (byte) (h >>> 24);
		b[1] = (byte) (h >>> 16);
		b[2] = (byte) (h >>> 8);
		b[3] = (byte) h;
		System.arraycopy(record, 0, b, 4, record.length);
		out.write(b);
		out.flush();
	}

	/**
	 * Reads one record of at most {@code maxRecord} bytes, however it is fragmented.
	 *
	 * @return the record, or null if the stream ended cleanly before it
	 * @throws ProtocolFault if the fragments add up to more than {@code maxRecord} (nothing is allocated for it)
	 * @throws EOFException if the stream ends inside a record
	 */
	static byte[] read(InputStream in, int maxRecord) throws IOException {
		DataInputStream data = new DataInputStream(in);
		byte[] record = new byte[0];
		boolean last = false;
		boolean first = true;
		while (!last) {
			int header;
			if (first) {
				int b0 = in.read();
				if (b0 < 0) {
					return null;
				}
				header = (b0 << 24) | readBytes(data, 3);
				first = false;
			} else {
				header = readBytes(data, 4);
			}
			last = (header & LAST_FRAGMENT) != 0;
			int length = header & ~LAST_FRAGMENT;
			if ((long) record.length + length > maxRecord) {
				throw new ProtocolFault("record of " + ((long) record.length + length)
						+ " bytes or more exceeds the limit of " + maxRecord);
			}
			int start = record.length;
			record = Arrays.copyOf(record, start + length);
			try {
				data.readFully(record, start, length);
			} catch (EOFException e) {
				throw new EOFException("connection closed in the middle of a record");
			}
		}
		return record;
	}

	private static int readBytes(DataInputStream in, int n) throws IOException {
		int v = 0;
		try {
			for (int i = 0; i < n; i++) {
				v = (v << 8) | in.readUnsignedByte();
			}
		} catch (EOFException e) {
			throw new EOFException("connection closed in the middle of a record header");
		}
		return v;
	}
}
