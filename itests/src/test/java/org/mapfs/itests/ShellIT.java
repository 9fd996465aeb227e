package org.mapfs.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mapfs.api.Mount;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * The mapfs Gogo commands through the CommandProcessor, on a live FUSE mount they configure themselves: checked on
 * what they print and on what the file system shows.
 */
class ShellIT {
	@InjectBundleContext
	BundleContext context;
	@InjectService
	ConfigurationAdmin cm;
	@InjectService
	CommandProcessor gogo;

	Path base;
	Path mnt;
	Configuration golden;
	Configuration overlay;

	@BeforeEach
	void setUp() throws IOException {
		base = Files.createTempDirectory("mapfs-shell-it");
		Path etc = Files.createDirectories(base.resolve("repo/etc"));
		Files.writeString(etc.resolve("hosts"), "127.0.0.1 localhost\n");
		Files.writeString(etc.resolve("motd"), "golden\n");
		Files.createDirectories(base.resolve("upper"));
		mnt = Files.createDirectories(base.resolve("mnt"));
		golden = Configs.store(cm, "sh-golden", base.resolve("repo"), null, true);
		overlay = Configs.store(cm, "sh-private", base.resolve("upper"), base.resolve("work"), false);
	}

	@AfterEach
	void tearDown() throws Exception {
		// what a failed test left behind
		Configuration[] left = cm.listConfigurations("(|(name=sh)(mount=sh))");
		for (Configuration c : left == null ? new Configuration[0] : left) {
			c.delete();
		}
		Await.within(Await.TIMEOUT, () -> !Await.mounted(mnt));
		overlay.delete();
		golden.delete();
		assertEquals("127.0.0.1 localhost\n", Files.readString(base.resolve("repo/etc/hosts")), "repository changed");
	}

