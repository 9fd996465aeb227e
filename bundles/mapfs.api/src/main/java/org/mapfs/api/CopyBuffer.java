package org.mapfs.api;

import java.nio.ByteBuffer;

/** The chunk of {@link FileData#copyFrom}'s default: large enough for throughput, small enough to find holes. */
final class CopyBuffer {
	private static final int SIZE = 64 * 1024;
	/** One per thread: a direct buffer is costly to make (zeroed memory, a system call). */
	private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(SIZE));

	private CopyBuffer() {
	}

	static ByteBuffer get() {
		return BUFFER.get();
	}

	static boolean isZero(ByteBuffer buf) {
		int i = buf.position();
		for (; i + Long.BYTES <= buf.limit(); i += Long.BYTES) {
			if (buf.getLong(i) != 0) {
				return false;
			}
		}
		for (; i < buf.limit(); i++) {
			if (buf.get(i) != 0) {
				return false;
			}
		}
		return true;
	}
}
