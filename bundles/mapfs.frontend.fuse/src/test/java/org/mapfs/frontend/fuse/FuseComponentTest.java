package org.mapfs.frontend.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mapfs.api.Errno;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.core.MountBuilder;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/**
 * The DS component's life cycle, driven as SCR drives it (bind, activate, unbind, deactivate): it mounts the
 * configured mount when it is there and unmounts on deactivation or when the Mount service goes away.
 */
class FuseComponentTest {
	Path base;
	Path mnt;
	LocalStore upper;
	LocalStore repo;
	Mount mount;
	FuseComponent component;

	@BeforeEach
	void setUp() throws IOException {
		FuseTests.requireFuse();
		base = Files.createTempDirectory("mapfs-fuse-ds");
		Files.createDirectories(base.resolve("repo"));
		Files.writeString(base.resolve("repo/hello"), "hello\n");
		Files.createDirectories(base.resolve("upper"));
		mnt = Files.createDirectories(base.resolve("mnt"));
		upper = LocalStore.open("upper", base.resolve("upper"), base.resolve("work"), false);
		repo = LocalStore.open("repo", base.resolve("repo"), null, true);
		mount = MountBuilder.named("demo").overlay(upper, FsPath.ROOT).layer(repo, FsPath.ROOT, FsPath.ROOT)
				.policy(new ClassicPolicy(), Map.of()).build();
		component = new FuseComponent();
	}

	@AfterEach
	void tearDown() throws IOException {
		if (component != null) {
			component.deactivate();
		}
		FuseTests.forceUnmount(mnt);
		if (upper != null) {
			upper.close();
			repo.close();
		}
		if (base != null) {
			assertFalse(FuseTests.inProcMounts(mnt));
			FuseTests.deleteTree(base);
		}
	}

	FuseComponent.Config config(String name, Path mountPoint) {
		return new FuseComponent.Config() {
			@Override
			public Class<? extends Annotation> annotationType() {
				return FuseComponent.Config.class;
			}

			@Override
			public String mount() {
				return name;
			}

			@Override
			public String mountPoint() {
				return mountPoint.toString();
			}

			@Override
			public boolean allowOther() {
				return true;
			}

			@Override
			public boolean defaultPermissions() {
				return true;
			}

			@Override
			public double attrTimeout() {
				return 1.0;
			}

			@Override
			public double entryTimeout() {
				return 1.0;
			}

			@Override
			public double repositoryTimeout() {
				return 60;
			}

			@Override
			public int threads() {
				return 3;
			}

			@Override
			public String[] options() {
				return new String[] { "max_read=131072" };
			}
		};
	}

	String cat() {
		return FuseTests.run(java.util.List.of("cat", mnt.resolve("hello").toString()), null).ok().out();
	}

	@Test
	void mountsOnActivateAndUnmountsOnDeactivate() throws IOException {
		component.addMount(mount, Map.of(Mount.NAME_PROPERTY, "demo"));
		assertFalse(FuseTests.inProcMounts(mnt), "not before activation");
		component.activate(config("demo", mnt), null);
		assertTrue(FuseTests.inProcMounts(mnt));
		assertEquals("hello\n", cat());
		component.deactivate();
		assertFalse(FuseTests.inProcMounts(mnt), "unmounted on deactivation");
		assertNull(component.frontEnd());
	}

	@Test
	void followsTheMountServiceOfItsName() throws IOException {
		component.activate(config("demo", mnt), null);
		component.addMount(mount, Map.of(Mount.NAME_PROPERTY, "other"));
		assertFalse(FuseTests.inProcMounts(mnt), "another mount's service is not served");
		component.addMount(mount, Map.of(Mount.NAME_PROPERTY, "demo"));
		assertTrue(FuseTests.inProcMounts(mnt), "mounted when the named mount appears");
		assertEquals("hello\n", cat());
		component.removeMount(mount);
		assertFalse(FuseTests.inProcMounts(mnt), "unmounted when the mount goes away");
		component.addMount(mount, Map.of(Mount.NAME_PROPERTY, "demo"));
		assertTrue(FuseTests.inProcMounts(mnt), "mounted again when it comes back");
		assertEquals("hello\n", cat());
	}

	@Test
	void aBadMountPointIsReportedAndLeavesTheComponentActive() {
		component.addMount(mount, Map.of(Mount.NAME_PROPERTY, "demo"));
		component.activate(config("demo", base.resolve("missing")), null);
		assertNull(component.frontEnd(), "nothing mounted");
	}

	/**
	 * A mount whose store is gone cannot serve its root, and its Mount service stays registered meanwhile: the
	 * failed mount leaves nothing mounted, and the mount's change (the store is back) mounts it.
	 */
	@Test
	void aMountThatCannotServeItsRootIsMountedWhenItsStoreComesBack() throws Exception {
		AtomicBoolean gone = new AtomicBoolean(true);
		List<Consumer<FsPath>> listeners = new CopyOnWriteArrayList<>();
		Mount storeGone = (Mount) Proxy.newProxyInstance(Mount.class.getClassLoader(), new Class<?>[] { Mount.class },
				(proxy, method, args) -> {
					if (method.getName().equals("onChange")) {
						@SuppressWarnings("unchecked")
						Consumer<FsPath> l = (Consumer<FsPath>) args[0];
						listeners.add(l);
						return (AutoCloseable) () -> listeners.remove(l);
					}
					if (gone.get() && (method.getName().equals("stat") || method.getName().equals("lookup"))) {
						throw new FsException(Errno.EIO, "store 'upper' is gone");
					}
					try {
						return method.invoke(mount, args);
					} catch (InvocationTargetException e) {
						throw e.getCause();
					}
				});
		component.addMount(storeGone, Map.of(Mount.NAME_PROPERTY, "demo"));
		component.activate(config("demo", mnt), null);
		assertNull(component.frontEnd(), "nothing mounted");
		assertFalse(FuseTests.inProcMounts(mnt), "the failed mount is not left mounted");
		gone.set(false);
		listeners.forEach(l -> l.accept(FsPath.ROOT));
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!FuseTests.inProcMounts(mnt) && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertTrue(FuseTests.inProcMounts(mnt), "mounted when the store came back");
		assertEquals("hello\n", cat());
	}
}
