package org.mapfs.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mapfs.api.FsPath;
import org.mapfs.api.admin.Change;
import org.mapfs.api.admin.MountState.State;
import org.mapfs.api.admin.Mounts;
import org.mapfs.api.store.Store;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * The image store in the runtime: an ext4 image made by mke2fs is the repository of a mount served through FUSE,
 * with a local overlay; a damaged image gives no store and harms nothing else.
 */
class ImageStoreIT {
	@InjectBundleContext
	BundleContext context;
	@InjectService
	ConfigurationAdmin cm;
	@InjectService
	Mounts mounts;

	Path base;
	Path image;
	byte[] imageBefore;
	final List<Configuration> configs = new ArrayList<>();

	@BeforeEach
	void setUp() throws Exception {
		base = Files.createTempDirectory("mapfs-image-it");
		Path tree = Files.createDirectories(base.resolve("tree/etc"));
		Files.writeString(tree.resolve("motd"), "golden from an image\n");
		Files.write(tree.resolve("blob"), new byte[300_000]);
		image = base.resolve("repo.img");
		run("mke2fs", "-q", "-F", "-t", "ext4", "-d", base.resolve("tree").toString(), image.toString(), "8M");
		imageBefore = Files.readAllBytes(image);
	}

	@AfterEach
	void tearDown() throws Exception {
		for (Configuration c : configs) {
			c.delete();
		}
		assertArrayEquals(imageBefore, Files.readAllBytes(image), "the image changed");
	}

	private Configuration imageStore(String id, Path img) throws IOException {
		Configuration c = cm.getFactoryConfiguration("org.mapfs.store.image", id, "?");
		Dictionary<String, Object> props = new Hashtable<>();
		props.put("id", id);
		props.put("image", img.toString());
		c.update(props);
		configs.add(0, c);
		return c;
	}

	private boolean hasStore(String id) throws Exception {
		return !context.getServiceReferences(Store.class, "(" + Store.ID_PROPERTY + "=" + id + ")").isEmpty();
	}

	@Test
	void anExt4ImageIsTheRepositoryOfAFuseMount() throws Exception {
		imageStore("img-golden", image);
		configs.add(Configs.store(cm, "img-private", Files.createDirectories(base.resolve("upper")),
				base.resolve("work"), false));
		configs.add(Configs.mount(cm, "img", "img-private", "img-golden"));
		Await.state(mounts, "img", State.ACTIVE);
		Path mnt = Files.createDirectories(base.resolve("mnt"));
		configs.add(0, Configs.fuse(cm, "img", mnt, Map.of()));
		Await.until("the FUSE mount", () -> Await.mounted(mnt));

		assertEquals("golden from an image\n", Files.readString(mnt.resolve("etc/motd")));
		assertEquals(300_000, Files.size(mnt.resolve("etc/blob")));
		Files.writeString(mnt.resolve("etc/motd"), "private\n");
		assertEquals("private\n", Files.readString(mnt.resolve("etc/motd")));
		assertEquals("private\n", Files.readString(base.resolve("upper/etc/motd")));
		List<Change> changes = mounts.diff("img", FsPath.ROOT);
		assertEquals(1, changes.size(), changes.toString());
		assertEquals(Change.Kind.MODIFIED, changes.get(0).kind());
		assertEquals("/etc/motd", changes.get(0).path().toAbsoluteString());
	}

	@Test
	void aDamagedImageGivesNoStoreAndHarmsNothingElse() throws Exception {
		Path broken = base.resolve("broken.img");
		Files.copy(image, broken);
		try (RandomAccessFile f = new RandomAccessFile(broken.toFile(), "rw")) {
			f.seek(1024 + 56); // the superblock's magic
			f.write(new byte[] { 0, 0 });
		}
		imageStore("img-broken", broken);
		imageStore("img-good", image);
		Await.until("the good image's store", () -> hasStore("img-good"));
		assertFalse(hasStore("img-broken"), "a store for a damaged image");
		Bundle bundle = null;
		for (Bundle b : context.getBundles()) {
			if ("mapfs.store.image".equals(b.getSymbolicName())) {
				bundle = b;
			}
		}
		assertEquals(Bundle.ACTIVE, bundle.getState());
	}

	private static void run(String... command) throws Exception {
		Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes(), UTF_8);
		assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
	}
}
