package org.mapfs.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mapfs.api.Caller;
import org.mapfs.api.Errno;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.api.admin.MountState;
import org.mapfs.api.admin.MountState.State;
import org.mapfs.api.admin.Mounts;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Run-time management inside Felix with the real bundles: mounts that wait for their store bundle, a store bundle
 * stopped, started and updated under continuous reads and writes, configuration errors, layers changed live.
 */
class HotWiringIT {
	private static final String STORE_BUNDLE = "mapfs.store.local";
	@InjectBundleContext
	BundleContext context;
	@InjectService
	ConfigurationAdmin cm;
	@InjectService
	Mounts mounts;

	Path base;
	final List<Configuration> configs = new ArrayList<>();
	final List<Uninstalled> uninstalled = new ArrayList<>();
	final List<FrameworkEvent> frameworkErrors = new CopyOnWriteArrayList<>();
	final FrameworkListener errors = e -> {
		if (e.getType() == FrameworkEvent.ERROR) {
			frameworkErrors.add(e);
		}
	};

	@BeforeEach
	void setUp() throws IOException {
		base = Files.createTempDirectory("mapfs-hot");
		Files.createDirectories(base.resolve("repo/etc"));
		Files.writeString(base.resolve("repo/etc/motd"), "golden\n");
		Files.createDirectories(base.resolve("extra/etc"));
		Files.writeString(base.resolve("extra/etc/extra.conf"), "extra\n");
		Files.createDirectories(base.resolve("upper"));
		context.addFrameworkListener(errors);
	}

	@AfterEach
	void tearDown() throws Exception {
		context.removeFrameworkListener(errors);
		for (Uninstalled u : List.copyOf(uninstalled)) {
			install(u);
		}
		Bundle store = storeBundle();
		if (store.getState() != Bundle.ACTIVE) {
			store.start();
		}
		for (Configuration c : configs) {
			c.delete();
		}
		assertEquals(List.of(), frameworkErrors, "framework errors");
	}

	private Bundle storeBundle() {
		return bundle(STORE_BUNDLE);
	}

	private Bundle bundle(String symbolicName) {
		for (Bundle b : context.getBundles()) {
			if (symbolicName.equals(b.getSymbolicName())) {
				return b;
			}
		}
		throw new AssertionError(symbolicName + " is not installed");
	}

	private Configuration store(String id, String dir, boolean readOnly) throws IOException {
		return keep(Configs.store(cm, id, base.resolve(dir), readOnly ? null : base.resolve("work-" + id), readOnly));
	}

	private Configuration mount(String name, String overlay, String... layers) throws IOException {
		return keep(Configs.mount(cm, name, overlay, layers));
	}

	/** The mount {@code name} of the private overlay over the golden repository, once it is ACTIVE. */
	private void activeMount(String name) throws Exception {
		store("hot-golden", "repo", true);
		store("hot-private", "upper", false);
		mount(name, "hot-private", "hot-golden");
		Await.state(mounts, name, State.ACTIVE);
	}

	/** Deleted after the test. */
	private Configuration keep(Configuration c) {
		configs.add(c);
		return c;
	}

	private static String read(Mount mount, String path) throws FsException {
		try (FileHandle h = mount.open(FsPath.of(path), Set.of(OpenFlag.READ))) {
			ByteBuffer buf = ByteBuffer.allocate((int) h.size());
			while (buf.hasRemaining() && h.read(buf, buf.position()) >= 0) {
				// until full
			}
			return new String(buf.array(), UTF_8);
		}
	}

	private static void write(Mount mount, String path, String content) throws FsException {
		try (FileHandle h = mount.create(FsPath.of(path), 0644, Caller.PROCESS, false)) {
			h.truncate(0);
			h.write(ByteBuffer.wrap(content.getBytes(UTF_8)), 0);
		}
	}

	@Test
	void aMountWaitsForItsStoreBundleAndServesWhenItStarts() throws Exception {
		Bundle bundle = storeBundle();
		bundle.stop();
		store("hot-golden", "repo", true);
		store("hot-private", "upper", false);
		mount("waiting", "hot-private", "hot-golden");
		MountState s = Await.state(mounts, "waiting", State.WAITING);
		assertTrue(s.reason().contains("store 'hot-private'") && s.reason().contains("store 'hot-golden'"),
				s.reason());
		assertEquals(null, Configs.mountService(context, "waiting"));
		bundle.start();
		Await.state(mounts, "waiting", State.ACTIVE);
		Await.until("the Mount service", () -> Configs.mountService(context, "waiting") != null);
		assertEquals("golden\n", read(context.getService(Configs.mountService(context, "waiting")), "etc/motd"));
	}

