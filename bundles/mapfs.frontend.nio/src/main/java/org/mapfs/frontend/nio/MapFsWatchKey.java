package org.mapfs.frontend.nio;

import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.mapfs.api.DirEntry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * A watched directory: what it held at the last look (per name: inode, size, times), and the events found by
 * comparing since, queued as the JDK's keys queue them (a repeat of the last event counts up, more than
 * {@value #MAX_EVENTS} become one OVERFLOW).
 */
final class MapFsWatchKey implements WatchKey {
	private static final int MAX_EVENTS = 512;
	private final MapFsWatchService service;
	private final MapFsPath watchable;
	private final FsPath dir;
	private volatile Set<WatchEvent.Kind<?>> kinds;
	private Map<String, List<Long>> snapshot;
	private final List<Event<?>> events = new ArrayList<>();
	private boolean signalled;
	private volatile boolean valid = true;

	private static final class Event<T> implements WatchEvent<T> {
		private final Kind<T> kind;
		private final T context;
		private int count = 1;

		Event(Kind<T> kind, T context) {
			this.kind = kind;
			this.context = context;
		}

		@Override
		public Kind<T> kind() {
			return kind;
		}

		@Override
		public int count() {
			return count;
		}

		@Override
		public T context() {
			return context;
		}

		@Override
		public String toString() {
			return kind + " " + context;
		}
	}

	MapFsWatchKey(MapFsWatchService service, MapFsPath watchable, FsPath dir, Set<WatchEvent.Kind<?>> kinds)
			throws FsException {
		this.service = service;
		this.watchable = watchable;
		this.dir = dir;
		this.kinds = kinds;
		this.snapshot = look();
	}

	FsPath dir() {
		return dir;
	}

	void kinds(Set<WatchEvent.Kind<?>> kinds) {
		this.kinds = kinds;
	}

	/** What identifies each entry's state: inode, size, modification and change time. */
	private Map<String, List<Long>> look() throws FsException {
		var mount = service.fileSystem().mount();
		Map<String, List<Long>> now = new HashMap<>();
		for (DirEntry e : mount.list(dir)) {
			try {
				FileAttributes a = mount.stat(dir.resolve(e.name()));
				now.put(e.name(), List.of(a.ino(), a.size(), a.mtimeNs(), a.ctimeNs()));
			} catch (FsException gone) {
				if (gone.errno() != Errno.ENOENT) {
					throw gone;
				}
			}
		}
		return now;
	}

	/** Looks at the directory and queues what changed; a directory that went away cancels the key. */
	void scan() {
		if (!valid) {
			return;
		}
		Map<String, List<Long>> now;
		try {
			now = look();
		} catch (FsException e) {
			cancel();
			synchronized (this) {
				signal();
			}
			return;
		}
		synchronized (this) {
			for (Map.Entry<String, List<Long>> e : now.entrySet()) {
				List<Long> before = snapshot.get(e.getKey());
				if (before == null) {
					add(StandardWatchEventKinds.ENTRY_CREATE, e.getKey());
				} else if (!before.equals(e.getValue())) {
					add(StandardWatchEventKinds.ENTRY_MODIFY, e.getKey());
				}
			}
			for (String name : snapshot.keySet()) {
				if (!now.containsKey(name)) {
					add(StandardWatchEventKinds.ENTRY_DELETE, name);
				}
			}
			snapshot = now;
			if (!events.isEmpty()) {
				signal();
			}
		}
	}

	private void add(WatchEvent.Kind<Path> kind, String name) {
		if (!kinds.contains(kind)) {
			return;
		}
		Path context = watchable.getFileSystem().getPath(name);
		if (!events.isEmpty()) {
			Event<?> last = events.get(events.size() - 1);
			if (last.kind() == StandardWatchEventKinds.OVERFLOW
					|| last.kind() == kind && context.equals(last.context())) {
				last.count++;
				return;
			}
		}
		if (events.size() >= MAX_EVENTS) {
			events.clear();
			events.add(new Event<>(StandardWatchEventKinds.OVERFLOW, null));
			return;
		}
		events.add(new Event<>(kind, context));
	}

	private void signal() {
		if (!signalled) {
			signalled = true;
			service.signal(this);
		}
	}

	@Override
	public boolean isValid() {
		return valid && service.isOpen();
	}

	@Override
	public synchronized List<WatchEvent<?>> pollEvents() {
		List<WatchEvent<?>> out = new ArrayList<>(events);
		events.clear();
		return out;
	}

	@Override
	public synchronized boolean reset() {
		if (!isValid()) {
			return false;
		}
		if (signalled && !events.isEmpty()) {
			service.signal(this);
		} else {
			signalled = false;
		}
		return true;
	}

	@Override
	public void cancel() {
		valid = false;
		service.cancelled(this);
	}

	@Override
	public MapFsPath watchable() {
		return watchable;
	}
}
