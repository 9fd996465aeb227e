package org.mapfs.frontend.fuse;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.mapfs.api.Mount;

/**
 * Serves one {@link Mount} at a mount point: plain Java, used by the DS component and by {@code ./mapfs mount}.
 * <p>
 * {@link #mount} clears a stale mount point first (one left by a killed process: stat fails with ENOTCONN), starts
 * libfuse's multithreaded loop on its own thread and returns once the kernel is connected. {@link #umount} never
 * hangs: a busy mount is detached lazily ({@code fusermount -u -z}) and goes away when its last user lets go. An
 * unmount from outside ({@code umount MNT}, {@code fusermount -u MNT}) ends the loop too; {@link #awaitUnmounted}
 * and {@link #onUnmounted} tell.
 */
public final class FuseFrontEnd implements AutoCloseable {
	private static final System.Logger LOG = System.getLogger(FuseFrontEnd.class.getName());
	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * How to mount.
	 *
	 * @param allowOther other users may use the mount (FUSE {@code allow_other}); implies defaultPermissions
	 * @param defaultPermissions the kernel checks permissions from the modes and owners, as on any file system
	 * @param attrTimeout seconds the kernel caches attributes
	 * @param entryTimeout seconds the kernel caches names
	 * @param extra further FUSE {@code -o} options, e.g. {@code max_read=131072}
	 * @param debug libfuse prints every request on standard error ({@code -d})
	 * @param autoUnmount FUSE {@code auto_unmount}: a fusermount helper unmounts when the process dies, even by
	 *            SIGKILL (libfuse mounts through fusermount then)
	 * @param readyTimeout how long {@link FuseFrontEnd#mount} waits for the kernel
	 */
	public record Options(boolean allowOther, boolean defaultPermissions, double attrTimeout, double entryTimeout,
			List<String> extra, boolean debug, boolean autoUnmount, Duration readyTimeout) {
		public Options {
			extra = List.copyOf(extra);
			Objects.requireNonNull(readyTimeout);
			if (attrTimeout < 0 || entryTimeout < 0 || Double.isNaN(attrTimeout) || Double.isNaN(entryTimeout)) {
				throw new IllegalArgumentException("negative cache timeout");
			}
		}

		/** Only the mounting user, kernel permission checks, 1 s caches, unmounted when the process dies. */
		public static Options defaults() {
			return new Options(false, true, 1.0, 1.0, List.of(), false, true, Duration.ofSeconds(15));
		}

		public Options withAllowOther(boolean on) {
			return new Options(on, defaultPermissions, attrTimeout, entryTimeout, extra, debug, autoUnmount,
					readyTimeout);
		}

		public Options withDefaultPermissions(boolean on) {
			return new Options(allowOther, on, attrTimeout, entryTimeout, extra, debug, autoUnmount, readyTimeout);
		}

		public Options withTimeouts(double attr, double entry) {
			return new Options(allowOther, defaultPermissions, attr, entry, extra, debug, autoUnmount, readyTimeout);
		}

		public Options withExtra(List<String> options) {
			return new Options(allowOther, defaultPermissions, attrTimeout, entryTimeout, options, debug,
					autoUnmount, readyTimeout);
		}

		public Options withDebug(boolean on) {
			return new Options(allowOther, defaultPermissions, attrTimeout, entryTimeout, extra, on, autoUnmount,
					readyTimeout);
		}

		public Options withAutoUnmount(boolean on) {
			return new Options(allowOther, defaultPermissions, attrTimeout, entryTimeout, extra, debug, on,
					readyTimeout);
		}

		public Options withReadyTimeout(Duration timeout) {
			return new Options(allowOther, defaultPermissions, attrTimeout, entryTimeout, extra, debug, autoUnmount,
					timeout);
		}
	}

	private final List<Runnable> unmountListeners = new CopyOnWriteArrayList<>();
	private final CountDownLatch ended = new CountDownLatch(1);
	private volatile Path mountPoint;
	private volatile Thread loop;
	private volatile int exitStatus = -1;

	/**
	 * Mounts {@code mount} at {@code mountPoint} and returns once the kernel serves it.
	 *
	 * @throws IOException the mount point is missing or no directory, libfuse.so.2 is missing, or the mount
	 *             failed (libfuse prints its reason on standard error) or did not come up in time
	 */
	public synchronized void mount(Mount mount, Path mountPoint, Options options) throws IOException {
		if (loop != null) {
			throw new IllegalStateException("this front-end already served " + this.mountPoint);
		}
		Path mp = mountPoint.toAbsolutePath().normalize();
		clearStale(mp);
		BasicFileAttributes attrs;
		try {
			attrs = Files.readAttributes(mp, BasicFileAttributes.class);
		} catch (NoSuchFileException e) {
			throw new NoSuchFileException(mp.toString(), null, "mount point does not exist");
		}
		if (!attrs.isDirectory()) {
			throw new NotDirectoryException(mp + ": mount point is not a directory");
		}
		MapFsFuse fs;
		try {
			fs = new MapFsFuse(mount);
		} catch (LinkageError | RuntimeException e) {
			throw new IOException("cannot load libfuse.so.2 (Debian package libfuse2): " + e, e);
		}
		String[] args = arguments(mount, mp, options);
		LOG.log(Level.DEBUG, () -> "fuse_main " + String.join(" ", args));
		this.mountPoint = mp;
		Thread t = new Thread(() -> {
			try {
				exitStatus = fs.runFuseMain(mp, args);
			} catch (Throwable e) {
				LOG.log(Level.ERROR, "FUSE loop of " + mp + " failed", e);
			} finally {
				fs.closeAll();
				ended.countDown();
				for (Runnable r : unmountListeners) {
					try {
						r.run();
					} catch (RuntimeException e) {
						LOG.log(Level.WARNING, "unmount listener failed", e);
					}
				}
			}
		}, "mapfs-fuse " + mp);
		t.setDaemon(true);
		this.loop = t;
		t.start();
		long deadline = System.nanoTime() + options.readyTimeout().toNanos();
		try {
			while (!fs.awaitInit(20, TimeUnit.MILLISECONDS)) {
				if (ended.getCount() == 0) {
					throw new IOException("mounting " + mount.name() + " at " + mp + " failed (libfuse status "
							+ exitStatus + "; its reason is on standard error)");
				}
				if (System.nanoTime() > deadline) {
					umount();
					throw new IOException("mounting " + mount.name() + " at " + mp + ": the kernel did not connect in "
							+ options.readyTimeout().toSeconds() + " s");
				}
			}
			// the kernel sends INIT right after mount(2) returned: the mount table has it by now
			while (!isMountPoint(mp) && ended.getCount() > 0 && System.nanoTime() < deadline) {
				Thread.sleep(5);
			}
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			umount();
			throw new IOException("interrupted while mounting at " + mp, e);
		}
		LOG.log(Level.INFO, () -> "mounted " + mount.name() + " at " + mp);
	}

	/** The arguments of fuse_main: foreground (the loop runs on this thread), multithreaded, the options. */
	static String[] arguments(Mount mount, Path mp, Options o) {
		List<String> opts = new ArrayList<>();
		opts.add("fsname=" + optionValue("mapfs:" + mount.name()));
		opts.add("subtype=mapfs");
		// inode numbers are the mount's own (stable across copy-up and remount)
		opts.add("use_ino");
		// libfuse 2 refuses a non-empty mount point unless told; overlayfs and fuse-overlayfs do not
		opts.add("nonempty");
		// every change reaches the files through this mount (the repository never changes under it), so the pages
		// the kernel caches stay true across opens
		opts.add("kernel_cache");
		// writes of up to 128 KiB per request instead of 4 KiB
		opts.add("big_writes");
		opts.add("max_write=131072");
		opts.add(String.format(Locale.ROOT, "attr_timeout=%s", o.attrTimeout()));
		opts.add(String.format(Locale.ROOT, "entry_timeout=%s", o.entryTimeout()));
		if (o.allowOther()) {
			opts.add("allow_other");
		}
		if (o.autoUnmount()) {
			opts.add("auto_unmount");
		}
		if (o.defaultPermissions() || o.allowOther()) {
			// MapFsFuse checks no permissions itself: another user must be checked by the kernel
			opts.add("default_permissions");
		}
		for (String e : o.extra()) {
			if (!e.isBlank()) {
				opts.add(e.trim());
			}
		}
		List<String> args = new ArrayList<>(List.of("mapfs", "-f"));
		if (o.debug()) {
			args.add("-d");
		}
		args.add(mp.toString());
		args.add("-o");
		args.add(String.join(",", opts));
		return args.toArray(String[]::new);
	}

	private static String optionValue(String s) {
		return s.replaceAll("[,\\s\\\\]", "_");
	}

	public Path mountPoint() {
		return mountPoint;
	}

	/** True while libfuse's loop runs (mounted, or detached lazily and still in use). */
	public boolean isRunning() {
		return loop != null && ended.getCount() > 0;
	}

	/** libfuse's exit status once the loop has ended, -1 before. */
	public int exitStatus() {
		return exitStatus;
	}

	/** Runs {@code r} (on the FUSE thread) when the loop ends: unmounted by {@link #umount} or from outside. */
	public void onUnmounted(Runnable r) {
		AtomicBoolean once = new AtomicBoolean();
		Runnable listener = () -> {
			if (once.compareAndSet(false, true)) {
				r.run();
			}
		};
		unmountListeners.add(listener);
		if (loop != null && ended.getCount() == 0) {
			listener.run();
		}
	}

	/** Waits until the file system is unmounted; true if it was within {@code timeout}. */
	public boolean awaitUnmounted(Duration timeout) throws InterruptedException {
		return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
	}

	/** Waits until the file system is unmounted. */
	public void awaitUnmounted() throws InterruptedException {
		ended.await();
	}

	/**
	 * Unmounts. A busy mount point (open files, a shell's working directory) is detached lazily: it disappears from
	 * the name space at once and the loop ends when its last user lets go. Never waits longer than a few seconds.
	 */
	public synchronized void umount() {
		Path mp = mountPoint;
		if (loop == null || ended.getCount() == 0 || mp == null) {
			return;
		}
		if (!isMountPoint(mp) && !isStale(mp)) {
			// detached already (lazily, or from outside): the loop ends when its last user lets go
			waitEnded(Duration.ofMillis(500));
			return;
		}
		Result r = unmountCommand(mp, false);
		if (r.ok()) {
			if (waitEnded(Duration.ofSeconds(5))) {
				LOG.log(Level.INFO, () -> "unmounted " + mp);
			} else {
				LOG.log(Level.WARNING, "unmounted " + mp + ", but its FUSE loop has not ended yet");
			}
			return;
		}
		LOG.log(Level.WARNING, "unmounting " + mp + " failed (" + r.output().trim()
				+ "): detaching it lazily; it goes away when it is no longer busy");
		Result lazy = unmountCommand(mp, true);
		if (!lazy.ok() && isMountPoint(mp)) {
			LOG.log(Level.ERROR, "cannot unmount " + mp + ": " + lazy.output().trim());
		}
		waitEnded(Duration.ofSeconds(1));
	}

	@Override
	public void close() {
		umount();
	}

	private boolean waitEnded(Duration d) {
		try {
			return ended.await(d.toMillis(), TimeUnit.MILLISECONDS);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	// ----------------------------------------------------------------------------------- the mount table

	/**
	 * Clears a mount point left by a process that was killed: stat fails with ENOTCONN ("Transport endpoint is not
	 * connected") or ECONNABORTED, and a lazy unmount removes it.
	 *
	 * @return true if a stale mount was cleared
	 * @throws IOException if it is stale and cannot be cleared
	 */
	public static boolean clearStale(Path mountPoint) throws IOException {
		Path mp = mountPoint.toAbsolutePath().normalize();
		if (!isStale(mp)) {
			return false;
		}
		LOG.log(Level.WARNING, "clearing the stale mount at " + mp + " (its FUSE process is gone)");
		for (int i = 0; i < 10 && isStale(mp); i++) {
			Result r = unmountCommand(mp, true);
			if (!r.ok()) {
				LOG.log(Level.DEBUG, () -> "lazy unmount of " + mp + ": " + r.output().trim());
			}
		}
		if (isStale(mp)) {
			throw new FileSystemException(mp.toString(), null, "stale FUSE mount point could not be cleared");
		}
		return true;
	}

	/** True if stat of the mount point fails because its FUSE server is gone. */
	public static boolean isStale(Path mp) {
		try {
			Files.readAttributes(mp, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
			return false;
		} catch (FileSystemException e) {
			String reason = String.valueOf(e.getReason()) + " " + e.getMessage();
			return reason.contains("Transport endpoint is not connected")
					|| reason.contains("Software caused connection abort");
		} catch (IOException e) {
			return false;
		}
	}

	/** True if {@code mp} is the mount point of a FUSE file system in this process's mount name space. */
	public static boolean isMountPoint(Path mp) {
		String target = mp.toAbsolutePath().normalize().toString();
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
				String[] f = line.split(" ");
				int dash = line.indexOf(" - ");
				if (f.length > 5 && dash > 0 && unescape(f[4]).equals(target)) {
					String fstype = line.substring(dash + 3).split(" ")[0];
					if (fstype.startsWith("fuse")) {
						return true;
					}
				}
			}
		} catch (IOException e) {
			LOG.log(Level.DEBUG, "cannot read /proc/self/mountinfo", e);
		}
		return false;
	}

	/** The mount table's octal escapes (\040 for a space, ...). */
	private static String unescape(String s) {
		if (s.indexOf('\\') < 0) {
			return s;
		}
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c == '\\' && i + 3 < s.length()) {
				try {
					sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
					i += 3;
					continue;
				} catch (NumberFormatException e) {
					// not an escape
				}
			}
			sb.append(c);
		}
		return sb.toString();
	}

	// ------------------------------------------------------------------------------------ unmount commands

	record Result(boolean ok, String output) {
	}

	/** fusermount -u [-z], falling back to umount [-l]. */
	static Result unmountCommand(Path mp, boolean lazy) {
		String m = mp.toString();
		Result r = run(lazy ? List.of("fusermount", "-u", "-z", m) : List.of("fusermount", "-u", m));
		if (r.ok()) {
			return r;
		}
		// fusermount is missing or refused (a mount it does not know): umount(8), as root
		Result u = run(lazy ? List.of("umount", "-l", m) : List.of("umount", m));
		return u.ok() ? u : new Result(false, r.output().trim() + "; " + u.output().trim());
	}

	private static Result run(List<String> command) {
		try {
			Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
			p.getOutputStream().close();
			if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				p.destroyForcibly();
				return new Result(false, String.join(" ", command) + " timed out");
			}
			String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			return new Result(p.exitValue() == 0, out);
		} catch (IOException e) {
			return new Result(false, "cannot run " + command.get(0) + ": " + e.getMessage());
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return new Result(false, String.join(" ", command) + " interrupted");
		}
	}
}
