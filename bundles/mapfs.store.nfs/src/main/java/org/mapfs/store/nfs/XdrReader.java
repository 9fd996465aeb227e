package org.mapfs.store.nfs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * Decodes XDR from a received record. Every read is checked against what is left of the record, and every
 * length against a limit the caller gives, before anything is allocated: a malformed or hostile reply gives
 * EIO naming the fault, never a huge allocation or an exception of another kind.
 */
final class XdrReader {
	private final byte[] buf;
	private final int end;
	private int pos;
	/** What is decoded, for messages ("NFS READ reply"). */
	private final String what;

	XdrReader(byte[] buf, int offset, int end, String what) {
		this.buf = buf;
		this.pos = offset;
		this.end = end;
		this.what = what;
	}

	XdrReader(byte[] record, String what) {
		this(record, 0, record.length, what);
	}

	/** The same bytes from the current position on, decoded as {@code what}. */
	XdrReader rest(String what) {
		return new XdrReader(buf, pos, end, what);
	}

	int remaining() {
		return end - pos;
	}

	private void need(long n, String field) throws FsException {
		if (n > end - pos) {
			throw malformed(field + " needs " + n + " bytes but only " + (end - pos) + " remain");
		}
	}

	FsException malformed(String fault) {
		return new FsException(Errno.EIO, "malformed " + what + ": " + fault);
	}

	int getInt(String field) throws FsException {
		need(4, field);
		int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8)
				| (buf[pos + 3] & 0xff);
		pos += 4;
		return v;
	}

	/** An unsigned 32-bit value that must not exceed {@code max}. */
	int getUint(String field, int max) throws FsException {
		int v = getInt(field);
		if (v < 0 || v > max) {
			throw malformed(field + " " + Integer.toUnsignedString(v) + " exceeds " + max);
		}
		return v;
	}

	long getLong(String field) throws FsException {
		long hi = getInt(field) & 0xffffffffL;
		return (hi << 32) | (getInt(field) & 0xffffffffL);
	}

	boolean getBoolean(String field) throws FsException {
		int v = getInt(field);
		if (v != 0 && v != 1) {
			throw malformed(field + " is " + v + ", not a boolean");
		}
		return v == 1;
	}

	/** Fixed-length opaque data of {@code n} bytes (and its padding). */
	byte[] getFixed(int n, String field) throws FsException {
		int padded = (n + 3) & ~3;
		need(padded, field);
		byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
		pos += padded;
		return b;
	}

	/** Variable-length opaque data of at most {@code max} bytes. */
	byte[] getOpaque(int max, String field) throws FsException {
		return getFixed(opaqueLength(max, field), field);
	}

	/**
	 * Variable-length opaque data of at most {@code max} bytes, as a read-only view of the record (no copy: a
	 * READ's megabyte goes from the socket's record to the reader's buffer once).
	 */
	ByteBuffer getOpaqueView(int max, String field) throws FsException {
		int n = opaqueLength(max, field);
		need((n + 3) & ~3, field);
		ByteBuffer view = ByteBuffer.wrap(buf, pos, n).slice().asReadOnlyBuffer();
		pos += (n + 3) & ~3;
		return view;
	}

	private int opaqueLength(int max, String field) throws FsException {
		int n = getInt(field + " length");
		if (n < 0 || n > max) {
			throw malformed(field + " length " + Integer.toUnsignedString(n) + " exceeds the limit of " + max);
		}
		need(n, field);
		return n;
	}

	String getString(int max, String field) throws FsException {
		return new String(getOpaque(max, field), StandardCharsets.UTF_8);
	}

	/** Fails unless the whole record was decoded (trailing bytes mean the decoder and the sender disagree). */
	void expectEnd() throws FsException {
		if (pos != end) {
			throw malformed((end - pos) + " unexpected bytes at the end");
		}
	}
}
