package org.mapfs.core;

import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileData;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * The one open state of a file, shared by all its handles (overlayfs once gave each handle its own view and
 * corrupted databases). Until the first change it reads the repository version; the copy-up swaps in the private
 * copy's data for every handle at once.
 */
final class OpenFile {
	private final ReadWriteLock lock = new ReentrantReadWriteLock();
	private FsPath path;
	private FileData data;
	private boolean upper;
	private boolean unlinked;
	private FileAttributes lastAttrs;
	private int handles;
	private int writers;

	OpenFile(FsPath path, FileData data, boolean upper, FileAttributes attrs) {
		this.path = path;
		this.data = data;
		this.upper = upper;
		this.lastAttrs = attrs;
	}

	synchronized FsPath path() {
		return path;
	}

	synchronized void moved(FsPath to) {
		path = to;
	}

	synchronized void unlinked(FileAttributes attrs) {
		unlinked = true;
		lastAttrs = attrs;
	}

	synchronized boolean isUnlinked() {
		return unlinked;
	}

	synchronized FileAttributes lastAttrs() {
		return lastAttrs;
	}

	synchronized void remember(FileAttributes attrs) {
		lastAttrs = attrs;
	}

	synchronized void retain(boolean writer) {
		handles++;
		writers += writer ? 1 : 0;
	}

	/** Drops one handle; true when it was the last. */
	synchronized boolean release(boolean writer) {
		writers -= writer ? 1 : 0;
		return --handles == 0;
	}

	/** True if a handle may still write: the data must outlive the name then. */
	synchronized boolean hasWriters() {
		return writers > 0;
	}

	boolean isUpper() {
		lock.readLock().lock();
		try {
			return upper;
		} finally {
			lock.readLock().unlock();
		}
	}

	/** Swaps in the data of the private copy: every handle reads and writes it from now on. */
	void copiedUp(FileData upperData) throws FsException {
		lock.writeLock().lock();
		try {
			FileData old = data;
			data = upperData;
			upper = true;
			old.close();
		} finally {
			lock.writeLock().unlock();
		}
	}

	interface DataOp<T> {
		T apply(FileData data) throws FsException;
	}

	/** Runs a data operation on the current data; concurrent ones run in parallel, a copy-up waits for them. */
	<T> T withData(DataOp<T> op) throws FsException {
		lock.readLock().lock();
		try {
			return op.apply(data);
		} catch (LinkageError e) {
			throw StoreSlot.vanished(e);
		} finally {
			lock.readLock().unlock();
		}
	}

	int read(ByteBuffer dst, long position) throws FsException {
		return withData(d -> d.read(dst, position));
	}

	/** Writes to the private copy; the caller made sure there is one. */
	int write(ByteBuffer src, long position) throws FsException {
		return withData(d -> d.write(src, position));
	}

	void truncate(long size) throws FsException {
		withData(d -> {
			d.truncate(size);
			return null;
		});
	}

	/** fsync; the repository version needs none. */
	void sync(boolean metadata) throws FsException {
		withData(d -> {
			if (upper) {
				d.sync(metadata);
			}
			return null;
		});
	}

	long size() throws FsException {
		return withData(FileData::size);
	}

	void close() throws FsException {
		lock.writeLock().lock();
		try {
			data.close();
		} finally {
			lock.writeLock().unlock();
		}
	}
}
