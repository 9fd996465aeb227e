package org.mapfs.itests;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** The runtime's bundle set, inside a real Felix framework (itests.bndrun = the runtime's requirements + the tester). */
class RuntimeIT {

    @InjectBundleContext
    BundleContext context;

    private static String bsn(Bundle b) {
        return String.valueOf(b.getSymbolicName());
    }

    private static boolean isFragment(Bundle b) {
        return b.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
    }

    private static String state(Bundle b) {
        switch (b.getState()) {
            case Bundle.INSTALLED: return "INSTALLED";
            case Bundle.RESOLVED: return "RESOLVED";
            case Bundle.STARTING: return "STARTING";
            case Bundle.STOPPING: return "STOPPING";
            case Bundle.ACTIVE: return "ACTIVE";
            case Bundle.UNINSTALLED: return "UNINSTALLED";
            default: return "state " + b.getState();
        }
    }

    private Map<String, Bundle> bundlesByName() {
        Map<String, Bundle> byName = new TreeMap<>();
        for (Bundle b : context.getBundles()) {
            byName.put(bsn(b), b);
        }
        return byName;
    }

    @Test
    void everyMapfsBundleIsActive() {
        List<Bundle> mapfs = Arrays.stream(context.getBundles())
            .filter(b -> bsn(b).startsWith("mapfs."))
            .collect(Collectors.toList());
        assertFalse(mapfs.isEmpty(), "no mapfs.* bundle installed");
        assertTrue(mapfs.stream().anyMatch(b -> bsn(b).equals("mapfs.api")), "mapfs.api is not installed");
        assertAll(mapfs.stream().map(b -> () -> assertEquals(Bundle.ACTIVE, b.getState(),
            bsn(b) + " is " + state(b) + ", not ACTIVE")));
    }

    @Test
    void everyBundleIsActiveOrAResolvedFragment() {
        assertAll(Arrays.stream(context.getBundles()).map(b -> () -> {
            int expected = isFragment(b) ? Bundle.RESOLVED : Bundle.ACTIVE;
            assertEquals(expected, b.getState(), bsn(b) + " " + b.getVersion() + " is " + state(b));
        }));
    }

    @ParameterizedTest
    @ValueSource(strings = {"org.apache.felix.scr", "org.apache.felix.configadmin", "org.apache.felix.fileinstall",
        "org.apache.felix.metatype", "org.apache.felix.log", "org.apache.felix.gogo.runtime",
        "org.apache.felix.gogo.shell", "org.apache.felix.gogo.command"})
    void infrastructureBundleIsActive(String name) {
        Bundle b = bundlesByName().get(name);
        assertNotNull(b, name + " is not installed");
        assertEquals(Bundle.ACTIVE, b.getState(), name + " is " + state(b));
    }

    @ParameterizedTest
    @ValueSource(strings = {"org.osgi.service.component.runtime.ServiceComponentRuntime",
        "org.osgi.service.cm.ConfigurationAdmin", "org.osgi.service.metatype.MetaTypeService",
        "org.osgi.service.log.LoggerFactory", "org.apache.felix.service.command.CommandProcessor"})
    void infrastructureServiceIsRegistered(String serviceClass) {
        assertNotNull(context.getServiceReference(serviceClass), serviceClass + " is not registered");
    }

    @Test
    void gogoHasTheBasicCommands() throws Exception {
        ServiceReference<?>[] refs = context.getServiceReferences((String) null, "(osgi.command.function=lb)");
        assertNotNull(refs, "no gogo command 'lb' registered");
    }

    @Test
    void configurationCanBeCreatedAndReadBack(@InjectService ConfigurationAdmin cm) throws Exception {
        String pid = "org.mapfs.itests.roundtrip";
        Configuration created = cm.getConfiguration(pid, "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("store.id", "golden");
        props.put("layers", new String[] {"a", "b"});
        created.update(props);
        try {
            Configuration[] found = cm.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
            assertNotNull(found, "configuration " + pid + " not found after update");
            assertEquals(1, found.length);
            Dictionary<String, Object> read = found[0].getProperties();
            assertEquals("golden", read.get("store.id"));
            assertEquals(List.of("a", "b"), Arrays.asList((String[]) read.get("layers")));
        } finally {
            created.delete();
        }
        assertEquals(null, cm.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")"));
    }

    @Test
    void fileInstallTurnsASiteFileIntoAConfiguration(@InjectService ConfigurationAdmin cm) throws Exception {
        String dir = context.getProperty("felix.fileinstall.dir");
        assertNotNull(dir, "felix.fileinstall.dir is not set");
        Path site = Paths.get(dir);
        Files.createDirectories(site);
        String pid = "org.mapfs.itests.site";
        Path file = site.resolve(pid + ".cfg");
        Files.writeString(file, "greeting = hello\n");
        String filter = "(" + Constants.SERVICE_PID + "=" + pid + ")";
        try {
            Configuration[] found = null;
            for (long end = System.currentTimeMillis() + 15_000; System.currentTimeMillis() < end; Thread.sleep(100)) {
                found = cm.listConfigurations(filter);
                if (found != null) {
                    break;
                }
            }
            assertNotNull(found, "FileInstall did not create " + pid + " from " + file);
            assertEquals("hello", found[0].getProperties().get("greeting"));
        } finally {
            Files.deleteIfExists(file);
        }
        for (long end = System.currentTimeMillis() + 15_000; System.currentTimeMillis() < end; Thread.sleep(100)) {
            if (cm.listConfigurations(filter) == null) {
                return;
            }
        }
        fail("FileInstall did not delete " + pid + " after " + file + " was removed");
    }

    /** The bundle set that runtime/mapfs.bndrun resolved to (its -runbundles) is installed and active here too. */
    @Test
    void runtimeRunbundlesAreAllActiveHere() throws IOException {
        String path = context.getProperty("mapfs.runtime.bndrun");
        assertNotNull(path, "mapfs.runtime.bndrun is not set");
        Properties bndrun = new Properties();
        try (InputStream in = Files.newInputStream(Paths.get(path))) {
            bndrun.load(in);
        }
        String runbundles = bndrun.getProperty("-runbundles");
        assertNotNull(runbundles, path + " has no -runbundles (not resolved?)");
        List<String> names = new ArrayList<>();
        // split on commas outside quotes: version ranges are quoted and contain commas
        for (String clause : runbundles.split(",(?=(?:[^']*'[^']*')*[^']*$)")) {
            String name = clause.split(";", 2)[0].trim();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        assertTrue(names.contains("mapfs.api"), "mapfs.api is not in " + path + " -runbundles: " + names);
        Map<String, Bundle> here = bundlesByName();
        assertAll(names.stream().map(name -> () -> {
            Bundle b = here.get(name);
            assertNotNull(b, name + " (from " + path + ") is not installed");
            assertEquals(isFragment(b) ? Bundle.RESOLVED : Bundle.ACTIVE, b.getState(), name + " is " + state(b));
        }));
    }
}
