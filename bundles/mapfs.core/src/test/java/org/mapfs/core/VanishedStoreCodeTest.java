package org.mapfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mapfs.core.Tree.p;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.Errno;
import org.mapfs.api.FileData;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.api.store.Store;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/**
 * A store bundle updated or refreshed while a call is in its code: the old code cannot load its classes any more
 * and throws NoClassDefFoundError. The mount answers EIO, as for any store that went away, and serves again
 * once the store's code works: the caller's thread (a FUSE session, a writer) must not die of an Error.
 */
class VanishedStoreCodeTest {
	@TempDir
	Path tmp;
	private LocalStore repo;
	private LocalStore upper;
	/** While set, every call into the repository's code fails as refreshed bundle code does. */
	private final AtomicBoolean refreshed = new AtomicBoolean();

	@AfterEach
	void close() {
		repo.close();
		upper.close();
	}

	private Object throwing(Object target, Class<?> type) {
		return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { type }, (proxy, m, args) -> {
			if (refreshed.get()) {
				throw new NoClassDefFoundError("jnr/ffi/provider/jffi/BufferParameterStrategy$1");
			}
			try {
				Object result = m.invoke(target, args);
				return result instanceof FileData d ? throwing(d, FileData.class) : result;
			} catch (InvocationTargetException e) {
				throw e.getCause();
			}
		});
	}

	@Test
	void callsInVanishedStoreCodeGiveEio() throws IOException {
		Path lower = Files.createDirectories(tmp.resolve("lower/etc"));
		Files.writeString(lower.resolve("motd"), "golden\n");
		repo = LocalStore.open("repo", tmp.resolve("lower"), null, true);
		upper = LocalStore.open("upper", Files.createDirectories(tmp.resolve("upper")),
				Files.createDirectories(tmp.resolve("work")), false);
		Mount mount = MountBuilder.named("m").overlay(upper, FsPath.ROOT)
				.layer((Store) throwing(repo, Store.class), FsPath.ROOT, FsPath.ROOT)
				.policy(new ClassicPolicy(), Map.of()).build();
		try (FileHandle h = mount.open(p("etc/motd"), Set.of(OpenFlag.READ))) {
			refreshed.set(true);
			FsException read = assertThrows(FsException.class, () -> h.read(ByteBuffer.allocate(16), 0));
			assertEquals(Errno.EIO, read.errno());
			assertEquals(Errno.EIO, assertThrows(FsException.class, () -> mount.list(p("etc"))).errno());
			refreshed.set(false);
			ByteBuffer b = ByteBuffer.allocate(16);
			assertEquals(7, h.read(b, 0));
		}
		assertEquals("golden\n", Tree.text(mount, "etc/motd"));
	}
}
