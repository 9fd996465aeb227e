package org.mapfs.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.Caller;
import org.mapfs.api.Errno;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.OpenFlag;
import org.mapfs.api.admin.MountState;
import org.mapfs.api.admin.MountState.State;
import org.mapfs.api.store.Store;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/** Mount states from configurations, stores and policies; stores that go and come back; layers changed live. */
class MountManagerTest {
	@TempDir
	Path tmp;
	Path golden;
	Path site;
	Path upper;
	Path work;
	/** Mounts registered, and those withdrawn since. */
	final List<UnionMount> registered = new CopyOnWriteArrayList<>();
	final List<UnionMount> withdrawn = new CopyOnWriteArrayList<>();
	final List<LocalStore> opened = new ArrayList<>();
	MountManager manager;

	@BeforeEach
	void setUp() throws IOException {
		golden = Files.createDirectories(tmp.resolve("golden/etc"));
		Files.writeString(golden.resolve("motd"), "golden\n");
		site = Files.createDirectories(tmp.resolve("site/etc"));
		Files.writeString(site.resolve("site.conf"), "site\n");
		upper = Files.createDirectories(tmp.resolve("upper"));
		work = tmp.resolve("work");
		manager = new MountManager(mount -> {
			registered.add(mount);
			return () -> withdrawn.add(mount);
		});
	}

	@AfterEach
	void tearDown() throws InterruptedException {
		manager.close();
		opened.forEach(LocalStore::close);
	}

	private LocalStore store(String id, Path dir, Path workDir, boolean readOnly) throws FsException {
		LocalStore s = LocalStore.open(id, dir, workDir, readOnly);
		opened.add(s);
		return s;
	}

	private LocalStore addGolden() throws FsException {
		LocalStore s = store("golden", tmp.resolve("golden"), null, true);
		manager.storeAdded("golden", s);
		return s;
	}

	private void addPrivate() throws FsException {
		manager.storeAdded("private", store("private", upper, work, false));
	}

	private void addPolicy() {
		manager.policyAdded(ClassicPolicy.NAME, new ClassicPolicy());
	}

	private void configure(String pid, String name, String overlay, String... layers) {
		Map<String, Object> props = new HashMap<>();
		props.put("name", name);
		props.put("overlay", overlay);
		props.put("layers", layers);
		props.put("policy", "classic");
		manager.configured(pid, props);
	}

	private MountState await(String name, Predicate<MountState> condition) throws InterruptedException {
		long deadline = System.nanoTime() + 5_000_000_000L;
		MountState s = null;
		while (System.nanoTime() < deadline) {
			s = manager.state(name).orElse(null);
			if (s != null && condition.test(s)) {
				return s;
			}
			Thread.sleep(10);
		}
		throw new AssertionError("mount '" + name + "' did not get there within 5 s; it is " + s);
	}

	private MountState awaitState(String name, State state) throws InterruptedException {
		return await(name, s -> s.state() == state);
	}

	private static String read(UnionMount mount, String path) throws FsException {
		return new String(Tree.read(mount, FsPath.of(path)), UTF_8);
	}

	@Test
	void aMountWaitsForItsStoresAndPolicyThenServes() throws Exception {
		configure("m1", "demo", "private", "golden");
		MountState s = awaitState("demo", State.WAITING);
		assertTrue(s.reason().contains("store 'private'") && s.reason().contains("store 'golden'")
				&& s.reason().contains("policy 'classic'"), s.reason());
		addGolden();
		addPrivate();
		await("demo", w -> w.state() == State.WAITING && w.reason().equals("waiting for policy 'classic'"));
		addPolicy();
		s = awaitState("demo", State.ACTIVE);
		assertEquals("", s.reason());
		assertEquals(List.of("golden"), s.layers());
		assertEquals("private", s.overlay());
		assertEquals(1, registered.size());
		assertEquals("golden\n", read(manager.active("demo"), "etc/motd"));
	}

