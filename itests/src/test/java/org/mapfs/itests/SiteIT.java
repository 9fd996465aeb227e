package org.mapfs.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.api.admin.MountState.State;
import org.mapfs.api.admin.Mounts;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * A site: configuration files in the folder FileInstall watches. Adding a file creates the store or mount,
 * editing it reconfigures, deleting it tears it down; a broken file harms nothing else.
 */
class SiteIT {
	@InjectBundleContext
	BundleContext context;
	@InjectService
	Mounts mounts;

	Path site;
	Path base;
	/**
	 * Makes this run's names its own: another framework (a concurrent build in the same tree) may watch the same
	 * folder, and must not take or delete these files for its own.
	 */
	final String run = Long.toString(ProcessHandle.current().pid(), 36);
	final List<Path> files = new ArrayList<>();

	@BeforeEach
	void setUp() throws IOException {
		String dir = context.getProperty("felix.fileinstall.dir");
		assertTrue(dir != null && Files.isDirectory(Path.of(dir)), "no site folder: " + dir);
		site = Path.of(dir);
		base = Files.createTempDirectory("mapfs-site");
		Files.createDirectories(base.resolve("repo/etc"));
		Files.writeString(base.resolve("repo/etc/motd"), "golden\n");
		Files.createDirectories(base.resolve("extra/etc"));
		Files.writeString(base.resolve("extra/etc/extra.conf"), "extra\n");
		Files.createDirectories(base.resolve("upper"));
	}

	@AfterEach
	void tearDown() throws Exception {
		for (Path f : files) {
			Files.deleteIfExists(f);
		}
		Await.until("site mounts gone", () -> mounts.list().stream().noneMatch(s -> s.name().endsWith("-" + run)));
	}

	/** Writes a configuration file; its time is set past the last one, so FileInstall sees every edit. */
	private void file(String name, String... lines) throws IOException {
		Path f = site.resolve(name);
		boolean existed = Files.exists(f);
		FileTime before = existed ? Files.getLastModifiedTime(f) : FileTime.fromMillis(0);
		Files.writeString(f, String.join("\n", lines) + "\n");
		long later = Math.max(System.currentTimeMillis(), before.toMillis() + 2000);
		Files.setLastModifiedTime(f, FileTime.fromMillis(later));
		if (!existed) {
			files.add(f);
		}
	}

	/** A name of this run. */
	private String n(String name) {
		return name + "-" + run;
	}

	private void stores() throws IOException {
		for (String id : List.of("site-golden", "site-extra")) {
			file("org.mapfs.store.local-" + n(id) + ".config", "id=\"" + n(id) + "\"",
					"path=\"" + base.resolve(id.equals("site-golden") ? "repo" : "extra") + "\"", "readOnly=B\"true\"");
		}
		file("org.mapfs.store.local-" + n("site-private") + ".config", "id=\"" + n("site-private") + "\"",
				"path=\"" + base.resolve("upper") + "\"", "work=\"" + base.resolve("work") + "\"");
	}

	/** The mount file {@code name}, over the private store, with these layers (a ConfigAdmin array). */
	private void mountFile(String name, String layers) throws IOException {
		file("org.mapfs.mount-" + n(name) + ".config", "name=\"" + n(name) + "\"",
				"overlay=\"" + n("site-private") + "\"", "layers=" + layers, "policy=\"classic\"");
	}


	private static String read(Mount mount, String path) throws FsException {
		try (FileHandle h = mount.open(FsPath.of(path), Set.of(OpenFlag.READ))) {
			ByteBuffer buf = ByteBuffer.allocate((int) h.size());
			h.read(buf, 0);
			return new String(buf.array(), UTF_8);
		}
	}

	@Test
	void aMountFileIsAddedEditedAndDeleted() throws Exception {
		stores();
		mountFile("site-demo", "[\"" + n("site-golden") + "\"]");
		Await.state(mounts, n("site-demo"), State.ACTIVE);
		Await.until("the Mount service", () -> Configs.mountService(context, n("site-demo")) != null);
		ServiceReference<Mount> ref = Configs.mountService(context, n("site-demo"));
		Mount mount = context.getService(ref);
		assertEquals("golden\n", read(mount, "etc/motd"));

		mountFile("site-demo", "[\"" + n("site-extra") + "\", \"" + n("site-golden") + "\"]");
		Await.until("the added layer", () -> mounts.get(n("site-demo")).orElseThrow().layers().size() == 2);
		assertEquals("extra\n", read(mount, "etc/extra.conf"));
		assertEquals(ref.getProperty("service.id"), Configs.mountService(context, n("site-demo")).getProperty("service.id"),
				"reconfigured in place");

		Files.delete(site.resolve("org.mapfs.mount-" + n("site-demo") + ".config"));
		Await.until("the mount torn down", () -> Configs.mountService(context, n("site-demo")) == null && mounts.get(n("site-demo")).isEmpty());
	}

	@Test
	void brokenFilesHarmNoOtherMount() throws Exception {
		stores();
		mountFile("site-good", "[\"" + n("site-golden") + "\"]");
		Await.state(mounts, n("site-good"), State.ACTIVE);
		mountFile("site-bad", "[\"" + n("site-golden") + ":/../x\"]");
		Await.state(mounts, n("site-bad"), State.FAILED);
		assertTrue(mounts.get(n("site-bad")).orElseThrow().reason().contains(n("site-golden") + ":/../x"));
		// bad syntax: ConfigAdmin's reader takes what it can (or FileInstall logs an error); no mount comes of it
		file("org.mapfs.mount-" + n("site-garbled") + ".config", "name=\"" + n("site-garbled"),
				"layers=[\"" + n("site-golden") + "\"");
		Thread.sleep(2500); // two FileInstall polls: nothing to wait for, it must simply not matter
		assertTrue(mounts.list().stream().noneMatch(s -> s.name().contains("garbled") && s.state() != State.FAILED),
				mounts.list().toString());
		assertEquals(State.ACTIVE, mounts.get(n("site-good")).orElseThrow().state());
		assertEquals("golden\n", read(context.getService(Configs.mountService(context, n("site-good"))), "etc/motd"));
	}
}
