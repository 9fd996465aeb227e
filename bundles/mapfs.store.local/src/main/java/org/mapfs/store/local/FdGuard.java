package org.mapfs.store.local;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A file descriptor shared by concurrent operations: {@link #close()} closes it only once no operation uses it
 * any more, so an fd number is never reused by the kernel while an operation still passes it to a system call
 * (which could otherwise act on an unrelated file).
 */
final class FdGuard {
	private static final long CLOSED = Long.MIN_VALUE;

	private final int fd;
	private final AtomicLong state = new AtomicLong();

	FdGuard(int fd) {
		this.fd = fd;
	}

	int fd() {
		return fd;
	}

	/** Marks one more user; false once closed. */
	boolean enter() {
		for (;;) {
			long s = state.get();
			if (s < 0) {
				return false;
			}
			if (state.compareAndSet(s, s + 1)) {
				return true;
			}
		}
	}

	void leave() {
		if (state.decrementAndGet() == CLOSED) {
			closeNow();
		}
	}

	boolean isClosed() {
		return state.get() < 0;
	}

	/**
	 * Closes the fd now if idle, else when the last user leaves. Returns the errno of close(2) when it ran here and
	 * failed, else 0; -1 if it was closed before.
	 */
	int close() {
		for (;;) {
			long s = state.get();
			if (s < 0) {
				return -1;
			}
			if (state.compareAndSet(s, s | CLOSED)) {
				return s == 0 ? closeNow() : 0;
			}
		}
	}

	private int closeNow() {
		try {
			LibC libc = Native.libc();
			return libc.close(fd) == 0 ? 0 : Native.errno();
		} catch (Exception e) {
			return Native.EINTR;
		}
	}
}
