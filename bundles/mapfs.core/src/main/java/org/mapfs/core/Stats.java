package org.mapfs.core;

import java.util.concurrent.atomic.LongAdder;

import org.mapfs.api.admin.MountStats;

/** Counters of one mount, for the shell's {@code stats}. */
final class Stats {
	private final LongAdder copyUps = new LongAdder();
	private final LongAdder copiedBytes = new LongAdder();
	private final LongAdder whiteouts = new LongAdder();
	private final LongAdder operations = new LongAdder();
	private final OperationRate rate = new OperationRate(System::nanoTime);

	void copyUp() {
		copyUps.increment();
	}

	void copiedBytes(long n) {
		copiedBytes.add(n);
	}

	void whiteout() {
		whiteouts.increment();
	}

	/** One operation served: a namespace operation of the mount or a data read or write of a handle. */
	void operation() {
		operations.increment();
		rate.count();
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

	MountStats snapshot(int openFiles) {
		return new MountStats(copyUps.sum(), copiedBytes.sum(), whiteouts.sum(), openFiles, operations.sum(),
				rate.perSecond());
	}
}