	@Test
	void configurationErrorsMakeTheMountFailWithTheReason() throws Exception {
		addGolden();
		addPrivate();
		addPolicy();
		configure("bad-layer", "bad", "private", "golden:/../etc");
		assertTrue(awaitState("bad", State.FAILED).reason().contains("golden:/../etc"));
		Map<String, Object> props = new HashMap<>(Map.of("name", "opts", "overlay", "private", "layers", "golden",
				"policy.options", new String[] { "nosuch=1" }));
		manager.configured("bad-option", props);
		assertTrue(awaitState("opts", State.FAILED).reason().contains("no option 'nosuch'"));
		manager.storeAdded("ro", readOnlyStore("ro", tmp.resolve("site")));
		configure("ro-overlay", "ro", "ro", "golden");
		assertTrue(awaitState("ro", State.FAILED).reason().contains("not writable"));
		configure("first", "twice", "private", "golden");
		configure("second", "twice", "private", "golden");
		awaitState("twice", State.ACTIVE);
		await("twice", s -> manager.states().stream().anyMatch(
				t -> t.name().equals("twice") && t.state() == State.FAILED && t.reason().contains("taken by")));
		assertEquals(1, registered.size(), "only the first 'twice' serves");
		assertEquals(Errno.EAGAIN, assertThrows(FsException.class, () -> manager.active("bad")).errno());
		assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> manager.active("nosuch")).errno());
	}

	/** A store that is not a WritableStore. */
	private Store readOnlyStore(String id, Path dir) throws FsException {
		LocalStore local = store(id, dir, null, true);
		return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] { Store.class },
				(proxy, method, args) -> {
					try {
						return method.invoke(local, args);
					} catch (InvocationTargetException e) {
						throw e.getCause();
					}
				});
	}

	@Test
	void aStoreThatGoesAwayGivesEioAndServesAgainWhenItComesBackWithoutANewMount() throws Exception {
		LocalStore first = addGolden();
		addPrivate();
		addPolicy();
		configure("m1", "demo", "private", "golden");
		awaitState("demo", State.ACTIVE);
		UnionMount mount = manager.active("demo");
		List<FsPath> told = new CopyOnWriteArrayList<>();
		mount.onChange(told::add);
		try (FileHandle h = mount.create(FsPath.of("etc/new"), 0644, Caller.PROCESS, true)) {
			h.write(ByteBuffer.wrap("kept\n".getBytes(UTF_8)), 0);
		}
		FileHandle open = mount.open(FsPath.of("etc/motd"), Set.of(OpenFlag.READ));

		manager.storeRemoved("golden", first);
		first.close();
		MountState s = await("demo", g -> g.reason().contains("store 'golden' is gone"));
		assertEquals(State.ACTIVE, s.state());
		FsException e = assertThrows(FsException.class, () -> mount.stat(FsPath.of("etc/motd")));
		assertEquals(Errno.EIO, e.errno());
		assertTrue(e.getMessage().contains("golden"), e.getMessage());
		assertEquals(Errno.EIO, assertThrows(FsException.class, () -> open.read(ByteBuffer.allocate(4), 0)).errno());

		addGolden();
		await("demo", g -> g.reason().isEmpty());
		assertSame(mount, manager.active("demo"), "the same mount serves again");
		assertEquals(List.of(mount), registered);
		assertEquals(List.of(), withdrawn);
		assertEquals("golden\n", read(mount, "etc/motd"));
		assertEquals("kept\n", read(mount, "etc/new"));
		assertEquals(Errno.EIO, assertThrows(FsException.class, () -> open.read(ByteBuffer.allocate(4), 0)).errno(),
				"a file opened on the store that went away stays failed");
		open.close();
		assertTrue(told.contains(FsPath.ROOT), "front-ends are told to forget what they cached");
	}

	@Test
	void aReadOnlyLayerIsAddedAndRemovedInPlace() throws Exception {
		addGolden();
		addPrivate();
		addPolicy();
		manager.storeAdded("site", store("site", tmp.resolve("site"), null, true));
		configure("m1", "demo", "private", "golden");
		awaitState("demo", State.ACTIVE);
		UnionMount mount = manager.active("demo");
		assertEquals(List.of("motd"), mount.list(FsPath.of("etc")).stream().map(e -> e.name()).toList());
		List<FsPath> told = new CopyOnWriteArrayList<>();
		mount.onChange(told::add);

		configure("m1", "demo", "private", "site", "golden");
		await("demo", s -> s.layers().size() == 2);
		assertEquals("site\n", read(mount, "etc/site.conf"));
		assertEquals("golden\n", read(mount, "etc/motd"));
		assertEquals(List.of(FsPath.ROOT), told);

		configure("m1", "demo", "private", "golden");
		await("demo", s -> s.layers().size() == 1);
		assertEquals(Errno.ENOENT, assertThrows(FsException.class, () -> mount.stat(FsPath.of("etc/site.conf")))
				.errno());
		assertEquals(List.of(mount), registered, "no new mount for a change of read-only layers");
		assertEquals(List.of(), withdrawn);
	}

	@Test
	void aNewOverlayMakesANewMountAndADeletedConfigurationEndsIt() throws Exception {
		addGolden();
		addPrivate();
		addPolicy();
		Path other = Files.createDirectories(tmp.resolve("other"));
		manager.storeAdded("other", store("other", other, tmp.resolve("work2"), false));
		configure("m1", "demo", "private", "golden");
		awaitState("demo", State.ACTIVE);
		UnionMount first = manager.active("demo");
		configure("m1", "demo", "other", "golden");
		await("demo", s -> s.overlay().equals("other") && s.state() == State.ACTIVE);
		assertEquals(List.of(first), withdrawn);
		assertEquals(2, registered.size());
		manager.deleted("m1");
		long deadline = System.nanoTime() + 5_000_000_000L;
		while (manager.state("demo").isPresent() && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertTrue(manager.state("demo").isEmpty());
		assertEquals(registered, withdrawn);
	}
}
