package org.mapfs.store.nfs;

import java.util.Arrays;
import java.util.HexFormat;

import org.mapfs.api.FsException;

/** An NFSv3 file handle (nfs_fh3): opaque bytes, at most {@value #MAX_BYTES}, compared by content. */
final class NfsHandle {
	static final int MAX_BYTES = 64;

	private final byte[] bytes;
	private final int hash;

	NfsHandle(byte[] bytes) {
		this.bytes = bytes.clone();
		this.hash = Arrays.hashCode(bytes);
	}

	static NfsHandle decode(XdrReader r, String field) throws FsException {
		return new NfsHandle(r.getOpaque(MAX_BYTES, field));
	}

	void encode(XdrWriter w) {
		w.putOpaque(bytes);
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof NfsHandle h && h.hash == hash && Arrays.equals(h.bytes, bytes);
	}

	@Override
	public int hashCode() {
		return hash;
	}

	@Override
	public String toString() {
		return HexFormat.of().formatHex(bytes);
	}
}
