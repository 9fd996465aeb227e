package org.mapfs.frontend.nio;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The byte-range locks held on the files of one mount, by inode number, within this JVM. As the JDK's file lock
 * table, a lock overlapping one already held through any channel of the file fails with
 * {@link OverlappingFileLockException}, so a lock never blocks. They are not seen by other processes (a FUSE
 * mount of the same mount does not know them).
 */
final class FileLocks {
	private final Map<Long, List<Lock>> held = new HashMap<>();

	/** A lock that stays valid until released or its channel closes. */
	final class Lock extends FileLock {
		private final long ino;
		private boolean valid = true;

		private Lock(FileChannel channel, long ino, long position, long size, boolean shared) {
			super(channel, position, size, shared);
			this.ino = ino;
		}

		@Override
		public boolean isValid() {
			synchronized (FileLocks.this) {
				return valid;
			}
		}

		@Override
		public void release() throws IOException {
			if (!channel().isOpen()) {
				throw new ClosedChannelException();
			}
			remove(this);
		}
	}

	synchronized FileLock lock(FileChannel channel, long ino, long position, long size, boolean shared) {
		List<Lock> locks = held.computeIfAbsent(ino, k -> new ArrayList<>());
		for (Lock l : locks) {
			if (l.overlaps(position, size)) {
				throw new OverlappingFileLockException();
			}
		}
		Lock lock = new Lock(channel, ino, position, size, shared);
		locks.add(lock);
		return lock;
	}

	private synchronized void remove(Lock lock) {
		lock.valid = false;
		List<Lock> locks = held.get(lock.ino);
		if (locks != null) {
			locks.remove(lock);
			if (locks.isEmpty()) {
				held.remove(lock.ino);
			}
		}
	}

	/** Releases the locks of a channel that closes. */
	synchronized void closed(FileChannel channel, long ino) {
		List<Lock> locks = held.get(ino);
		if (locks != null) {
			for (Lock l : List.copyOf(locks)) {
				if (l.channel() == channel) {
					remove(l);
				}
			}
		}
	}
}
