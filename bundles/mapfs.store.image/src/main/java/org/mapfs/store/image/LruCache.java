package org.mapfs.store.image;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

import org.mapfs.api.FsException;

/**
 * A cache bounded by an estimate of the memory its values take, dropping the least recently used. Thread-safe;
 * callers load outside the lock, so two threads may load the same value once each, which is harmless for
 * immutable data read from an image.
 */
final class LruCache<K, V> {
	private final long budget;
	private final ToLongFunction<V> weigher;
	private final LinkedHashMap<K, V> map = new LinkedHashMap<>(64, 0.75f, true);
	private long weight;

	LruCache(long budget, ToLongFunction<V> weigher) {
		this.budget = budget;
		this.weigher = weigher;
	}

	interface Loader<K, V> {
		V load(K key) throws FsException;
	}

	/** The cached value, or the loaded one; a value that does not fit in the whole budget is not kept. */
	V get(K key, Loader<K, V> loader) throws FsException {
		synchronized (this) {
			V v = map.get(key);
			if (v != null) {
				return v;
			}
		}
		V v = loader.load(key);
		long w = weigher.applyAsLong(v);
		if (w <= budget) {
			synchronized (this) {
				V old = map.put(key, v);
				weight += w - (old == null ? 0 : weigher.applyAsLong(old));
				Iterator<Map.Entry<K, V>> it = map.entrySet().iterator();
				while (weight > budget && it.hasNext()) {
					weight -= weigher.applyAsLong(it.next().getValue());
					it.remove();
				}
			}
		}
		return v;
	}

	synchronized long weight() {
		return weight;
	}
}
