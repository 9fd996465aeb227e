package org.mapfs.shell;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mapfs.api.Entry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Placement;
import org.mapfs.api.admin.Change;
import org.mapfs.api.admin.MountState;
import org.mapfs.api.admin.MountStats;
import org.mapfs.api.admin.Mounts;
import org.mapfs.api.policy.Policy;
import org.mapfs.api.store.Store;
import org.mapfs.api.store.WritableStore;

/** The inspecting commands against a fake engine, checked on what they print. */
class ViewCommandsTest {
	private final ViewCommands commands = new ViewCommands();
	private final FakeMounts engine = new FakeMounts();
	private final ByteArrayOutputStream out = new ByteArrayOutputStream();
	private PrintStream systemOut;

	@BeforeEach
	void setUp() {
		systemOut = System.out;
		System.setOut(new PrintStream(out, true, UTF_8));
		commands.mounts = engine;
		commands.stores = List.of(
				fake(Store.class, Map.of("id", "golden", "location", URI.create("file:/srv/golden/"))),
				fake(WritableStore.class, Map.of("id", "private", "location", URI.create("file:/srv/upper/"))));
		commands.policies = List.of(fake(Policy.class, Map.of("name", "classic")));
	}

	@AfterEach
	void tearDown() {
		System.setOut(systemOut);
	}

	private String printed() {
		String s = out.toString(UTF_8);
		out.reset();
		return s;
	}

	@Test
	void mountsShowsStateAndReasonInAlignedColumnsSortedByName() throws Exception {
		commands.mounts(false);
		assertEquals("""
				NAME    STATE    POLICY   OVERLAY  LAYERS                 REASON
				broken  WAITING  classic  private  no-such-store          waiting for store 'no-such-store'
				demo    ACTIVE   classic  private  golden,site:/etc@/etc  -
				""", printed());
	}

	@Test
	void mountsAsJson() throws Exception {
		commands.mounts(true);
		assertEquals("[{\"name\":\"broken\",\"state\":\"WAITING\",\"policy\":\"classic\",\"overlay\":\"private\","
				+ "\"layers\":[\"no-such-store\"],\"reason\":\"waiting for store 'no-such-store'\"},"
				+ "{\"name\":\"demo\",\"state\":\"ACTIVE\",\"policy\":\"classic\",\"overlay\":\"private\","
				+ "\"layers\":[\"golden\",\"site:/etc@/etc\"],\"reason\":\"\"}]\n", printed());
	}

	@Test
	void storesAndPolicies() throws Exception {
		commands.stores(false);
		assertEquals("""
				ID       WRITABLE  LOCATION
				golden   no        file:/srv/golden/
				private  yes       file:/srv/upper/
				""", printed());
		commands.stores(true);
		assertEquals("[{\"id\":\"golden\",\"writable\":false,\"location\":\"file:/srv/golden/\"},"
				+ "{\"id\":\"private\",\"writable\":true,\"location\":\"file:/srv/upper/\"}]\n", printed());
		commands.policies(false);
		assertEquals("NAME\nclassic\n", printed());
	}

	@Test
	void layersTopFirst() throws Exception {
		commands.layers(false, "demo");
		assertEquals("""
				ACCESS  STORE    PATH  AT
				rw      private  /     /
				ro      golden   /     /
				ro      site     /etc  /etc
				""", printed());
	}

	@Test
	void diffLikeGitStatusShort() throws Exception {
		commands.diff(false, "demo");
		assertEquals("""
				A  /etc/new
				M  /etc/hosts
				m  /etc/motd
				D  /etc/passwd
				R  /opt/old -> /opt/new
				""", printed());
		assertEquals(FsPath.ROOT, engine.lastPath);
		commands.diff(true, "demo", "/etc/");
		assertEquals(FsPath.of("etc"), engine.lastPath);
		String json = printed();
		assertEquals(true, json.startsWith("[{\"status\":\"A\",\"kind\":\"ADDED\",\"path\":\"/etc/new\",\"from\":null}"),
				json);
		assertEquals(true, json.endsWith(
				"{\"status\":\"R\",\"kind\":\"RENAMED\",\"path\":\"/opt/new\",\"from\":\"/opt/old\"}]\n"), json);
	}