	@Test
	void configurationErrorsShowAsFailedWithTheReason() throws Exception {
		store("hot-golden", "repo", true);
		store("hot-private", "upper", false);
		mount("bad-layer", "hot-private", "hot-golden:/../etc");
		assertTrue(Await.state(mounts, "bad-layer", State.FAILED).reason().contains("hot-golden:/../etc"));
		mount("second-rw", "hot-private", "hot-golden;rw");
		assertTrue(Await.state(mounts, "second-rw", State.FAILED).reason().contains("second writable layer"));
		Configuration c = mount("bad-option", "hot-private", "hot-golden");
		Dictionary<String, Object> props = Configs.mountProperties("bad-option", "hot-private", "hot-golden");
		props.put("policy.options", new String[] { "nosuch=1" });
		c.update(props);
		assertTrue(Await.state(mounts, "bad-option", State.FAILED).reason().contains("nosuch"));
		assertEquals(Errno.EAGAIN, org.junit.jupiter.api.Assertions.assertThrows(FsException.class,
				() -> mounts.diff("bad-option", FsPath.ROOT)).errno());
		// a good mount beside them serves
		mount("good", "hot-private", "hot-golden");
		Await.state(mounts, "good", State.ACTIVE);
	}

	@Test
	void aReadOnlyLayerAddedToTheConfigurationShowsWithoutANewMountService() throws Exception {
		store("hot-golden", "repo", true);
		store("hot-extra", "extra", true);
		store("hot-private", "upper", false);
		Configuration c = mount("live", "hot-private", "hot-golden");
		Await.state(mounts, "live", State.ACTIVE);
		Await.until("the Mount service", () -> Configs.mountService(context, "live") != null);
		ServiceReference<Mount> ref = Configs.mountService(context, "live");
		Mount mount = context.getService(ref);
		List<FsPath> told = new CopyOnWriteArrayList<>();
		mount.onChange(told::add);
		c.update(Configs.mountProperties("live", "hot-private", "hot-extra", "hot-golden"));
		Await.until("the new layer", () -> mounts.get("live").orElseThrow().layers().size() == 2);
		assertEquals("extra\n", read(mount, "etc/extra.conf"));
		assertEquals("golden\n", read(mount, "etc/motd"));
		assertEquals(ref.getProperty("service.id"), Configs.mountService(context, "live").getProperty("service.id"));
		assertTrue(told.contains(FsPath.ROOT));
		c.update(Configs.mountProperties("live", "hot-private", "hot-golden"));
		Await.until("the layer removed", () -> mounts.get("live").orElseThrow().layers().size() == 1);
		Await.until("extra.conf hidden", () -> !exists(mount, "etc/extra.conf"));
		assertEquals(ref.getProperty("service.id"), Configs.mountService(context, "live").getProperty("service.id"));
	}

	private static boolean exists(Mount mount, String path) throws FsException {
		try {
			mount.stat(FsPath.of(path));
			return true;
		} catch (FsException e) {
			if (e.errno() == Errno.ENOENT) {
				return false;
			}
			throw e;
		}
	}

	/**
	 * The bundle that provides both stores of a mount is stopped, started, updated, refreshed, uninstalled and
	 * installed again while a thread writes and reads files through the mount: the Mount service stays, operations
	 * during the gaps fail with EIO and never hang, every write that succeeded is there afterwards in full, and the
	 * mount serves again.
	 */
	@Test
	void theStoreBundleComesAndGoesUnderContinuousWritesWithoutLossOrANewMount() throws Exception {
		activeMount("busy");
		Await.until("the Mount service", () -> Configs.mountService(context, "busy") != null);
		ServiceReference<Mount> ref = Configs.mountService(context, "busy");
		Mount mount = context.getService(ref);
		mount.mkdir(FsPath.of("data"), 0755, Caller.PROCESS);

		Worker worker = new Worker(mount);
		Thread thread = new Thread(worker, "hot-writer");
		thread.start();
		Bundle bundle = storeBundle();
		worker.awaitSuccesses(20);
		bundle.stop();
		worker.awaitFailures(5);
		assertNotNull(Configs.mountService(context, "busy"), "the Mount service stays while its stores are gone");
		Await.until("the state names the stores gone", () -> mounts.get("busy").orElseThrow().reason().contains("is gone"));
		bundle.start();
		worker.awaitSuccesses(20);
		bundle.update();
		refresh(bundle);
		Await.state(mounts, "busy", State.ACTIVE);
		Await.until("stores back", () -> mounts.get("busy").orElseThrow().reason().isEmpty());
		worker.awaitSuccesses(20);
		reinstall(bundle);
		Await.until("stores back after the reinstall", () -> mounts.get("busy").orElseThrow().reason().isEmpty());
		worker.awaitSuccesses(20);
		worker.stop.set(true);
		thread.join(10_000);
		assertFalse(thread.isAlive(), "the writer hangs");
		assertEquals(List.of(), worker.problems, "torn or unexpected results");
		assertTrue(worker.failures.get() > 0, "no operation saw a store gone");

		assertEquals(ref.getProperty("service.id"), Configs.mountService(context, "busy").getProperty("service.id"),
				"the same Mount service throughout");
		assertSame(mount, context.getService(Configs.mountService(context, "busy")));
		for (int i : worker.written) {
			assertEquals(Worker.content(i), read(mount, "data/f" + i));
			assertEquals(Worker.content(i), Files.readString(base.resolve("upper/data/f" + i)));
		}
		assertEquals("golden\n", read(mount, "etc/motd"));
	}

