package org.mapfs.core;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Operations per second over the last {@value #SECONDS} seconds: a ring of per-second counters, so counting an
 * operation is one clock read and one {@link LongAdder} increment. A bucket is recycled when its second comes
 * round again; an operation racing with the recycling may be lost, which a rate for people can afford.
 */
final class OperationRate {
	static final int SECONDS = 10;
	/** One bucket more than the window: the current second's, still filling. */
	private static final int BUCKETS = SECONDS + 1;
	private final LongSupplier nanoClock;
	private final LongAdder[] counts = new LongAdder[BUCKETS];
	/** The second each bucket counts. */
	private final AtomicLongArray seconds = new AtomicLongArray(BUCKETS);

	OperationRate(LongSupplier nanoClock) {
		this.nanoClock = nanoClock;
		for (int i = 0; i < BUCKETS; i++) {
			counts[i] = new LongAdder();
			seconds.set(i, -1);
		}
	}

	void count() {
		long now = second();
		int i = (int) (now % BUCKETS);
		long was = seconds.get(i);
		if (was != now && seconds.compareAndSet(i, was, now)) {
			counts[i].reset();
		}
		counts[i].increment();
	}

	/** The operations of the last {@value #SECONDS} whole seconds, per second. */
	double perSecond() {
		long now = second();
		long sum = 0;
		for (int i = 0; i < BUCKETS; i++) {
			long s = seconds.get(i);
			if (s >= now - SECONDS && s < now) {
				sum += counts[i].sum();
			}
		}
		return sum / (double) SECONDS;
	}

	private long second() {
		return nanoClock.getAsLong() / 1_000_000_000L;
	}
}
