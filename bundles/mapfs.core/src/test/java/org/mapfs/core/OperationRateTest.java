package org.mapfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class OperationRateTest {
	private static final long SECOND = 1_000_000_000L;
	private final AtomicLong clock = new AtomicLong(1000 * SECOND);
	private final OperationRate rate = new OperationRate(clock::get);

	private void count(int n) {
		for (int i = 0; i < n; i++) {
			rate.count();
		}
	}

	@Test
	void theRateIsTheLastTenWholeSecondsAverage() {
		count(50);
		assertEquals(0.0, rate.perSecond(), "the current second is still filling");
		clock.addAndGet(SECOND);
		assertEquals(5.0, rate.perSecond());
		count(30);
		clock.addAndGet(SECOND);
		assertEquals(8.0, rate.perSecond());
		clock.addAndGet(9 * SECOND);
		assertEquals(3.0, rate.perSecond(), "the first second left the window");
		clock.addAndGet(SECOND);
		assertEquals(0.0, rate.perSecond());
	}

	@Test
	void aBucketIsReusedWhenItsSecondComesRoundAgain() {
		count(100);
		clock.addAndGet(11 * SECOND); // the same bucket, eleven seconds later
		count(10);
		clock.addAndGet(SECOND);
		assertEquals(1.0, rate.perSecond());
	}
}
