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

import org.mapfs.api.FsException;
import org.mapfs.api.Mount;

/**
 * Serves one {@link Mount} at a mount point: plain Java, used by the DS component and by {@code ./mapfs mount}.
 * <p>
 * {@link #mount} clears a stale mount point first (one left by a killed process: stat fails with ENOTCONN), opens
 * {@code /dev/fuse}, mounts it with mount(2) (as root) and serves the kernel's requests on its own threads
 * ({@link FuseSession}); it returns once the kernel is connected. {@link #umount} never hangs: a busy mount is
 * detached lazily ({@code umount -l}) and goes away when its last user lets go. An unmount from outside
 * ({@code umount MNT}, {@code fusermount -u MNT}) ends the session too; {@link #awaitUnmounted} and
 * {@link #onUnmounted} tell.
 */
public final class FuseFrontEnd implements AutoCloseable {
	private static final System.Logger LOG = System.getLogger(FuseFrontEnd.class.getName());
	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * How to mount.
	 *
	 * @param allowOther other users may use the mount (FUSE {@code allow_other}); implies defaultPermissions
	 * @param defaultPermissions the kernel checks permissions from the modes and owners, as on any file system
	 * @param attrTimeout seconds the kernel caches the attributes of an entry in the overlay
	 * @param entryTimeout seconds the kernel caches names in the overlay, and names that do not exist
	 * @param repositoryTimeout seconds the kernel caches repository-only entries and their attributes: they cannot
	 *            change under the mount
	 * @param threads how many threads serve requests
	 * @param extra further options, as for mount -o: {@code ro}, {@code suid}, {@code dev}, {@code noexec},
	 *            {@code noatime}, {@code max_read=N}, {@code max_write=N}, {@code fsname=NAME},
	 *            {@code attr_timeout=T}, {@code entry_timeout=T}, {@code repository_timeout=T},
	 *            {@code threads=N}; libfuse's
	 *            {@code kernel_cache}, {@code big_writes}, {@code use_ino} and {@code nonempty} are what MapFS does
	 *            anyway
	 * @param debug print every request on standard error
	 * @param autoUnmount a watchdog process unmounts when this process dies, even by SIGKILL
	 * @param readyTimeout how long {@link FuseFrontEnd#mount} waits for the kernel
	 */
	public record Options(boolean allowOther, boolean defaultPermissions, double attrTimeout, double entryTimeout,
			double repositoryTimeout, int threads, List<String> extra, boolean debug, boolean autoUnmount,
			Duration readyTimeout) {
		public Options {
			extra = List.copyOf(extra);
			Objects.requireNonNull(readyTimeout);
			for (double t : new double[] { attrTimeout, entryTimeout, repositoryTimeout }) {
				if (!(t >= 0) || Double.isInfinite(t)) {
					throw new IllegalArgumentException("cache timeout " + t + " is not a number of seconds >= 0");
				}
			}
			if (threads < 1) {
				throw new IllegalArgumentException("threads must be at least 1, not " + threads);
			}
		}

		/**
		 * Only the mounting user, kernel permission checks, 1 s caches in the overlay, a day for repository-only
		 * entries, 2 threads, unmounted when the process dies.
		 */
		public static Options defaults() {
			return new Options(false, true, 1.0, 1.0, 86_400, 2, List.of(), false, true, Duration.ofSeconds(15));
		}

		public Options withAllowOther(boolean on) {
			return new Options(on, defaultPermissions, attrTimeout, entryTimeout, repositoryTimeout, threads, extra,
					debug, autoUnmount, readyTimeout);
		}

		public Options withDefaultPermissions(boolean on) {
			return new Options(allowOther, on, attrTimeout, entryTimeout, repositoryTimeout, threads, extra, debug,
					autoUnmount, readyTimeout);
		}

		public Options withTimeouts(double attr, double entry, double repository) {
			return new Options(allowOther, defaultPermissions, attr, entry, repository, threads, extra, debug,
					autoUnmount, readyTimeout);
		}

		public Options withThreads(int n) {
			return new Options(allowOther, defaultPermissions, attrTimeout, entryTimeout, repositoryTimeout, n,
					extra, debug, autoUnmount, readyTimeout);
		}

		public Options withExtra(List<String> options) {
			return new Options(allowOther, defaultPermissions, attrTimeout, entryTimeout, repositoryTimeout, threads,
					options, debug, autoUnmount, readyTimeout);
		}

		public Options withDebug(boolean on) {
			return new Options(allowOther, defaultPermissions, attrTimeout, entryTimeout, repositoryTimeout, threads,
					extra, on, autoUnmount, readyTimeout);
		}

		public Options withAutoUnmount(boolean on) {
			return new Options(allowOther, defaultPermissions, attrTimeout, entryTimeout, repositoryTimeout, threads,
					extra, debug, on, readyTimeout);
		}

		public Options withReadyTimeout(Duration timeout) {
			return new Options(allowOther, defaultPermissions, attrTimeout, entryTimeout, repositoryTimeout, threads,
					extra, debug, autoUnmount, timeout);
		}
	}

	/** What {@link Options} come to: mount(2)'s source, flags and data, and the session's settings. */
	record Mounting(String source, long flags, String driverOptions, MapFsFuse.Settings settings, int threads) {
	}

	private final List<Runnable> unmountListeners = new CopyOnWriteArrayList<>();
	private final CountDownLatch ended = new CountDownLatch(1);
	private volatile Path mountPoint;
	private volatile FuseSession session;
	private volatile Process watchdog;
	private volatile Thread shutdownHook;

	/** True while the session runs (mounted, or detached lazily and still in use). */
	public boolean isRunning() {
		return session != null && ended.getCount() > 0;
	}

	/** Runs {@code r} (on a FUSE thread) when the session ends: unmounted by {@link #umount} or from outside. */
	public void onUnmounted(Runnable r) {
		AtomicBoolean once = new AtomicBoolean();
		Runnable listener = () -> {
			if (once.compareAndSet(false, true)) {
				r.run();
			}
		};
		unmountListeners.add(listener);
		if (session != null && ended.getCount() == 0) {
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
	 * Mounts {@code mount} at {@code mountPoint} and returns once the kernel serves it.
	 *
	 * @throws IOException the mount point is missing or no directory, mount(2) failed (with its reason), or the
	 *             kernel did not connect in time
	 * @throws IllegalArgumentException an unknown or malformed option
	 */
	public synchronized void mount(Mount mount, Path mountPoint, Options options) throws IOException {
		if (session != null) {
			throw new IllegalStateException("this front-end already served " + this.mountPoint);
		}
		Mounting m = mounting(mount, options);
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
		if (isMountPoint(mp)) {
			// mounting over it would hide a live mount (another MapFS runtime serving the same site?)
			throw new FileSystemException(mp.toString(), null, "a FUSE file system is already mounted there");
		}
		MapFsFuse fs;
		try {
			fs = new MapFsFuse(mount, m.settings());
		} catch (FsException e) {
			throw new IOException("mount '" + mount.name() + "' cannot serve its root: " + e.getMessage(), e);
		}
		LOG.log(Level.DEBUG, () -> "mount(2) " + mp + " flags " + m.flags() + " " + m.driverOptions());
		DevFuse dev = DevFuse.mount(mp, m.source(), "mapfs", m.flags(), m.driverOptions());
		this.mountPoint = mp;
		if (options.autoUnmount()) {
			watchdog = startWatchdog(mp);
		}
		// the JVM may end without stopping the framework first (System.exit, gogo's exit): unmount cleanly then too
		shutdownHook = new Thread(this::umount, "mapfs-fuse unmount " + mp);
		Runtime.getRuntime().addShutdownHook(shutdownHook);
		KernelCache cache = new KernelCache(dev, fs.inodes(), "mapfs-fuse " + mp);
		AutoCloseable watch = mount.onChange(cache::changed);
		FuseSession s = new FuseSession(dev, fs, m.threads(), "mapfs-fuse " + mp, options.debug(), () -> {
			stopWatchdog();
			removeShutdownHook();
			closeQuietly(watch);
			cache.close();
			fs.closeAll();
			ended.countDown();
			for (Runnable r : unmountListeners) {
				try {
					r.run();
				} catch (RuntimeException e) {
					LOG.log(Level.WARNING, "unmount listener failed", e);
				}
			}
		});
		this.session = s;
		s.start();
		try {
			if (!fs.awaitInit(options.readyTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
				umount();
				throw new IOException("mounting " + mount.name() + " at " + mp + ": the kernel did not connect in "
						+ options.readyTimeout().toSeconds() + " s");
			}
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			umount();
			throw new IOException("interrupted while mounting at " + mp, e);
		}
		// the kernel applies INIT's reply after we sent it; a first request waits until it has
		try {
			Files.readAttributes(mp, BasicFileAttributes.class);
		} catch (IOException e) {
			umount();
			throw e;
		}
		readAhead(mp, m.settings().maxWrite() / 1024);
		LOG.log(Level.INFO, () -> "mounted " + mount.name() + " at " + mp);
	}

	/**
	 * Lets the kernel read ahead {@code kb} KiB, so a sequential read comes in requests of the largest size: the
	 * kernel gives a FUSE mount 128 KiB, and each request has its cost (a 1 GiB read took 2.6 times as long).
	 * There is no mount option for it, only the mount's bdi in sysfs (root); without it, reads still work.
	 */
	private static void readAhead(Path mp, int kb) {
		String device = fuseDevice(mp);
		try {
			if (device != null) {
				Files.writeString(Path.of("/sys/class/bdi", device, "read_ahead_kb"), Integer.toString(kb));
			}
		} catch (IOException | RuntimeException e) {
			LOG.log(Level.DEBUG, "cannot set the read-ahead of " + mp + " (reads work, in smaller requests)", e);
		}
	}

	/** mount(2)'s arguments and the session's settings from {@code o}. */
	static Mounting mounting(Mount mount, Options o) {
		long flags = DevFuse.MS_NOSUID | DevFuse.MS_NODEV;
		String source = "mapfs:" + mount.name();
		List<String> driver = new ArrayList<>();
		double attr = o.attrTimeout();
		double entry = o.entryTimeout();
		double repository = o.repositoryTimeout();
		int maxWrite = FuseKernel.MAX_DATA;
		int threads = o.threads();
		boolean allowOther = o.allowOther();
		boolean defaultPermissions = o.defaultPermissions() || o.allowOther();
		for (String e : o.extra()) {
			String opt = e.trim();
			int eq = opt.indexOf('=');
			String key = eq < 0 ? opt : opt.substring(0, eq);
			String value = eq < 0 ? null : opt.substring(eq + 1);
			switch (key) {
				case "" -> {
				}
				case "ro" -> flags |= DevFuse.MS_RDONLY;
				case "rw" -> flags &= ~DevFuse.MS_RDONLY;
				case "suid" -> flags &= ~DevFuse.MS_NOSUID;
				case "nosuid" -> flags |= DevFuse.MS_NOSUID;
				case "dev" -> flags &= ~DevFuse.MS_NODEV;
				case "nodev" -> flags |= DevFuse.MS_NODEV;
				case "exec" -> flags &= ~DevFuse.MS_NOEXEC;
				case "noexec" -> flags |= DevFuse.MS_NOEXEC;
				case "noatime" -> flags |= DevFuse.MS_NOATIME;
				case "atime", "relatime", "kernel_cache", "big_writes", "use_ino", "nonempty", "auto_cache",
						"subtype" -> {
					// what MapFS does anyway (or the default)
				}
				case "allow_other" -> allowOther = true;
				case "default_permissions" -> defaultPermissions = true;
				case "fsname" -> source = need(opt, value);
				case "max_read" -> driver.add("max_read=" + Math.max(4096, number(opt, value, FuseKernel.MAX_DATA)));
				case "max_write" -> maxWrite = Math.max(4096, number(opt, value, FuseKernel.MAX_DATA));
				case "attr_timeout" -> attr = seconds(opt, value);
				case "entry_timeout" -> entry = seconds(opt, value);
				case "repository_timeout" -> repository = seconds(opt, value);
				case "threads" -> threads = number(opt, value, 64);
				default -> throw new IllegalArgumentException("unknown FUSE option '" + opt + "'");
			}
		}
		if (allowOther) {
			driver.add("allow_other");
		}
		if (defaultPermissions) {
			// MapFsFuse checks no permissions itself: another user must be checked by the kernel
			driver.add("default_permissions");
		}
		return new Mounting(source.replaceAll("[,\\s\\\\]", "_"), flags, String.join(",", driver),
				new MapFsFuse.Settings(entry, attr, repository, maxWrite), threads);
	}

	private static String need(String opt, String value) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException("FUSE option '" + opt + "' needs a value");
		}
		return value.trim();
	}

	private static int number(String opt, String value, int max) {
		try {
			int n = Integer.parseInt(need(opt, value));
			if (n <= 0 || n > max) {
				throw new IllegalArgumentException("FUSE option '" + opt + "': between 1 and " + max);
			}
			return n;
		} catch (NumberFormatException e) {
			throw new IllegalArgumentException("FUSE option '" + opt + "' is not a number");
		}
	}

	private static double seconds(String opt, String value) {
		try {
			double t = Double.parseDouble(need(opt, value));
			if (!(t >= 0) || Double.isInfinite(t)) {
				throw new IllegalArgumentException("FUSE option '" + opt + "': seconds >= 0");
			}
			return t;
		} catch (NumberFormatException e) {
			throw new IllegalArgumentException("FUSE option '" + opt + "' is not a number of seconds");
		}
	}

	/**
	 * FUSE's auto_unmount without fusermount: a small process in its own session that waits on a pipe from this
	 * one. When this process dies, even by SIGKILL, the pipe closes and it detaches the mount; after a clean
	 * unmount it is told "done" and exits.
	 */
	private static Process startWatchdog(Path mp) {
		try {
			return new ProcessBuilder("setsid", "sh", "-c",
					"read line; [ \"$line\" = done ] || umount -l \"$1\" 2>/dev/null || fusermount -u -z \"$1\"",
					"mapfs-unmount-watch", mp.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
					.redirectError(ProcessBuilder.Redirect.DISCARD).start();
		} catch (IOException e) {
			LOG.log(Level.WARNING, "no unmount watchdog for " + mp + " (" + e.getMessage()
					+ "): if this process is killed, the mount point stays stale until the next start clears it");
			return null;
		}
	}

	private void removeShutdownHook() {
		Thread hook = shutdownHook;
		shutdownHook = null;
		if (hook != null && hook != Thread.currentThread()) {
			try {
				Runtime.getRuntime().removeShutdownHook(hook);
			} catch (IllegalStateException e) {
				// the JVM is shutting down: the hook is running or has run
			}
		}
	}

	static void closeQuietly(AutoCloseable c) {
		try {
			c.close();
		} catch (Exception e) {
			LOG.log(Level.DEBUG, "closing the change listener", e);
		}
	}

	private void stopWatchdog() {
		Process w = watchdog;
		watchdog = null;
		if (w != null) {
			try (var in = w.getOutputStream()) {
				in.write("done\n".getBytes(StandardCharsets.US_ASCII));
			} catch (IOException e) {
				LOG.log(Level.DEBUG, "unmount watchdog already gone", e);
			}
		}
	}

	public Path mountPoint() {
		return mountPoint;
	}

	/**
	 * Unmounts. A busy mount point (open files, a shell's working directory) is detached lazily: it disappears from
	 * the name space at once and the session ends when its last user lets go. Never waits longer than a few seconds.
	 */
	public synchronized void umount() {
		Path mp = mountPoint;
		if (session == null || ended.getCount() == 0 || mp == null) {
			return;
		}
		if (!isMountPoint(mp) && !isStale(mp)) {
			// detached already (lazily, or from outside): the session ends when its last user lets go
			waitEnded(Duration.ofMillis(500));
			return;
		}
		Result r = unmountCommand(mp, false);
		if (r.ok()) {
			if (waitEnded(Duration.ofSeconds(5))) {
				LOG.log(Level.INFO, () -> "unmounted " + mp);
			} else {
				LOG.log(Level.WARNING, "unmounted " + mp + ", but its FUSE session has not ended yet");
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
		return fuseDevice(mp) != null;
	}

	/** The device ({@code major:minor}) of the topmost FUSE file system mounted at {@code mp}, or null. */
	private static String fuseDevice(Path mp) {
		String target = mp.toAbsolutePath().normalize().toString();
		String device = null;
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
				String[] f = line.split(" ");
				int dash = line.indexOf(" - ");
				if (f.length > 5 && dash > 0 && unescape(f[4]).equals(target)
						&& line.substring(dash + 3).startsWith("fuse")) {
					device = f[2];
				}
			}
		} catch (IOException e) {
			LOG.log(Level.DEBUG, "cannot read /proc/self/mountinfo", e);
		}
		return device;
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
