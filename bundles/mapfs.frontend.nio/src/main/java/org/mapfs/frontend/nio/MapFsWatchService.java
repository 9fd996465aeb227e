package org.mapfs.frontend.nio;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.NotDirectoryException;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * Watches directories of one mount by looking at them: at once after a change made through the same file system
 * in a watched directory, and after a change the mount reports ({@code Mount.onChange}), and every
 * {@value #POLL_MILLIS} ms for everything else (a change through a FUSE mount of the same mount, or to the overlay's
 * folder). One daemon thread per watch service does the looking.
 */
final class MapFsWatchService implements WatchService {
	static final long POLL_MILLIS = 1000;
	private static final Set<WatchEvent.Kind<?>> KINDS = Set.of(StandardWatchEventKinds.ENTRY_CREATE,
			StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
	private final MapFsFileSystem fs;
	private final Map<FsPath, MapFsWatchKey> keys = new ConcurrentHashMap<>();
	/** Signalled keys; an empty one on close wakes those that wait in take(). */
	private final BlockingQueue<Optional<WatchKey>> signalled = new LinkedBlockingQueue<>();
	private final ScheduledExecutorService looker;
	private volatile boolean closed;

	MapFsWatchService(MapFsFileSystem fs) {
		this.fs = fs;
		this.looker = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, "mapfs-watch-" + fs.name());
			t.setDaemon(true);
			return t;
		});
		this.looker.scheduleWithFixedDelay(this::scanAll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
	}

	MapFsFileSystem fileSystem() {
		return fs;
	}

	boolean isOpen() {
		return !closed;
	}

	private void checkOpen() {
		if (closed) {
			throw new ClosedWatchServiceException();
		}
	}

	WatchKey register(MapFsPath path, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers)
			throws IOException {
		checkOpen();
		if (modifiers.length > 0) {
			throw new UnsupportedOperationException("modifier " + modifiers[0] + " not supported");
		}
		Set<WatchEvent.Kind<?>> kinds = new HashSet<>();
		for (WatchEvent.Kind<?> k : events) {
			if (KINDS.contains(k)) {
				kinds.add(k);
			} else if (k != StandardWatchEventKinds.OVERFLOW) {
				throw new UnsupportedOperationException(k + " not supported");
			}
		}
		if (kinds.isEmpty()) {
			throw new IllegalArgumentException("no events to register");
		}
		if (!fs.stat(path, true).isDirectory()) {
			throw new NotDirectoryException(path.toString());
		}
		FsPath dir = fs.at(path, true, p -> p);
		try {
			return keys.compute(dir, (d, existing) -> {
				if (existing != null) {
					existing.kinds(kinds);
					return existing;
				}
				try {
					return new MapFsWatchKey(this, path, d, kinds);
				} catch (FsException e) {
					throw new KeyFailure(e);
				}
			});
		} catch (KeyFailure e) {
			throw Errors.nio(e.cause, path);
		}
	}

	/** Carries a failure out of a map function. */
	private static final class KeyFailure extends RuntimeException {
		private static final long serialVersionUID = 1L;
		private final FsException cause;

		KeyFailure(FsException cause) {
			super(cause);
			this.cause = cause;
		}
	}

	void signal(MapFsWatchKey key) {
		signalled.add(Optional.of(key));
	}

	void cancelled(MapFsWatchKey key) {
		keys.remove(key.dir(), key);
	}

	/** A change through the file system in {@code dir}. */
	void changed(FsPath dir) {
		MapFsWatchKey key = keys.get(dir);
		if (key != null && !closed) {
			looker.execute(key::scan);
		}
	}

	/** A change the mount reports at {@code path}: its directory and everything below may differ. */
	void changedBelow(FsPath path) {
		for (MapFsWatchKey key : keys.values()) {
			if (key.dir().startsWith(path) || key.dir().equals(path.parent())) {
				changed(key.dir());
			}
		}
	}

	private void scanAll() {
		for (MapFsWatchKey key : keys.values()) {
			key.scan();
		}
	}

	@Override
	public WatchKey poll() {
		checkOpen();
		return checked(signalled.poll());
	}

	@Override
	public WatchKey poll(long timeout, TimeUnit unit) throws InterruptedException {
		checkOpen();
		return checked(signalled.poll(timeout, unit));
	}

	@Override
	public WatchKey take() throws InterruptedException {
		checkOpen();
		return checked(signalled.take());
	}

	private WatchKey checked(Optional<WatchKey> key) {
		if (closed) {
			throw new ClosedWatchServiceException();
		}
		return key == null ? null : key.orElse(null);
	}

	@Override
	public void close() {
		if (closed) {
			return;
		}
		closed = true;
		looker.shutdownNow();
		keys.clear();
		fs.watchServiceClosed(this);
		signalled.add(Optional.empty());
	}
}
