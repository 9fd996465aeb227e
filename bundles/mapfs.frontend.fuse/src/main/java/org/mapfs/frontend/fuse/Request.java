package org.mapfs.frontend.fuse;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.mapfs.api.Caller;
import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * One request from the kernel, read into a buffer that is reused for the next one: the header
 * ({@code fuse_in_header}), then the request's own fields, read in order.
 */
final class Request {
	final ByteBuffer buffer = ByteBuffer.allocateDirect(FuseKernel.BUFFER).order(ByteOrder.nativeOrder());

	int opcode() {
		return buffer.getInt(4);
	}

	long unique() {
		return buffer.getLong(8);
	}

	long nodeId() {
		return buffer.getLong(16);
	}

	/** The process that made the call: new entries belong to it. */
	Caller caller() {
		return new Caller(buffer.getInt(24), buffer.getInt(28));
	}

	/** Moves to the first field after the header. */
	Request body() {
		buffer.position(FuseKernel.IN_HEADER);
		return this;
	}

	int u32() {
		return buffer.getInt();
	}

	long u64() {
		return buffer.getLong();
	}

	Request skip(int bytes) {
		buffer.position(buffer.position() + bytes);
		return this;
	}

	/** A NUL-terminated name. */
	String string() throws FsException {
		int start = buffer.position();
		int end = start;
		while (end < buffer.limit() && buffer.get(end) != 0) {
			end++;
		}
		if (end == buffer.limit()) {
			throw new FsException(Errno.EINVAL, "a name in a FUSE request is not terminated");
		}
		byte[] b = new byte[end - start];
		buffer.get(b);
		buffer.get();
		return new String(b, UTF_8);
	}

	/** The next {@code n} bytes as a view (no copy), for write data. */
	ByteBuffer data(int n) throws FsException {
		if (n < 0 || n > buffer.remaining()) {
			throw new FsException(Errno.EINVAL, "FUSE request shorter than its data");
		}
		ByteBuffer view = buffer.slice(buffer.position(), n);
		skip(n);
		return view;
	}

	byte[] bytes(int n) throws FsException {
		ByteBuffer view = data(n);
		byte[] b = new byte[n];
		view.get(b);
		return b;
	}
}
