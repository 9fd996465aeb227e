package org.mapfs.frontend.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mapfs.api.AttributeChange;
import org.mapfs.api.Caller;
import org.mapfs.api.DirEntry;
import org.mapfs.api.Entry;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileHandle;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.OpenFlag;
import org.mapfs.api.RenameMode;
import org.mapfs.api.StatFs;
import org.mapfs.api.XattrMode;
import org.mapfs.core.MountBuilder;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/**
 * The kernel keeps repository-only entries, attributes and pages for a day. When the view changes other than
 * through the mount (here: the mount switches to another repository and says so through {@link Mount#onChange}),
 * the front-end makes the kernel drop them, and programs see the new view at once.
 */
class KernelCacheTest {
	Path base;
	Path mnt;
	final List<LocalStore> stores = new ArrayList<>();
	FuseFrontEnd fe;

	@BeforeEach
	void setUp() throws IOException {
		FuseTests.requireFuse();
		base = Files.createTempDirectory("mapfs-cache");
		mnt = Files.createDirectories(base.resolve("mnt"));
	}

	@AfterEach
	void tearDown() throws IOException {
		FuseTests.unmountAndClose(fe, mnt, stores);
		FuseTests.deleteTree(base);
	}

	/** A read-only mount of a repository with etc/hosts holding {@code name} and a folder only-NAME. */
	Mount repository(String name, String mode) throws IOException {
		Path repo = Files.createDirectories(base.resolve(name));
		Files.createDirectories(repo.resolve("etc"));
		Files.createDirectories(repo.resolve("only-" + name));
		Files.writeString(repo.resolve("etc/hosts"), name + "\n");
		Files.setPosixFilePermissions(repo.resolve("etc/hosts"), PosixFilePermissions.fromString(mode));
		LocalStore store = LocalStore.open(name, repo, null, true);
		stores.add(store);
		return MountBuilder.named("cache").layer(store, FsPath.ROOT, FsPath.ROOT).policy(new ClassicPolicy(), Map.of())
				.build();
	}

	String sh(String script) {
		return FuseTests.sh(mnt, script).ok().out().trim();
	}

	/**
	 * The two versions of etc/hosts have the same size, so only the notification (not a size the kernel sees
	 * change) makes it drop the pages it keeps; without it, this test sees "644 one" and "etc only-one".
	 */
	@Test
	void aChangeOutsideTheMountReachesProgramsAtOnce() throws IOException {
		SwitchingMount view = new SwitchingMount(repository("one", "rw-r--r--"));
		fe = new FuseFrontEnd();
		fe.mount(view, mnt, FuseFrontEnd.Options.defaults());
		assertEquals("644 one etc only-one", sh("echo $(stat -c %a etc/hosts) $(cat etc/hosts) $(ls)"));

		view.delegate = repository("two", "rw-------");
		view.changed(FsPath.of("etc/hosts"));
		assertEquals("600 two", sh("echo $(stat -c %a etc/hosts) $(cat etc/hosts)"), "attributes and pages");

		view.changed(FsPath.ROOT);
		assertEquals("etc only-two", sh("echo $(ls)"), "the root's listing");
	}

	/** A mount that serves another mount's view, which a test may replace. */
	static final class SwitchingMount implements Mount {
		volatile Mount delegate;
		private final List<Consumer<FsPath>> listeners = new CopyOnWriteArrayList<>();

		SwitchingMount(Mount delegate) {
			this.delegate = delegate;
		}

		void changed(FsPath path) {
			listeners.forEach(l -> l.accept(path));
		}

		@Override
		public AutoCloseable onChange(Consumer<FsPath> listener) {
			listeners.add(listener);
			return () -> listeners.remove(listener);
		}

		@Override
		public String name() {
			return delegate.name();
		}

		@Override
		public boolean isReadOnly() {
			return delegate.isReadOnly();
		}

		@Override
		public FileAttributes stat(FsPath path) throws FsException {
			return delegate.stat(path);
		}

		@Override
		public Entry lookup(FsPath path) throws FsException {
			return delegate.lookup(path);
		}

		@Override
		public List<DirEntry> list(FsPath dir) throws FsException {
			return delegate.list(dir);
		}

		@Override
		public FileHandle open(FsPath path, Set<OpenFlag> flags, Caller caller) throws FsException {
			return delegate.open(path, flags, caller);
		}

		@Override
		public FileHandle create(FsPath path, int mode, Caller caller, boolean exclusive) throws FsException {
			return delegate.create(path, mode, caller, exclusive);
		}

		@Override
		public void mkdir(FsPath path, int mode, Caller caller) throws FsException {
			delegate.mkdir(path, mode, caller);
		}

		@Override
		public void mknod(FsPath path, FileType type, int mode, long rdev, Caller caller) throws FsException {
			delegate.mknod(path, type, mode, rdev, caller);
		}

		@Override
		public void symlink(FsPath link, String target, Caller caller) throws FsException {
			delegate.symlink(link, target, caller);
		}

		@Override
		public String readlink(FsPath path) throws FsException {
			return delegate.readlink(path);
		}

		@Override
		public void link(FsPath existing, FsPath link) throws FsException {
			delegate.link(existing, link);
		}

		@Override
		public void unlink(FsPath path) throws FsException {
			delegate.unlink(path);
		}

		@Override
		public void rmdir(FsPath path) throws FsException {
			delegate.rmdir(path);
		}

		@Override
		public void rename(FsPath from, FsPath to, RenameMode mode) throws FsException {
			delegate.rename(from, to, mode);
		}

		@Override
		public void setattr(FsPath path, AttributeChange change) throws FsException {
			delegate.setattr(path, change);
		}

		@Override
		public void truncate(FsPath path, long size) throws FsException {
			delegate.truncate(path, size);
		}

		@Override
		public byte[] getxattr(FsPath path, String name) throws FsException {
			return delegate.getxattr(path, name);
		}

		@Override
		public List<String> listxattr(FsPath path) throws FsException {
			return delegate.listxattr(path);
		}

		@Override
		public void setxattr(FsPath path, String name, byte[] value, XattrMode mode) throws FsException {
			delegate.setxattr(path, name, value, mode);
		}

		@Override
		public void removexattr(FsPath path, String name) throws FsException {
			delegate.removexattr(path, name);
		}

		@Override
		public StatFs statfs() throws FsException {
			return delegate.statfs();
		}
	}
}
