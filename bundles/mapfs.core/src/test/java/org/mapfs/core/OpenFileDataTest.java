package org.mapfs.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mapfs.core.Tree.p;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapfs.api.Caller;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FsException;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.api.policy.OverlayPolicy;
import org.mapfs.api.policy.Policy;
import org.mapfs.api.store.WritableStore;
import org.mapfs.policy.classic.ClassicPolicy;

/**
 * The data of open files that the engine makes in the overlay. The copy-up of a repository file that is open is
 * made from the data the open file holds, and the open file goes on with the data the copy was written through;
 * a new file goes on with the data it was created through. Neither is opened once more, and every handle of the
 * file reads and writes that data.
 */
class OpenFileDataTest {
	@TempDir
	Path tmp;
	Fixture fx;
	Mount mount;
	/** The data calls the engine made of the policy: name/number of arguments. */
	final List<String> calls = new CopyOnWriteArrayList<>();

	@BeforeEach
	void setUp() throws IOException {
		fx = new Fixture(tmp);
		Path repo = fx.etcRepository();
		Files.createLink(repo.resolve("etc/hosts.link"), repo.resolve("etc/hosts"));
		fx.policy = recording(new ClassicPolicy());
		mount = fx.mount();
	}

	@AfterEach
	void repositoryUnchanged() throws IOException {
		fx.close();
		fx.assertRepositoryUnchanged();
	}

	/** The policy, with the calls of its overlay policies about file data recorded. */
	private Policy recording(Policy policy) {
		return new Policy() {
			@Override
			public String name() {
				return policy.name();
			}

			@Override
			public OverlayPolicy attach(WritableStore overlay, Map<String, String> options) throws FsException {
				OverlayPolicy real = policy.attach(overlay, options);
				return (OverlayPolicy) Proxy.newProxyInstance(getClass().getClassLoader(),
						new Class<?>[] { OverlayPolicy.class }, (proxy, m, args) -> {
							if (List.of("copyUp", "open", "published").contains(m.getName())) {
								calls.add(m.getName() + "/" + args.length);
							}
							try {
								return m.invoke(real, args);
							} catch (InvocationTargetException e) {
								throw e.getCause();
							}
						});
			}
		};
	}

	private static ByteBuffer bytes(String s) {
		return ByteBuffer.wrap(s.getBytes(UTF_8));
	}

	private static String read(FileHandle h, int n) throws FsException {
		ByteBuffer b = ByteBuffer.allocate(n);
		h.read(b, 0);
		return new String(b.array(), 0, b.position(), UTF_8);
	}

	@Test
	void theCopyIsMadeFromTheOpenDataAndKeptOpenForTheFile() throws IOException {
		try (FileHandle reader = mount.open(p("etc/hosts"), Set.of(OpenFlag.READ));
				FileHandle writer = mount.open(p("etc/hosts"), Set.of(OpenFlag.READ, OpenFlag.WRITE))) {
			calls.clear();
			writer.write(bytes("10.0.0.10"), 0);
			assertEquals(List.of("copyUp/4", "published/3"), calls,
					"copied from the open data, the copy's data kept: no copyUp/3 nor open/3, which open files anew");
			writer.write(bytes("!"), 20);
			assertEquals("10.0.0.10 localhost\n!", read(writer, 64));
			assertEquals("10.0.0.10 localhost\n!", read(reader, 64), "the other handle reads the copy too");
		}
		assertEquals("10.0.0.10 localhost\n!", Files.readString(fx.upper.resolve("etc/hosts")));
		try (FileHandle later = mount.open(p("etc/hosts"), Set.of(OpenFlag.READ))) {
			assertEquals("10.0.0.10 localhost\n!", read(later, 64));
		}
	}

	@Test
	void theOtherNamesOfAHardLinkedFileOpenTheCopy() throws IOException {
		try (FileHandle a = mount.open(p("etc/hosts"), Set.of(OpenFlag.READ, OpenFlag.WRITE));
				FileHandle b = mount.open(p("etc/hosts.link"), Set.of(OpenFlag.READ))) {
			calls.clear();
			a.write(bytes("::1"), 0);
			assertEquals(List.of("copyUp/4", "published/3", "open/3"), calls,
					"the file open under the other name has no copy of its own to keep: it opens the one copy");
			assertEquals("::1.0.0.1 localhost\n", read(b, 64));
			calls.clear();
			mount.truncate(p("etc/hosts.link"), 3);
			assertEquals(List.of(), calls, "both names are the one copy already");
			assertEquals("::1", read(a, 64));
		}
		assertEquals("::1", Files.readString(fx.upper.resolve("etc/hosts")));
		Mount again = fx.remount();
		assertEquals("::1", Tree.text(again, "etc/hosts.link"), "the other name is the copy after a remount too");
	}

	@Test
	void aNewFileGoesOnWithTheDataItWasCreatedThrough() throws IOException {
		calls.clear();
		try (FileHandle h = mount.create(p("etc/motd"), 0644, Caller.PROCESS, true)) {
			assertEquals(List.of("published/3"), calls, "no open/3: the new file is not opened once more");
			h.write(bytes("hello"), 0);
			try (FileHandle other = mount.open(p("etc/motd"), Set.of(OpenFlag.READ))) {
				assertEquals("hello", read(other, 64));
			}
		}
		assertEquals("hello", Files.readString(fx.upper.resolve("etc/motd")));
		// over a whiteout the file is made in the work area and published: the same data goes on
		mount.unlink(p("etc/hosts"));
		calls.clear();
		try (FileHandle h = mount.create(p("etc/hosts"), 0600, Caller.PROCESS, true)) {
			assertEquals(List.of("published/3"), calls);
			h.write(bytes("::1"), 0);
		}
		assertEquals("::1", Files.readString(fx.upper.resolve("etc/hosts")));
		assertEquals("::1", Tree.text(fx.remount(), "etc/hosts"));
	}
}
