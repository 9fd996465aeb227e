package org.mapfs.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mapfs.shell.MountConfigs.SITE_FILE;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.cm.Configuration;

/** The configurations behind mount, unmount and remount, against ConfigAdmin in memory. */
class MountConfigsTest {
	private final FakeConfigAdmin cm = new FakeConfigAdmin();
	private final MountConfigs configs = new MountConfigs(cm);

	private void mount(String... args) throws Exception {
		configs.create(MountRequest.parse(List.of(args)));
	}

	@Test
	void mountWritesTheMountAndFuseConfigurations() throws Exception {
		Fields result = configs.create(MountRequest.parse(List.of("demo", "--overlay", "private", "--layer",
				"golden", "--layer", "site:/etc@/etc", "--option", "metacopy=true", "--fuse", "/mnt/demo")));
		assertEquals("{\"mount\":\"demo\",\"action\":\"created\",\"configurations\":"
				+ "[\"org.mapfs.mount~demo\",\"org.mapfs.frontend.fuse~demo\"]}", Json.write(result.data()));
		Map<String, Object> mount = cm.properties("org.mapfs.mount~demo");
		assertEquals(Set.of("name", "overlay", "layers", "policy", "policy.options"), mount.keySet());
		assertEquals("demo", mount.get("name"));
		assertEquals("private", mount.get("overlay"));
		assertArrayEquals(new String[] { "golden", "site:/etc@/etc" }, (String[]) mount.get("layers"));
		assertEquals("classic", mount.get("policy"));
		assertArrayEquals(new String[] { "metacopy=true" }, (String[]) mount.get("policy.options"));
		assertEquals(Map.of("mount", "demo", "mountPoint", "/mnt/demo"), cm.properties("org.mapfs.frontend.fuse~demo"));
	}

	@Test
	void aSecondMountOfTheSameNameIsRefused() throws Exception {
		mount("demo", "--layer", "golden");
		assertEquals("mount 'demo' is configured already: remount or unmount it", assertThrows(
				CommandException.class, () -> mount("demo", "--layer", "other")).getMessage());
		assertArrayEquals(new String[] { "golden" }, (String[]) cm.properties("org.mapfs.mount~demo").get("layers"));
	}

	@Test
	void unmountDeletesTheMountAndTheFuseMountPointsThatServeIt() throws Exception {
		mount("demo", "--layer", "golden", "--fuse", "/mnt/demo");
		mount("other", "--layer", "golden", "--fuse", "/mnt/other");
		Fields result = configs.delete("demo");
		assertEquals(List.of("org.mapfs.mount~demo", "org.mapfs.frontend.fuse~demo"), result.data().get("configurations"));
		assertEquals(Set.of("org.mapfs.mount~other", "org.mapfs.frontend.fuse~other"), cm.configs.keySet());
		assertEquals("no mount configuration 'demo'",
				assertThrows(CommandException.class, () -> configs.delete("demo")).getMessage());
	}

	@Test
	void remountRecreatesEveryConfigurationUnchanged() throws Exception {
		mount("demo", "--layer", "golden", "--fuse", "/mnt/demo");
		// as FileInstall makes them: unnamed, with the site file
		Configuration fromFile = cm.createFactoryConfiguration("org.mapfs.frontend.fuse", "?");
		fromFile.update(new Hashtable<>(Map.of("mount", "demo", "mountPoint", "/mnt/b", SITE_FILE, "file:/x.config")));
		var before = new ArrayList<>(cm.configs.values());
		Map<String, Map<String, Object>> props = new TreeMap<>();
		for (String pid : cm.configs.keySet()) {
			props.put(pid.replaceAll("\\.\\d+$", ""), cm.properties(pid));
		}

		configs.reapply("demo");
		assertEquals(3, cm.configs.size());
		for (var c : cm.configs.values()) {
			assertFalse(before.contains(c), c.pid + " was updated, not recreated");
			assertEquals(props.get(c.pid.replaceAll("\\.\\d+$", "")), cm.properties(c.pid));
		}
		assertTrue(cm.configs.containsKey("org.mapfs.mount~demo"), "a named configuration keeps its name");
	}

	@Test
	void unmountDeletesTheSiteFilesTooSoThatFileInstallDoesNotBringThemBack(@TempDir Path site) throws Exception {
		Path file = Files.writeString(site.resolve("org.mapfs.mount-demo.config"), "name=\"demo\"\n");
		Configuration c = cm.createFactoryConfiguration("org.mapfs.mount", "?");
		c.update(new Hashtable<>(Map.of("name", "demo", "layers", new String[] { "golden" }, SITE_FILE,
				file.toUri().toString())));
		configs.delete("demo");
		assertFalse(Files.exists(file));
		assertTrue(cm.configs.isEmpty());
	}

	@Test
	void namesWithFilterCharactersAreFoundExactly() throws Exception {
		mount("a*(b)", "--layer", "golden");
		mount("a", "--layer", "golden");
		configs.delete("a*(b)");
		assertEquals(Set.of("org.mapfs.mount~a"), cm.configs.keySet());
	}
}
