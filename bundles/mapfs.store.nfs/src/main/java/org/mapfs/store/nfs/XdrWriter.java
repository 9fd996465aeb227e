package org.mapfs.store.nfs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Encodes XDR (RFC 4506) into a growing byte array: big-endian words, opaque data padded to four bytes. */
final class XdrWriter {
	private byte[] buf;
	private int len;

	XdrWriter(int capacity) {
		buf = new byte[Math.max(capacity, 16)];
	}

	private void ensure(int more) {
		if (len + more > buf.length) {
			buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
		}
	}

	XdrWriter putInt(int v) {
		ensure(4);
		buf[len] = (byte) (v >>> 24);
		buf[len + 1] = (byte) (v >>> 16);
		buf[len + 2] = (byte) (v >>> 8);
		buf[len + 3] = (byte) v;
		len += 4;
		return this;
	}

	XdrWriter putLong(long v) {
		return putInt((int) (v >>> 32)).putInt((int) v);
	}

	XdrWriter putBoolean(boolean v) {
		return putInt(v ? 1 : 0);
	}

	/** Fixed-length opaque data: the bytes and their padding, no length word. */
	XdrWriter putFixed(byte[] b) {
		return putFixed(ByteBuffer.wrap(b));
	}

	/** The remaining bytes of {@code b} as fixed-length opaque data, without moving its position. */
	XdrWriter putFixed(ByteBuffer b) {
		int n = b.remaining();
		int padded = (n + 3) & ~3;
		ensure(padded);
		b.duplicate().get(buf, len, n);
		Arrays.fill(buf, len + n, len + padded, (byte) 0);
		len += padded;
		return this;
	}

	/** Variable-length opaque data: a length word, the bytes and their padding. */
	XdrWriter putOpaque(byte[] b) {
		return putInt(b.length).putFixed(b);
	}

	XdrWriter putOpaque(ByteBuffer b) {
		return putInt(b.remaining()).putFixed(b);
	}

	XdrWriter putString(String s) {
		return putOpaque(s.getBytes(StandardCharsets.UTF_8));
	}

	int length() {
		return len;
	}

	byte[] toByteArray() {
		return Arrays.copyOf(buf, len);
	}
}
