package org.mapfs.core;

import java.util.concurrent.atomic.LongAdder;

/** Counters of one mount, for the shell's {@code stats}. */
final class Stats {
	private final LongAdder copyUps = new LongAdder();
	private final LongAdder copiedBytes = new LongAdder();
	private final LongAdder whiteouts = new LongAdder();

	void copyUp() {
		copyUps.increment();
	}

	void copiedBytes(long n) {
		copiedBytes.add(n);
	}

	void whiteout() {
		whiteouts.increment();
	}

	long copyUps() {
		return copyUps.sum();
	}

	long copiedBytes() {
		return copiedBytes.sum();
	}

	long whiteouts() {
		return whiteouts.sum();
	}
}