	/** Runs Gogo commands in a new session; what they printed. A failing command throws its exception. */
	private String run(String commands) throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		PrintStream print = new PrintStream(out, true, UTF_8);
		CommandSession session = gogo.createSession(new ByteArrayInputStream(new byte[0]), print, print);
		try {
			session.execute(commands);
		} finally {
			session.close();
		}
		return out.toString(UTF_8);
	}

	@Test
	void everyCommandOnALiveFuseMount() throws Exception {
		String created = run("mapfs:mount sh --overlay sh-private --layer sh-golden --fuse " + mnt);
		assertTrue(created.contains("created"), created);
		assertNotNull(cm.listConfigurations("(&(service.factoryPid=org.mapfs.mount)(name=sh))"));
		assertNotNull(cm.listConfigurations("(&(service.factoryPid=org.mapfs.frontend.fuse)(mount=sh))"));
		assertTrue(Await.within(Await.TIMEOUT, () -> Await.mounted(mnt)), "no FUSE mount at " + mnt);
		assertEquals("golden\n", Files.readString(mnt.resolve("etc/motd")));

		assertTrue(run("mapfs:stores").lines().anyMatch(l -> l.matches("sh-private +yes +file:.*")));
		assertTrue(run("mapfs:policies").lines().anyMatch(l -> l.equals("classic")));
		assertTrue(run("mapfs:mounts").lines().anyMatch(l -> l.matches("sh +ACTIVE +classic +sh-private +sh-golden +-")),
				run("mapfs:mounts"));
		String mountsJson = run("mapfs:mounts --json");
		assertJson(mountsJson);
		assertTrue(mountsJson.contains("{\"name\":\"sh\",\"state\":\"ACTIVE\",\"policy\":\"classic\","
				+ "\"overlay\":\"sh-private\",\"layers\":[\"sh-golden\"],\"reason\":\"\"}"), mountsJson);
		assertEquals("ACCESS  STORE       PATH  AT\nrw      sh-private  /     /\nro      sh-golden   /     /\n",
				run("mapfs:layers sh"));

		assertTrue(run("mapfs:which sh /etc/hosts").contains("placement  REPOSITORY"));
		Files.writeString(mnt.resolve("etc/hosts"), "10.0.0.1 changed\n");
		String which = run("mapfs:which --json sh /etc/hosts");
		assertJson(which);
		assertTrue(which.contains("\"placement\":\"OVERLAY\""), which);

		Files.delete(mnt.resolve("etc/motd"));
		assertEquals("M  /etc/hosts\nD  /etc/motd\n", run("mapfs:diff sh"));
		assertEquals("D  /etc/motd\n", run("mapfs:diff sh /etc/motd"));
		String diff = run("mapfs:diff --json sh");
		assertJson(diff);
		assertTrue(diff.contains("{\"status\":\"M\",\"kind\":\"MODIFIED\",\"path\":\"/etc/hosts\",\"from\":null}"), diff);

		String stats = run("mapfs:stats --json sh");
		assertJson(stats);
		Matcher copyUps = Pattern.compile("\"copyUps\":(\\d+)").matcher(stats);
		assertTrue(copyUps.find() && Long.parseLong(copyUps.group(1)) > 0, stats);
		assertTrue(run("mapfs:stats sh").contains("whiteouts"));

		assertEquals("M  /etc/hosts\n", run("mapfs:revert sh /etc/hosts"));
		assertEquals("127.0.0.1 localhost\n", Files.readString(mnt.resolve("etc/hosts")));
		assertTrue(run("mapfs:which sh /etc/hosts").contains("placement  REPOSITORY"));
		assertEquals("D  /etc/motd\n", run("mapfs:revert -r sh /"));
		assertEquals("golden\n", Files.readString(mnt.resolve("etc/motd")));
		assertEquals("", run("mapfs:diff sh"));

		// expected errors: one line, the exception Gogo shows
		assertTrue(assertThrows(Exception.class, () -> run("mapfs:diff nosuch")).getMessage().contains("nosuch"));
		assertTrue(assertThrows(Exception.class, () -> run("mapfs:which sh /a/../b")).getMessage()
				.startsWith("bad path"));

		String deleted = run("mapfs:unmount sh");
		assertTrue(deleted.contains("deleted"), deleted);
		assertEquals(null, cm.listConfigurations("(|(name=sh)(mount=sh))"));
		assertTrue(Await.within(Await.TIMEOUT, () -> !Await.mounted(mnt)), "still mounted at " + mnt);
		assertTrue(Await.within(Await.TIMEOUT, () -> Configs.mountService(context, "sh") == null), "the Mount service stayed");
	}

	@Test
	void remountRebuildsTheMountFromItsConfiguration() throws Exception {
		run("mapfs:mount sh --overlay sh-private --layer sh-golden");
		assertTrue(Await.within(Await.TIMEOUT, () -> Configs.mountService(context, "sh") != null), "no Mount service");
		Object before = Configs.mountService(context, "sh").getProperty(Constants.SERVICE_ID);
		String json = run("mapfs:remount --json sh");
		assertEquals("{\"mount\":\"sh\",\"action\":\"recreated\",\"configurations\":[\"org.mapfs.mount~sh\"]}\n", json);
		assertTrue(Await.within(Await.TIMEOUT, () -> Configs.mountService(context, "sh") != null
				&& !before.equals(Configs.mountService(context, "sh").getProperty(Constants.SERVICE_ID))), "the mount was not rebuilt");
		assertNotEquals(null, cm.listConfigurations("(name=sh)"));
		assertTrue(assertThrows(Exception.class, () -> run("mapfs:mount sh --layer sh-golden")).getMessage()
				.contains("configured already"));
	}

	/** A simple check that the text is one JSON value: an object or array, brackets balanced outside strings. */
	private static void assertJson(String text) {
		String s = text.strip();
		assertTrue(s.startsWith("{") || s.startsWith("["), s);
		int depth = 0;
		boolean inString = false;
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (inString) {
				if (c == '\\') {
					i++;
				} else if (c == '"') {
					inString = false;
				}
			} else if (c == '"') {
				inString = true;
			} else if (c == '{' || c == '[') {
				depth++;
			} else if (c == '}' || c == ']') {
				depth--;
				assertFalse(depth < 0, s);
				assertTrue(depth > 0 || i == s.length() - 1, "text after the JSON value: " + s);
			}
		}
		assertEquals(0, depth, s);
	}

}
