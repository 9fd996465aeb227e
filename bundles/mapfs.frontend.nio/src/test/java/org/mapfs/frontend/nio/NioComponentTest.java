package org.mapfs.frontend.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.core.MountBuilder;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/**
 * The component driven as SCR drives it (bind, activate, modify, unbind, deactivate), with a registry that
 * records what would be services: one FileSystem per Mount, withdrawn and closed when the mount goes, NIO is
 * switched off or the component stops.
 */
class NioComponentTest {
	@TempDir
	Path tmp;
	private LocalStore upper;
	private LocalStore repo;
	private Mount mount;
	private final Map<String, FileSystem> services = new LinkedHashMap<>();
	private final NioComponent component = new NioComponent();

	@BeforeEach
	void setUp() throws IOException {
		Files.writeString(Files.createDirectory(tmp.resolve("repo")).resolve("hello"), "hello\n");
		upper = LocalStore.open("upper", Files.createDirectory(tmp.resolve("upper")), tmp.resolve("work"), false);
		repo = LocalStore.open("repo", tmp.resolve("repo"), null, true);
		mount = MountBuilder.named("demo").overlay(upper, FsPath.ROOT).layer(repo, FsPath.ROOT, FsPath.ROOT)
				.policy(new ClassicPolicy(), Map.of()).build();
	}

	@AfterEach
	void tearDown() {
		component.deactivate();
		upper.close();
		repo.close();
	}

	private static NioComponent.Config config(boolean enabled) {
		return new NioComponent.Config() {
			@Override
			public Class<? extends Annotation> annotationType() {
				return NioComponent.Config.class;
			}

			@Override
			public boolean enabled() {
				return enabled;
			}
		};
	}

	private void activate(boolean enabled) {
		component.activate(config(enabled), (fs, name) -> {
			services.put(name, fs);
			return () -> services.remove(name);
		});
	}

	@Test
	void publishesAFileSystemPerMountAndClosesItWhenTheMountGoes() throws IOException {
		component.addMount(mount, Map.of(Mount.NAME_PROPERTY, "demo"));
		activate(true);
		FileSystem fs = services.get("demo");
		assertEquals("hello\n", Files.readString(fs.getPath("/hello")));
		assertThrows(UnsupportedOperationException.class, fs::close, "users share it: they cannot close it");
		component.removeMount(mount);
		assertTrue(services.isEmpty());
		assertFalse(fs.isOpen());
		assertThrows(ClosedFileSystemException.class, () -> Files.readString(fs.getPath("/hello")));
		component.addMount(mount, Map.of(Mount.NAME_PROPERTY, "demo"));
		assertEquals("hello\n", Files.readString(services.get("demo").getPath("/hello")));
	}

	@Test
	void theSwitchTurnsNioOffAndOn() throws IOException {
		activate(false);
		component.addMount(mount, Map.of(Mount.NAME_PROPERTY, "demo"));
		assertTrue(services.isEmpty());
		component.modified(config(true));
		FileSystem fs = services.get("demo");
		assertTrue(fs.isOpen());
		component.modified(config(false));
		assertTrue(services.isEmpty());
		assertFalse(fs.isOpen());
	}

	@Test
	void stoppingClosesEveryFileSystem() {
		activate(true);
		component.addMount(mount, Map.of(Mount.NAME_PROPERTY, "demo"));
		FileSystem fs = services.get("demo");
		component.deactivate();
		assertTrue(services.isEmpty());
		assertThrows(ClosedFileSystemException.class, () -> Files.exists(fs.getPath("/hello")));
		assertEquals(Map.of(), component.fileSystems());
	}
}
