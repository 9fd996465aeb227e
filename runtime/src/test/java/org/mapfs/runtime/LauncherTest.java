package org.mapfs.runtime;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported runtime (target/mapfs.jar) started the way users start it: through the root script, `./mapfs -c`,
 * each test with its own framework storage (MAPFS_STORAGE) and site folder (MAPFS_SITE). Runs after the export
 * (integration-test phase).
 */
class LauncherTest {
    static final Path MODULE = Paths.get("").toAbsolutePath();
    static final Path ROOT = MODULE.getParent();
    static final Path SCRIPT = ROOT.resolve("mapfs");

    @TempDir
    Path tmp;
    Path storage;
    Path site;

    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        storage = tmp.resolve("var/felix");
        site = Files.createDirectories(tmp.resolve("site"));
    }

    Result mapfs(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(SCRIPT.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
        pb.environment().put("MAPFS_NO_BUILD", "1");
        pb.environment().put("MAPFS_STORAGE", storage.toString());
        pb.environment().put("MAPFS_SITE", site.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("./mapfs " + String.join(" ", args) + " did not finish in 120 s\n" + Files.readString(out)
                + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    Result gogo(String commands) throws Exception {
        Result r = mapfs("-c", commands);
        assertEquals(0, r.exit(), () -> "./mapfs -c failed: " + commands + "\n" + r);
        return r;
    }

    static final Pattern LB_LINE = Pattern.compile("^\\s*(\\d+)\\|(\\w+)\\s*\\|\\s*(\\d+)\\|(\\S+) \\(([^)]*)\\).*$");

    /** `lb -s` output: symbolic name to state. */
    static Map<String, String> bundles(String lbOutput) {
        Map<String, String> states = new TreeMap<>();
        for (String line : lbOutput.split("\n")) {
            Matcher m = LB_LINE.matcher(line);
            if (m.matches()) {
                states.put(m.group(4), m.group(2));
            }
        }
        return states;
    }

    static List<String> runbundles() throws IOException {
        Properties bndrun = new Properties();
        try (InputStream in = Files.newInputStream(MODULE.resolve("mapfs.bndrun"))) {
            bndrun.load(in);
        }
        String runbundles = bndrun.getProperty("-runbundles");
        assertNotNull(runbundles, "mapfs.bndrun has no -runbundles: not resolved");
        List<String> names = new ArrayList<>();
        for (String clause : runbundles.split(",(?=(?:[^']*'[^']*')*[^']*$)")) {
            String name = clause.split(";", 2)[0].trim();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    static final String CM = "cm = $.context service ($.context serviceReference org.osgi.service.cm.ConfigurationAdmin)\n";

    @Test
    void everyResolvedBundleIsActive() throws Exception {
        Map<String, String> states = bundles(gogo("lb -s").out());
        List<String> expected = runbundles();
        assertTrue(expected.contains("mapfs.api"), "mapfs.api is not in -runbundles: " + expected);
        assertAll(expected.stream().map(name -> () -> assertEquals("Active", states.get(name), name)));
        assertAll(states.entrySet().stream().map(e -> () -> assertEquals("Active", e.getValue(), e.getKey())));
        assertTrue(states.keySet().stream().anyMatch(n -> n.startsWith("mapfs.")), "no mapfs.* bundle: " + states);
    }

    @Test
    void configurationAndInstalledBundleSurviveARestart() throws Exception {
        Path bundle = tmp.resolve("probe.jar");
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "org.mapfs.test.probe");
        a.putValue("Bundle-Version", "1.0.0");
        try (OutputStream os = Files.newOutputStream(bundle); JarOutputStream jar = new JarOutputStream(os, mf)) {
            // a manifest is all a bundle needs
        }

        gogo(CM
            + "cfg = $cm getConfiguration org.mapfs.test.persist \"?\"\n"
            + "props = new java.util.Hashtable\n"
            + "$props put answer 42\n"
            + "$cfg update $props\n"
            + "start " + bundle.toUri() + "\n");
        assertTrue(Files.isDirectory(storage), "no framework storage in " + storage);

        Result second = gogo(CM
            + "echo answer = ((($cm getConfiguration org.mapfs.test.persist \"?\") properties) get answer)\n"
            + "lb -s\n");
        assertTrue(second.out().contains("answer = 42"), "configuration lost on restart:\n" + second);
        assertEquals("Active", bundles(second.out()).get("org.mapfs.test.probe"), "installed bundle lost:\n" + second);
    }

    @Test
    void fileInstallWatchesTheSiteFolder() throws Exception {
        Files.writeString(site.resolve("org.mapfs.test.site.cfg"), "greeting = hello\n", StandardCharsets.UTF_8);
        Result r = gogo(CM
            + "thread = ($.context bundle 0) loadclass java.lang.Thread; until { $cm listConfigurations"
            + " \"(service.pid=org.mapfs.test.site)\" } { $thread sleep 100 }\n"
            + "echo greeting = ((($cm getConfiguration org.mapfs.test.site \"?\") properties) get greeting)\n");
        assertTrue(r.out().contains("greeting = hello"), r.toString());
    }

    @Test
    void aFailingGogoCommandFailsTheScript() throws Exception {
        Result r = mapfs("-c", "no-such-command");
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("Command not found: no-such-command"), r.toString());
    }

    @Test
    void helpListsTheSubcommands() throws Exception {
        Result r = mapfs("help");
        assertEquals(0, r.exit(), r.toString());
        assertAll(List.of("run", "-c", "test", "build", "help").stream()
            .map(s -> () -> assertTrue(r.out().contains("  " + s), s + " missing in\n" + r.out())));
    }

    /**
     * The README's run command: `./mapfs` alone makes the demo repository and serves the default site's mount
     * "demo" at mnt/demo through FUSE; a change goes to the overlay, never to the repository; leaving the shell
     * unmounts. MAPFS_HOME puts var/ and mnt/ in a temporary folder.
     */
    @Test
    void theDefaultSiteServesTheDemoMount() throws Exception {
        requireFuse();
        Path home = tmp.resolve("home");
        Path mnt = home.resolve("mnt/demo");
        ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString()).directory(tmp.toFile());
        pb.environment().put("MAPFS_NO_BUILD", "1");
        pb.environment().put("MAPFS_HOME", home.toString());
        pb.environment().remove("MAPFS_SITE");
        pb.environment().remove("MAPFS_STORAGE");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Path out = tmp.resolve("run.txt");
        pb.redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!mounted(mnt) || !Files.exists(mnt.resolve("etc/motd"))) {
                assertTrue(p.isAlive(), () -> "./mapfs stopped:\n" + read(out));
                assertTrue(System.nanoTime() < deadline, () -> "mnt/demo not served in 60 s:\n" + read(out));
                Thread.sleep(100);
            }
            Path repo = home.resolve("var/demo/repository");
            String golden = Files.readString(repo.resolve("etc/motd"));
            assertEquals(golden, Files.readString(mnt.resolve("etc/motd")));
            Files.writeString(mnt.resolve("etc/motd"), "changed on this client\n");
            assertEquals("changed on this client\n", Files.readString(mnt.resolve("etc/motd")));
            assertEquals("changed on this client\n", Files.readString(home.resolve("var/demo/overlay/etc/motd")));
            assertEquals(golden, Files.readString(repo.resolve("etc/motd")), "the repository changed");
            try (OutputStream in = p.getOutputStream()) {
                in.write("exit 0\n".getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), () -> "./mapfs did not stop:\n" + read(out));
            assertTrue(!mounted(mnt), () -> "mnt/demo is still mounted after the runtime stopped:\n" + read(out));
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            if (mounted(mnt)) {
                new ProcessBuilder("umount", "-l", mnt.toString()).inheritIO().start().waitFor();
            }
        }
    }

    /** FUSE needs /dev/fuse and root here; CI must have them (a skip there would hide a broken run command). */
    static void requireFuse() throws Exception {
        Process id = new ProcessBuilder("id", "-u").start();
        boolean root = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().equals("0");
        String missing = !Files.exists(Path.of("/dev/fuse")) ? "no /dev/fuse" : !root ? "not root" : null;
        if (missing != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("FUSE is not available on CI: " + missing);
            }
            Assumptions.abort("FUSE is not available: " + missing);
        }
    }

    static boolean mounted(Path mountPoint) throws IOException {
        String target = " " + mountPoint.toAbsolutePath() + " ";
        return Files.readAllLines(Path.of("/proc/mounts")).stream().anyMatch(l -> l.contains(target));
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