	/**
	 * The same through FUSE: another process writes files through the mount point while the store bundle is
	 * updated, then uninstalled and installed again; the mount point stays mounted throughout, and every write the
	 * process saw succeed is there in full.
	 */
	@Test
	void aFuseMountStaysMountedThroughAStoreBundleUpdateAndReinstall() throws Exception {
		activeMount("fused-hot");
		Path mnt = served("fused-hot", "mnt");
		String mountLine = mountLine(mnt);
		Files.createDirectories(mnt.resolve("data"));
		Path ok = base.resolve("ok");
		Path stop = base.resolve("stop");
		// each file holds its own number many times; its number goes to 'ok' only if every write succeeded
		Process writer = new ProcessBuilder("sh", "-c", "i=0; while [ ! -e " + stop + " ]; do i=$((i+1)); "
				+ "if (for k in $(seq 200); do echo \"file $i\"; done) > " + mnt + "/data/f$i 2>/dev/null; "
				+ "then echo $i >> " + ok + "; fi; sleep 0.01; done").start();
		try {
			Await.until("writes through FUSE", () -> Files.exists(ok) && Files.readAllLines(ok).size() >= 10);
			Bundle bundle = storeBundle();
			bundle.update();
			refresh(bundle);
			Await.until("stores back", () -> mounts.get("fused-hot").orElseThrow().reason().isEmpty());
			int before = Files.readAllLines(ok).size();
			Await.until("writes after the update", () -> Files.readAllLines(ok).size() >= before + 10);
			reinstall(bundle);
			Await.until("stores back after the reinstall",
					() -> mounts.get("fused-hot").orElseThrow().reason().isEmpty());
			int reinstalled = Files.readAllLines(ok).size();
			Await.until("writes after the reinstall", () -> Files.readAllLines(ok).size() >= reinstalled + 10);
		} finally {
			Files.createFile(stop);
			assertTrue(writer.waitFor(10, TimeUnit.SECONDS), "the writing process hangs");
		}
		assertEquals(mountLine, mountLine(mnt), "the same FUSE mount throughout");
		for (String line : Files.readAllLines(ok)) {
			int i = Integer.parseInt(line.trim());
			assertEquals(("file " + i + "\n").repeat(200), Files.readString(mnt.resolve("data/f" + i)), "f" + i);
		}
	}

	/**
	 * Stopping the FUSE front-end's bundle (as an update or uninstall does first) unmounts its mount points cleanly,
	 * even with a file open on one; the mount itself stays ACTIVE, and starting the bundle serves it again.
	 */
	@Test
	void stoppingTheFuseBundleUnmountsAndStartingItMountsAgain() throws Exception {
		activeMount("fused-stop");
		Path mnt = served("fused-stop", "mnt-stop");
		Bundle frontEnd = bundle("mapfs.frontend.fuse");
		try (var open = Files.newBufferedReader(mnt.resolve("etc/motd"))) {
			frontEnd.stop();
			assertFalse(Await.mounted(mnt), "still mounted after the bundle stopped");
		} finally {
			frontEnd.start();
		}
		Await.until("mounted again", () -> Await.mounted(mnt));
		assertEquals(State.ACTIVE, mounts.get("fused-stop").orElseThrow().state());
		assertEquals(Files.readString(base.resolve("repo/etc/motd")), Files.readString(mnt.resolve("etc/motd")));
	}

