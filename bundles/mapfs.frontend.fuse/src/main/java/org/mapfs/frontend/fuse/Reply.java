package org.mapfs.frontend.fuse;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.mapfs.api.FileAttributes;

/**
 * One reply (or notification) being built in a buffer that is reused: the header ({@code fuse_out_header}) is filled
 * in by {@link #finish} once the length is known.
 */
final class Reply {
	private static final long NS = 1_000_000_000L;
	private static final int BLOCK_SIZE = 4096;

	final ByteBuffer buffer;
	private long unique;

	Reply() {
		this(FuseKernel.MAX_DATA);
	}

	/** A reply with room for {@code size} bytes after the header. */
	Reply(int size) {
		buffer = ByteBuffer.allocateDirect(FuseKernel.OUT_HEADER + size).order(ByteOrder.nativeOrder());
	}

	/** Starts the reply to the request {@code unique} (0 for a notification). */
	Reply start(long unique) {
		this.unique = unique;
		buffer.clear().position(FuseKernel.OUT_HEADER);
		return this;
	}

	Reply u32(int v) {
		buffer.putInt(v);
		return this;
	}

	Reply u64(long v) {
		buffer.putLong(v);
		return this;
	}

	Reply bytes(byte[] b) {
		buffer.put(b);
		return this;
	}

	/** A name and its NUL. */
	Reply string(String s) {
		buffer.put(s.getBytes(UTF_8)).put((byte) 0);
		return this;
	}

	Reply zeros(int n) {
		for (int i = 0; i < n; i++) {
			buffer.put((byte) 0);
		}
		return this;
	}

	int remaining() {
		return buffer.remaining();
	}

	/** The room after what is written so far, at most {@code max} bytes, for data read straight into it. */
	ByteBuffer room(int max) {
		return buffer.slice(buffer.position(), Math.min(max, buffer.remaining()));
	}

	Reply advance(int n) {
		buffer.position(buffer.position() + n);
		return this;
	}

	/** {@code fuse_attr}. */
	Reply attr(FileAttributes a) {
		u64(a.ino()).u64(a.size()).u64(a.blocks());
		u64(Math.floorDiv(a.atimeNs(), NS)).u64(Math.floorDiv(a.mtimeNs(), NS)).u64(Math.floorDiv(a.ctimeNs(), NS));
		u32((int) Math.floorMod(a.atimeNs(), NS)).u32((int) Math.floorMod(a.mtimeNs(), NS))
				.u32((int) Math.floorMod(a.ctimeNs(), NS));
		u32(a.stMode()).u32((int) Math.min(a.nlink(), 0xffffffffL)).u32(a.uid()).u32(a.gid()).u32((int) a.rdev());
		return u32(BLOCK_SIZE).u32(0);
	}

	/** {@code fuse_entry_out}; node 0 with a timeout is a negative entry (the name does not exist). */
	Reply entry(long nodeId, FileAttributes a, double entryTimeout, double attrTimeout) {
		u64(nodeId).u64(0).u64(seconds(entryTimeout)).u64(seconds(attrTimeout));
		u32(nanos(entryTimeout)).u32(nanos(attrTimeout));
		return a == null ? zeros(FuseKernel.ATTR) : attr(a);
	}

	/** {@code fuse_attr_out}. */
	Reply attrOut(FileAttributes a, double attrTimeout) {
		return u64(seconds(attrTimeout)).u32(nanos(attrTimeout)).u32(0).attr(a);
	}

	private static long seconds(double t) {
		return (long) t;
	}

	private static int nanos(double t) {
		return (int) Math.round((t - Math.floor(t)) * 1e9) % (int) NS;
	}

	/** Fills in the header of a notification: its code goes where a reply has its error. */
	ByteBuffer finishNotification(int code) {
		int len = buffer.position();
		buffer.putInt(0, len).putInt(4, code).putLong(8, 0);
		return buffer.limit(len);
	}

	/** Fills in the header: {@code error} is 0 or a negative errno (then the reply is the header alone). */
	ByteBuffer finish(int error) {
		if (error != 0) {
			buffer.position(FuseKernel.OUT_HEADER);
		}
		int len = buffer.position();
		buffer.putInt(0, len).putInt(4, error).putLong(8, unique);
		return buffer.limit(len);
	}
}