	@Test
	void whichSaysWhereAPathComesFrom() throws Exception {
		commands.which(false, "demo", "/etc/hosts");
		assertEquals("""
				mount      demo
				path       /etc/hosts
				layer      private
				placement  OVERLAY
				meaning    private: copied up or new
				type       REGULAR
				""", printed());
		commands.which(true, "demo", "/etc/hosts");
		assertEquals("{\"mount\":\"demo\",\"path\":\"/etc/hosts\",\"layer\":\"private\",\"placement\":\"OVERLAY\","
				+ "\"meaning\":\"private: copied up or new\",\"type\":\"REGULAR\"}\n", printed());
	}

	@Test
	void revertPassesRecursiveAndPrintsWhatWasUndone() throws Exception {
		commands.revert(true, false, "demo", "/etc");
		assertEquals(true, engine.lastRecursive);
		assertEquals("M  /etc/hosts\n", printed());
	}

	@Test
	void stats() throws Exception {
		commands.stats(false, "demo");
		assertEquals("""
				mount                demo
				copyUps              3
				bytesCopied          4096
				whiteouts            1
				openFiles            0
				operations           1200
				operationsPerSecond  12.5
				""", printed());
	}

	@Test
	void expectedErrorsAreOneLine() {
		assertEquals("ENOENT: no mount 'nope'",
				assertThrows(CommandException.class, () -> commands.diff(false, "nope")).getMessage());
		assertEquals("no mount 'nope'",
				assertThrows(CommandException.class, () -> commands.layers(false, "nope")).getMessage());
		assertEquals("bad path '/etc/../x': EINVAL: path component '..' is not allowed",
				assertThrows(CommandException.class, () -> commands.which(false, "demo", "/etc/../x")).getMessage());
		commands.mounts = null;
		assertEquals("no Mounts service: the MapFS engine (bundle mapfs.core) is not running",
				assertThrows(CommandException.class, () -> commands.mounts(false)).getMessage());
		assertEquals("", printed());
	}

	/** A service of the given interface whose methods answer as the map says; nothing else is called. */
	private static <T> T fake(Class<T> type, Map<String, Object> answers) {
		return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (p, m, args) -> {
			if (!answers.containsKey(m.getName())) {
				throw new UnsupportedOperationException(m.getName());
			}
			return answers.get(m.getName());
		}));
	}

	/** An engine with an active mount "demo" and a waiting one. */
	static final class FakeMounts implements Mounts {
		FsPath lastPath;
		boolean lastRecursive;

		@Override
		public List<MountState> list() {
			return List.of(
					new MountState("demo", MountState.State.ACTIVE, "", "private",
							List.of("golden", "site:/etc@/etc"), "classic"),
					new MountState("broken", MountState.State.WAITING, "waiting for store 'no-such-store'",
							"private", List.of("no-such-store"), "classic"));
		}

		@Override
		public Optional<MountState> get(String name) {
			return list().stream().filter(m -> m.name().equals(name)).findFirst();
		}

		private void check(String mount) throws FsException {
			if (get(mount).isEmpty()) {
				throw new FsException(Errno.ENOENT, "no mount '" + mount + "'");
			}
		}

		@Override
		public Entry which(String mount, FsPath path) throws FsException {
			check(mount);
			return new Entry(new FileAttributes(FileType.REGULAR, 0644, 0, 0, 20, 8, 1, 7, 1, 0, 0, 0, 0), "private",
					Placement.OVERLAY);
		}

		@Override
		public List<Change> diff(String mount, FsPath path) throws FsException {
			check(mount);
			lastPath = path;
			List<Change> changes = new ArrayList<>();
			changes.add(new Change(FsPath.of("/etc/new"), Change.Kind.ADDED, null));
			changes.add(new Change(FsPath.of("/etc/hosts"), Change.Kind.MODIFIED, null));
			changes.add(new Change(FsPath.of("/etc/motd"), Change.Kind.METADATA, null));
			changes.add(new Change(FsPath.of("/etc/passwd"), Change.Kind.DELETED, null));
			changes.add(new Change(FsPath.of("/opt/new"), Change.Kind.RENAMED, FsPath.of("/opt/old")));
			return changes;
		}

		@Override
		public List<Change> revert(String mount, FsPath path, boolean recursive) throws FsException {
			check(mount);
			lastRecursive = recursive;
			return List.of(new Change(FsPath.of("/etc/hosts"), Change.Kind.MODIFIED, null));
		}

		@Override
		public MountStats stats(String mount) throws FsException {
			check(mount);
			return new MountStats(3, 4096, 1, 0, 1200, 12.5);
		}
	}
}