	@Test
	void uninstallingTheFuseBundleUnmountsAndInstallingItMountsAgain() throws Exception {
		activeMount("fused-gone");
		Path mnt = served("fused-gone", "mnt-gone");
		Uninstalled frontEnd;
		try (var open = Files.newBufferedReader(mnt.resolve("etc/motd"))) {
			frontEnd = uninstall(bundle("mapfs.frontend.fuse"));
			assertFalse(Await.mounted(mnt), "still mounted after the bundle was uninstalled");
		}
		install(frontEnd);
		Await.until("mounted again", () -> Await.mounted(mnt));
		assertEquals(Files.readString(base.resolve("repo/etc/motd")), Files.readString(mnt.resolve("etc/motd")));
	}

	/** Configures a FUSE mount point {@code dir} for the mount {@code name} and waits until it is mounted. */
	private Path served(String name, String dir) throws Exception {
		Path mnt = Files.createDirectories(base.resolve(dir));
		// deleted first, before the mount's configuration
		configs.add(0, Configs.fuse(cm, name, mnt, Map.of()));
		Await.until("the FUSE mount", () -> Await.mounted(mnt));
		return mnt;
	}

	private static String mountLine(Path mnt) throws IOException {
		return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains(" " + mnt + " "))
				.findFirst().orElse("not mounted");
	}

	/** A bundle uninstalled by a test: where it was and its jar, to install it again. */
	private record Uninstalled(String location, byte[] content) {
	}

	/** Uninstalls {@code bundle} (and refreshes), keeping its jar; tearDown installs it again if the test does not. */
	private Uninstalled uninstall(Bundle bundle) throws Exception {
		String location = bundle.getLocation();
		Path jar = Path.of(location.replaceFirst("^(reference:)?(file:)?", ""));
		assertTrue(Files.isRegularFile(jar), "the bundle's location is no file: " + location);
		Uninstalled u = new Uninstalled(location, Files.readAllBytes(jar));
		uninstalled.add(u);
		bundle.uninstall();
		refresh(bundle);
		assertEquals(null, context.getBundle(location));
		return u;
	}

	/** Installs an uninstalled bundle again at its location (as an operator replacing a bundle does) and starts it. */
	private void install(Uninstalled u) throws Exception {
		uninstalled.remove(u);
		// through the system bundle: osgi-test's injected context uninstalls what it installed when the test ends
		context.getBundle(0).getBundleContext().installBundle(u.location(), new ByteArrayInputStream(u.content()))
				.start();
	}

	private void reinstall(Bundle bundle) throws Exception {
		install(uninstall(bundle));
	}

	private void refresh(Bundle bundle) throws InterruptedException {
		CountDownLatch done = new CountDownLatch(1);
		context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(bundle), e -> done.countDown());
		assertTrue(done.await(30, TimeUnit.SECONDS), "refresh did not finish");
	}

	/** Writes new files and reads back earlier ones through a mount until told to stop. */
	private static final class Worker implements Runnable {
		final Mount mount;
		final AtomicBoolean stop = new AtomicBoolean();
		final List<Integer> written = new CopyOnWriteArrayList<>();
		final List<String> problems = new CopyOnWriteArrayList<>();
		final AtomicInteger successes = new AtomicInteger();
		final AtomicInteger failures = new AtomicInteger();

		Worker(Mount mount) {
			this.mount = mount;
		}

		/** A few KiB that name the file, so a torn or mixed-up file shows. */
		static String content(int i) {
			return ("file " + i + " ").repeat(400) + "\n";
		}

		@Override
		public void run() {
			for (int i = 0; !stop.get(); i++) {
				try {
					write(mount, "data/f" + i, content(i));
					written.add(i);
					if (i % 3 == 0 && !written.isEmpty()) {
						int earlier = written.get(i % written.size());
						String got = read(mount, "data/f" + earlier);
						if (!got.equals(content(earlier))) {
							problems.add("data/f" + earlier + " reads " + got.length() + " chars");
						}
					}
					successes.incrementAndGet();
				} catch (FsException e) {
					if (e.errno() != Errno.EIO) {
						problems.add(e.toString());
					}
					failures.incrementAndGet();
					// a file whose write failed may be there empty or not at all: the test checks only successes
				} catch (RuntimeException e) {
					problems.add(e.toString());
				}
				pause();
			}
		}

		private static void pause() {
			try {
				Thread.sleep(2);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}

		void awaitSuccesses(int n) throws Exception {
			int target = successes.get() + n;
			Await.until(n + " more successful writes", () -> successes.get() >= target);
		}

		void awaitFailures(int n) throws Exception {
			int target = failures.get() + n;
			Await.until(n + " failed operations", () -> failures.get() >= target);
		}
	}
}
