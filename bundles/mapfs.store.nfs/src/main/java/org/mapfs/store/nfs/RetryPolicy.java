package org.mapfs.store.nfs;

/**
 * How long a call waits for its reply and what happens after: {@code hard} calls are sent again until the
 * server answers (as the Linux NFS client's {@code hard} option); soft ones fail with EIO once
 * {@code retrans + 1} timeouts have passed without a reply.
 */
record RetryPolicy(boolean hard, int timeoutMillis, int retrans) {
	RetryPolicy {
		if (timeoutMillis <= 0 || retrans < 0) {
			throw new IllegalArgumentException("timeout must be > 0 and retrans >= 0");
		}
	}

	/** The same timeouts, soft: for what must end in bounded time (activation, probing the server). */
	RetryPolicy soft() {
		return new RetryPolicy(false, timeoutMillis, retrans);
	}

	/** Milliseconds after which a soft call gives up. */
	long softLimitMillis() {
		return (long) timeoutMillis * (retrans + 1);
	}
}
