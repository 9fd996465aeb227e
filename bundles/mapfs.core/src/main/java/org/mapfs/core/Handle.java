package org.mapfs.core;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

import org.mapfs.api.Caller;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;

/** One open of a file through the mount: its access mode over the file's shared {@link OpenFile}. */
final class Handle implements FileHandle {
	private final UnionMount mount;
	private final OpenFile file;
	private final boolean writable;
	private final Caller caller;
	private final AtomicBoolean closed = new AtomicBoolean();
	/** True once this handle's writes need not clear setuid/setgid (checked at its first write). */
	private volatile boolean privilegesChecked;

	Handle(UnionMount mount, OpenFile file, boolean writable, Caller caller) {
		this.mount = mount;
		this.file = file;
		this.writable = writable;
		this.caller = caller;
		this.privilegesChecked = caller.isProcess() || caller.uid() == 0;
	}

	@Override
	public int read(ByteBuffer dst, long position) throws FsException {
		checkOpen();
		mount.stats().operation();
		return file.read(dst, position);
	}

	@Override
	public int write(ByteBuffer src, long position) throws FsException {
		checkWritable();
		if (!privilegesChecked) {
			mount.removePrivileges(file);
			privilegesChecked = true;
		}
		mount.copyUp(file);
		mount.stats().operation();
		return file.write(src, position);
	}

	@Override
	public long size() throws FsException {
		checkOpen();
		return file.size();
	}

	@Override
	public void truncate(long size) throws FsException {
		checkWritable();
		mount.copyUp(file);
		file.truncate(size);
	}

	@Override
	public void sync(boolean metadata) throws FsException {
		checkOpen();
		file.sync(metadata);
	}

	@Override
	public FileAttributes stat() throws FsException {
		checkOpen();
		return mount.stat(file);
	}

	@Override
	public void close() throws FsException {
		if (closed.compareAndSet(false, true)) {
			mount.release(file, writable);
		}
	}

	private void checkOpen() throws FsException {
		if (closed.get()) {
			throw new FsException(Errno.EBADF, file.path());
		}
	}

	private void checkWritable() throws FsException {
		checkOpen();
		if (!writable) {
			throw new FsException(Errno.EBADF, file.path(), "not open for writing");
		}
	}
}
