package org.mapfs.frontend.fuse;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.mapfs.api.FsPath;

/**
 * Tells the kernel to drop what it caches of a path that changed other than through the mount (a revert, a new
 * map): the name, the attributes and the pages or listing of the node, and the listing of its directory. For the
 * root it drops everything the kernel knows.
 * <p>
 * The notifications are written by a thread of their own: the kernel may have to wait for a request of this mount
 * to finish before it can drop a name, and that request may be waiting for the change that asked for the
 * notification. The caller waits a bounded time, so a reader right after a revert sees the new state.
 */
final class KernelCache implements AutoCloseable {
	private static final System.Logger LOG = System.getLogger(KernelCache.class.getName());
	private static final long WAIT_MS = 2000;

	private final DevFuse dev;
	private final InodeTable inodes;
	private final ExecutorService writer;
	private final Reply out = new Reply(FuseKernel.DIRENT + FsPath.NAME_MAX * 4 + 8);

	KernelCache(DevFuse dev, InodeTable inodes, String name) {
		this.dev = dev;
		this.inodes = inodes;
		this.writer = Executors.newSingleThreadExecutor(r -> {
			Thread t = new Thread(r, name + " notifications");
			t.setDaemon(true);
			return t;
		});
	}

	/** Drops the kernel's caches of {@code path} (everything for the root) and waits until they are dropped. */
	void changed(FsPath path) {
		Future<?> done;
		try {
			done = writer.submit(() -> {
				notify(path);
				return null;
			});
		} catch (RuntimeException e) {
			return; // closed: unmounted
		}
		try {
			done.get(WAIT_MS, TimeUnit.MILLISECONDS);
		} catch (TimeoutException e) {
			LOG.log(Level.WARNING, "the kernel has not dropped its cache of " + path.toAbsoluteString() + " after "
					+ WAIT_MS + " ms; it will");
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		} catch (Exception e) {
			LOG.log(Level.WARNING, "dropping the kernel's cache of " + path.toAbsoluteString() + " failed", e);
		}
	}

	private void notify(FsPath path) throws IOException {
		List<InodeTable.Name> names = path.isRoot() ? inodes.names() : inodes.along(path);
		if (!path.isRoot() && names.size() < path.depth()) {
			// the kernel does not know the name, but it may list its directory
			long dir = names.isEmpty() ? FuseKernel.ROOT_ID : names.get(names.size() - 1).node();
			if (names.size() == path.depth() - 1) {
				inode(dir);
			}
			return;
		}
		if (path.isRoot()) {
			inode(FuseKernel.ROOT_ID);
			for (InodeTable.Name n : names) {
				entry(n);
				inode(n.node());
			}
		} else {
			InodeTable.Name n = names.get(names.size() - 1);
			entry(n);
			inode(n.node());
			inode(n.parent());
		}
	}

	/** FUSE_NOTIFY_INVAL_ENTRY: the name goes from the kernel's dentry cache (with everything below it). */
	private void entry(InodeTable.Name n) throws IOException {
		byte[] b = n.name().getBytes(UTF_8);
		out.start(0).u64(n.parent()).u32(b.length).u32(0).bytes(b).zeros(1);
		dev.write(out.finishNotification(FuseKernel.NOTIFY_INVAL_ENTRY));
	}

	/** FUSE_NOTIFY_INVAL_INODE: attributes, pages and the cached listing of the node go. */
	private void inode(long node) throws IOException {
		out.start(0).u64(node).u64(0).u64(0);
		dev.write(out.finishNotification(FuseKernel.NOTIFY_INVAL_INODE));
	}

	@Override
	public void close() {
		writer.shutdownNow();
	}
}
