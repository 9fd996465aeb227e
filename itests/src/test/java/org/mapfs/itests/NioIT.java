package org.mapfs.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mapfs.api.Mount;
import org.mapfs.api.admin.MountState.State;
import org.mapfs.api.admin.Mounts;
import org.mapfs.itests.probe.NioProbe;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * The NIO front-end in the runtime: every mount is a java.nio FileSystem service that a bundle importing nothing
 * but java.* uses; stopping the NIO bundle, or turning NIO off in its configuration, closes those file systems.
 */
class NioIT {
	private static final String NIO_BUNDLE = "mapfs.frontend.nio";
	private static final String MOUNT = "nio-it";

	@InjectBundleContext
	BundleContext context;
	@InjectService
	ConfigurationAdmin cm;
	@InjectService
	Mounts mounts;

	Path base;
	final List<Configuration> configs = new ArrayList<>();

	@BeforeEach
	void setUp() throws Exception {
		base = Files.createTempDirectory("mapfs-nio-it");
		Files.createDirectories(base.resolve("repo/etc"));
		Files.writeString(base.resolve("repo/etc/motd"), "golden\n");
		Files.createDirectories(base.resolve("upper"));
		configs.add(Configs.store(cm, "nio-golden", base.resolve("repo"), null, true));
		configs.add(Configs.store(cm, "nio-private", base.resolve("upper"), base.resolve("work"), false));
		configs.add(Configs.mount(cm, MOUNT, "nio-private", "nio-golden"));
		Await.state(mounts, MOUNT, State.ACTIVE);
	}

	@AfterEach
	void tearDown() throws Exception {
		Bundle nio = nioBundle();
		if (nio.getState() != Bundle.ACTIVE) {
			nio.start();
		}
		for (Configuration c : configs) {
			c.delete();
		}
		assertEquals("golden\n", Files.readString(base.resolve("repo/etc/motd")), "the repository changed");
	}

	@Test
	void aBundleThatImportsOnlyJavaGetsTheMountsFileSystemAndWorksWithIt() throws Exception {
		Bundle probe = context.installBundle("mapfs-nio-probe", new ByteArrayInputStream(probeBundle()));
		assertEquals(null, probe.getHeaders().get("Import-Package"));
		probe.start();
		Path written = base.resolve("upper/probe.txt");
		Await.until("the probe's file in the overlay", () -> Files.exists(written));
		assertEquals("golden\nplacement REPOSITORY\n", Files.readString(written));
		assertEquals("golden\nplacement REPOSITORY\n", Files.readString(fileSystem().getPath("/probe.txt")));
	}

	@Test
	void stoppingTheNioBundleClosesTheFileSystemAndStartingItPublishesANewOne() throws Exception {
		FileSystem fs = fileSystem();
		Path motd = fs.getPath("/etc/motd");
		assertEquals("golden\n", Files.readString(motd));
		nioBundle().stop();
		assertFalse(fs.isOpen());
		assertThrows(ClosedFileSystemException.class, () -> Files.readString(motd));
		assertThrows(ClosedFileSystemException.class, () -> Files.writeString(fs.getPath("/new"), "x"));
		assertTrue(fileSystems().isEmpty(), "a FileSystem service stayed");
		nioBundle().start();
		Await.until("a FileSystem service again", () -> !fileSystems().isEmpty());
		assertEquals("golden\n", Files.readString(fileSystem().getPath("/etc/motd")));
	}

	/** NIO on/off: the front-end's configuration withdraws and closes the file systems, and brings them back. */
	@Test
	void turningNioOffInItsConfigurationClosesTheFileSystems() throws Exception {
		FileSystem fs = fileSystem();
		Configuration nio = cm.getConfiguration("org.mapfs.frontend.nio", "?");
		configs.add(nio);
		nio.update(new Hashtable<>(Map.of("enabled", false)));
		Await.until("the FileSystem service withdrawn", () -> fileSystems().isEmpty());
		// the front-end unregisters the service first, then closes the file system (seen open in between once)
		Await.until("the FileSystem closed", () -> !fs.isOpen());
		nio.update(new Hashtable<>(Map.of("enabled", true)));
		Await.until("a FileSystem service again", () -> !fileSystems().isEmpty());
		assertEquals("golden\n", Files.readString(fileSystem().getPath("/etc/motd")));
	}

	private Bundle nioBundle() {
		for (Bundle b : context.getBundles()) {
			if (NIO_BUNDLE.equals(b.getSymbolicName())) {
				return b;
			}
		}
		throw new AssertionError(NIO_BUNDLE + " is not installed");
	}

	private List<ServiceReference<FileSystem>> fileSystems() throws Exception {
		return new ArrayList<>(
				context.getServiceReferences(FileSystem.class, "(" + Mount.NAME_PROPERTY + "=" + MOUNT + ")"));
	}

	private FileSystem fileSystem() throws Exception {
		Await.until("the FileSystem service of " + MOUNT, () -> !fileSystems().isEmpty());
		return context.getService(fileSystems().get(0));
	}

	/**
	 * A bundle of NioProbe alone, with a DS component that takes the mount's FileSystem service: no Import-Package
	 * header at all, since java.* comes from the boot class path.
	 */
	private static byte[] probeBundle() throws IOException {
		Manifest mf = new Manifest();
		Attributes a = mf.getMainAttributes();
		a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
		a.putValue("Bundle-ManifestVersion", "2");
		a.putValue("Bundle-SymbolicName", "mapfs.itests.nio.probe");
		a.putValue("Bundle-Version", "1.0.0");
		a.putValue("Service-Component", "OSGI-INF/probe.xml");
		String clazz = NioProbe.class.getName().replace('.', '/') + ".class";
		String component = """
				<?xml version="1.0" encoding="UTF-8"?>
				<scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="nio-probe" immediate="true"
				    activate="activate">
				  <implementation class="%s"/>
				  <reference name="fs" interface="java.nio.file.FileSystem" bind="bind" target="(%s=%s)"/>
				</scr:component>
				""".formatted(NioProbe.class.getName(), Mount.NAME_PROPERTY, MOUNT);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (JarOutputStream jar = new JarOutputStream(out, mf);
				InputStream probe = NioProbe.class.getClassLoader().getResourceAsStream(clazz)) {
			jar.putNextEntry(new JarEntry(clazz));
			probe.transferTo(jar);
			jar.putNextEntry(new JarEntry("OSGI-INF/probe.xml"));
			jar.write(component.getBytes(UTF_8));
		}
		return out.toByteArray();
	}
}
