package org.mapfs.store.nfs;

import java.nio.ByteBuffer;

import org.mapfs.api.Errno;
import org.mapfs.api.FileData;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * An open regular file of an NFS store: reads through {@link ReadAhead}, writes through
 * {@link UnstableWriter}, committed at sync and close (close-to-open consistency, as the kernel's client).
 * A stale handle is found again from the store's root once per operation.
 */
final class NfsFileData implements FileData {
	@FunctionalInterface
	private interface Op<T> {
		T run(NfsHandle fh) throws FsException;
	}

	private final NfsStore store;
	private final FsPath path;
	private final boolean writable;
	private final ReadAhead reads;
	private final UnstableWriter writes;
	private volatile NfsHandle fh;
	private volatile boolean closed;

	NfsFileData(NfsStore store, FsPath path, NfsHandle fh, boolean writable) {
		this.store = store;
		this.path = path;
		this.fh = fh;
		this.writable = writable;
		this.reads = new ReadAhead(store.client(), path, store.readSize());
		this.writes = writable ? new UnstableWriter(store.client(), path, store.writeSize()) : null;
	}

	private <T> T run(Op<T> op) throws FsException {
		if (closed) {
			throw new FsException(Errno.EBADF, path, "file is closed");
		}
		NfsHandle h = fh;
		try {
			return op.run(h);
		} catch (FsException e) {
			if (e.errno() != Errno.ESTALE) {
				throw e;
			}
			reads.drop();
			fh = store.refresh(path);
			return op.run(fh);
		}
	}

	private void checkWritable() throws FsException {
		if (!writable) {
			throw new FsException(Errno.EBADF, path, "file is open for reading only");
		}
	}

	@Override
	public int read(ByteBuffer dst, long position) throws FsException {
		if (position < 0) {
			throw new FsException(Errno.EINVAL, path, "negative position " + position);
		}
		if (!dst.hasRemaining()) {
			return 0;
		}
		return run(h -> reads.read(h, dst, position));
	}

	@Override
	public int write(ByteBuffer src, long position) throws FsException {
		if (position < 0) {
			throw new FsException(Errno.EINVAL, path, "negative position " + position);
		}
		checkWritable();
		int n = src.remaining();
		if (n == 0) {
			return 0;
		}
		return run(h -> {
			reads.drop();
			try {
				writes.write(h, src, position);
			} finally {
				store.forgetAttributes(h);
			}
			return n;
		});
	}

	@Override
	public long size() throws FsException {
		return run(h -> store.attributes(h, path).size());
	}

	@Override
	public void truncate(long size) throws FsException {
		if (size < 0) {
			throw new FsException(Errno.EINVAL, path, "negative size " + size);
		}
		checkWritable();
		run(h -> {
			reads.drop();
			writes.truncated(size);
			try {
				store.client().setattr(h, Sattr.size(size), path);
			} finally {
				store.forgetAttributes(h);
			}
			return null;
		});
	}

	/** COMMIT of what was written (NFSv3 has no separate data-only sync). */
	@Override
	public void sync(boolean metadata) throws FsException {
		if (writes != null) {
			run(h -> {
				writes.commit(h);
				return null;
			});
		} else if (closed) {
			throw new FsException(Errno.EBADF, path, "file is closed");
		}
	}

	/** Commits what was written; the file is closed even if that fails (the error is thrown). */
	@Override
	public void close() throws FsException {
		if (closed) {
			return;
		}
		try {
			if (writes != null) {
				run(h -> {
					writes.commit(h);
					return null;
				});
			}
		} finally {
			closed = true;
			reads.drop();
		}
	}

	@Override
	public String toString() {
		return "NfsFileData[" + path.toAbsoluteString() + (closed ? ", closed]" : "]");
	}
}
