package org.mapfs.store.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.store.Store;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The DS components with a stand-in BundleContext: the store registers itself with its id, relative image paths
 * resolve against mapfs.home, a broken image fails activation with a message and registers nothing, and
 * image-info describes an image.
 */
@Timeout(30)
class ComponentTest {
	@TempDir
	static Path home;

	@BeforeAll
	static void makeImage() throws Exception {
		Path src = Files.createDirectories(home.resolve("src"));
		Files.writeString(src.resolve("hello.txt"), "hello\n");
		Tools.run("mke2fs", "-q", "-F", "-t", "ext4", "-L", "golden", "-d", src.toString(),
				home.resolve("golden.img").toString(), "8M");
		Files.write(home.resolve("broken.img"), new byte[1 << 20]);
	}

	/** Records the service the component registers. */
	private static final class Registry {
		final AtomicReference<Object> service = new AtomicReference<>();
		final AtomicReference<Dictionary<?, ?>> properties = new AtomicReference<>();

		BundleContext context() {
			return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
					new Class<?>[] { BundleContext.class }, (proxy, method, args) -> switch (method.getName()) {
						case "getProperty" -> "mapfs.home".equals(args[0]) ? home.toString() : null;
						case "registerService" -> {
							service.set(args[1]);
							properties.set((Dictionary<?, ?>) args[2]);
							yield Proxy.newProxyInstance(getClass().getClassLoader(),
									new Class<?>[] { ServiceRegistration.class }, (p, m, a) -> null);
						}
						default -> throw new UnsupportedOperationException(method.getName());
					});
		}
	}

	@Test
	void registersTheStoreUnderItsId() throws Exception {
		Registry registry = new Registry();
		ImageStoreComponent component = new ImageStoreComponent();
		component.activate(registry.context(), config("golden", "golden.img"));
		try {
			assertEquals("golden", registry.properties.get().get(Store.ID_PROPERTY));
			Store store = (Store) registry.service.get();
			assertEquals(List.of("hello.txt", "lost+found"),
					store.list(FsPath.ROOT).stream().map(e -> e.name()).sorted().toList());
		} finally {
			component.deactivate();
		}
	}

	@Test
	void aBrokenImageRegistersNothing() {
		Registry registry = new Registry();
		FsException e = assertThrows(FsException.class,
				() -> new ImageStoreComponent().activate(registry.context(), config("bad", "broken.img")));
		assertTrue(e.getMessage().contains("store 'bad'") && e.getMessage().contains("broken.img"), e.getMessage());
		assertNull(registry.service.get());
		e = assertThrows(FsException.class,
				() -> new ImageStoreComponent().activate(registry.context(), config("gone", "missing.img")));
		assertTrue(e.getMessage().contains("missing.img"), e.getMessage());
	}

	@Test
	void imageInfoDescribesTheImage() throws Exception {
		PrintStream out = System.out;
		ByteArrayOutputStream captured = new ByteArrayOutputStream();
		System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
		try {
			assertNull(new ImageInfoCommand(new Registry().context()).execute(null, List.of("golden.img")));
		} finally {
			System.setOut(out);
		}
		String text = captured.toString(StandardCharsets.UTF_8);
		for (String want : new String[] { "container:       bare", "file system:     ext4", "label:           golden",
				"metadata_csum", "block size:      1024" }) {
			assertTrue(text.contains(want), want + " in:\n" + text);
		}
		assertNotNull(assertThrows(IllegalArgumentException.class,
				() -> new ImageInfoCommand(new Registry().context()).execute(null, List.of())));
	}

	private static ImageStoreComponent.Config config(String id, String image) {
		return new ImageStoreComponent.Config() {
			@Override
			public Class<? extends Annotation> annotationType() {
				return ImageStoreComponent.Config.class;
			}

			@Override
			public String id() {
				return id;
			}

			@Override
			public String image() {
				return image;
			}

			@Override
			public int partition() {
				return 0;
			}

			@Override
			public int cacheBudget() {
				return 4;
			}
		};
	}
}
