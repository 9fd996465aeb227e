package org.mapfs.store.nfs;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Values that are trusted for a while after they were fetched, as the NFS client's attribute cache
 * ({@code actimeo}): a time to live of zero caches nothing. At most {@code capacity} entries: when full, it
 * starts again empty (cheap, and an NFS client must be able to fetch anything again anyway).
 */
final class TimedCache<K, V> {
	private record Stamped<V>(V value, long expiresNanos) {
	}

	private final ConcurrentHashMap<K, Stamped<V>> map = new ConcurrentHashMap<>();
	private final long ttlNanos;
	private final int capacity;

	TimedCache(long ttlMillis, int capacity) {
		this.ttlNanos = TimeUnit.MILLISECONDS.toNanos(ttlMillis);
		this.capacity = capacity;
	}

	/** The value, or null if there is none or it expired. */
	V get(K key) {
		Stamped<V> s = map.get(key);
		if (s == null) {
			return null;
		}
		if (System.nanoTime() - s.expiresNanos >= 0) {
			map.remove(key, s);
			return null;
		}
		return s.value;
	}

	void put(K key, V value) {
		if (ttlNanos <= 0) {
			return;
		}
		if (map.size() >= capacity) {
			map.clear();
		}
		map.put(key, new Stamped<>(value, System.nanoTime() + ttlNanos));
	}

	void remove(K key) {
		map.remove(key);
	}

	void removeIf(Predicate<K> which) {
		map.keySet().removeIf(which);
	}

	void clear() {
		map.clear();
	}
}
