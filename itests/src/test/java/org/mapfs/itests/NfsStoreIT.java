package org.mapfs.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mapfs.api.admin.MountState;
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
 * The NFS store in the runtime, with a server that is there but never answers (it accepts connections and reads
 * what it is sent): the store's configuration gives no store within the bounds it sets, even with hard=true; the
 * mount that names it waits for it; the bundle, ConfigAdmin and another store go on. (The store against a real
 * server is tested in mapfs.store.nfs, whose test JVM runs nfs-ganesha in a network namespace of its own.)
 */
class NfsStoreIT {
	@InjectBundleContext
	BundleContext context;
	@InjectService
	ConfigurationAdmin cm;
	@InjectService
	Mounts mounts;

	private final List<Configuration> configs = new ArrayList<>();
	private ServerSocket silent;
	private Thread acceptor;
	private Path base;

	@BeforeEach
	void setUp() throws IOException {
		base = Files.createTempDirectory("mapfs-nfs-it");
		silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		acceptor = new Thread(() -> {
			try {
				while (true) {
					Socket s = silent.accept();
					Thread reader = new Thread(() -> drain(s));
					reader.setDaemon(true);
					reader.start();
				}
			} catch (IOException closed) {
				// the test is over
			}
		}, "silent NFS server");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	private static void drain(Socket s) {
		try (s; InputStream in = s.getInputStream()) {
			in.transferTo(OutputStream.nullOutputStream());
		} catch (IOException ignored) {
			// the client gave up
		}
	}

	@AfterEach
	void tearDown() throws Exception {
		for (Configuration c : configs) {
			c.delete();
		}
		silent.close();
		acceptor.join(5000);
	}

	private boolean hasStore(String id) throws Exception {
		return !context.getServiceReferences(Store.class, "(" + Store.ID_PROPERTY + "=" + id + ")").isEmpty();
	}

	@Test
	void aServerThatNeverAnswersGivesNoStoreAndHarmsNothingElse() throws Exception {
		Configuration nfs = cm.getFactoryConfiguration("org.mapfs.store.nfs", "nfs-silent", "?");
		Dictionary<String, Object> props = new Hashtable<>();
		props.put("id", "nfs-silent");
		props.put("server", "127.0.0.1");
		props.put("export", "/repo");
		props.put("nfsPort", silent.getLocalPort());
		props.put("mountPort", silent.getLocalPort());
		props.put("hard", true);
		props.put("timeoutMillis", 300);
		props.put("retrans", 1);
		nfs.update(props);
		configs.add(nfs);
		configs.add(Configs.store(cm, "nfs-it-private", Files.createDirectories(base.resolve("upper")),
				base.resolve("work"), false));
		configs.add(Configs.mount(cm, "nfs-it", "nfs-it-private", "nfs-silent"));

		MountState waiting = Await.state(mounts, "nfs-it", State.WAITING);
		assertTrue(waiting.reason().contains("nfs-silent"), waiting.reason());
		// ConfigAdmin went on with the configurations after the NFS store's
		Await.until("the local store", () -> hasStore("nfs-it-private"));
		// activation gave up: a later look still finds no store
		Thread.sleep(2000);
		assertFalse(hasStore("nfs-silent"), "a store without a server");
		assertEquals(State.WAITING, Await.state(mounts, "nfs-it", State.WAITING).state());
		for (Bundle b : context.getBundles()) {
			if ("mapfs.store.nfs".equals(b.getSymbolicName())) {
				assertEquals(Bundle.ACTIVE, b.getState());
			}
		}
	}
}
