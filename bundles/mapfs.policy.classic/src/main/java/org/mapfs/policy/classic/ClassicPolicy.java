package org.mapfs.policy.classic;

import java.util.Map;
import java.util.Set;

import org.mapfs.api.Caller;
import org.mapfs.api.Errno;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.XattrMode;
import org.mapfs.api.policy.OverlayPolicy;
import org.mapfs.api.policy.Policy;
import org.mapfs.api.store.WritableStore;
import org.osgi.service.component.annotations.Component;

/**
 * Whole-file copy-up with kernel overlayfs's on-disk format, so an overlay written by MapFS mounts with the
 * kernel's overlayfs and the other way round.
 * <p>
 * Options: {@code userxattr=true|false} keeps the marks in {@code user.overlay.*} instead of
 * {@code trusted.overlay.*} (default: {@code user.} unless the overlay store is privileged);
 * {@code metacopy=true|false}: chmod, chown, utimens and setxattr of a repository file copy its metadata only,
 * the data follows at the first write (default: true); {@code volatile=true|false}: a copy-up is not flushed to
 * disk before it is published (default: false), like kernel overlayfs's {@code volatile} mount option: faster, but
 * after a crash a copied-up file may be empty or torn, so only for overlays that are thrown away after a crash;
 * {@code format=overlayfs|oci}: overlayfs's marks (0/0 character devices, {@code overlay.*} attributes), or the
 * {@code .wh.} names of OCI image layers for an overlay store without character devices or extended attributes
 * (an NFSv3 export): no redirects (renaming a repository directory gives EXDEV) and no metadata-only copies there
 * (default: overlayfs where the overlay's work area takes both marks, else oci).
 */
@Component(property = Policy.NAME_PROPERTY + "=" + ClassicPolicy.NAME)
public final class ClassicPolicy implements Policy {
	public static final String NAME = "classic";
	private static final Set<String> OPTIONS = Set.of("userxattr", "metacopy", "volatile", "format");
	private static final String OVERLAYFS = "overlayfs";
	private static final String OCI = "oci";

	@Override
	public String name() {
		return NAME;
	}

	@Override
	public OverlayPolicy attach(WritableStore overlay, Map<String, String> options) throws FsException {
		for (String key : options.keySet()) {
			if (!OPTIONS.contains(key)) {
				throw new FsException(Errno.EINVAL, "policy '" + NAME + "' has no option '" + key + "'");
			}
		}
		boolean privileged = overlay == null || overlay.isPrivileged();
		String prefix = flag(options, "userxattr", !privileged) ? "user.overlay." : "trusted.overlay.";
		Marks marks = overlay == null ? new Marks(true, true) : Marks.probe(overlay.work(), prefix);
		String format = options.getOrDefault("format", marks.devices() && marks.xattrs() ? OVERLAYFS : OCI);
		if (!format.equals(OVERLAYFS) && !format.equals(OCI)) {
			throw new FsException(Errno.EINVAL, "policy '" + NAME + "': format must be " + OVERLAYFS + " or " + OCI
					+ ", not '" + format + "'");
		}
		boolean oci = format.equals(OCI);
		if (oci && flag(options, "metacopy", false)) {
			throw new FsException(Errno.EINVAL, "policy '" + NAME + "': metacopy needs the " + OVERLAYFS
					+ " format (its mark is an extended attribute)");
		}
		return new ClassicOverlay(overlay, prefix, flag(options, "metacopy", true),
				!flag(options, "volatile", false), oci, marks.xattrs());
	}

	/**
	 * What the overlay's work area takes of overlayfs's marks: a 0/0 character device, and an extended attribute of
	 * the overlay's namespace on a directory (Linux allows user.* attributes on regular files and directories only).
	 */
	private record Marks(boolean devices, boolean xattrs) {
		/** Tried with scratch entries, which go again. */
		static Marks probe(WritableStore work, String prefix) throws FsException {
			FsPath device = FsPath.ROOT.resolve(".mapfs-probe-whiteout");
			FsPath dir = FsPath.ROOT.resolve(".mapfs-probe-opaque");
			remove(work, device);
			remove(work, dir);
			try {
				boolean devices = refused(() -> work.mknod(device, FileType.CHAR_DEVICE, 0, 0, Caller.PROCESS));
				work.mkdir(dir, 0700, Caller.PROCESS);
				boolean xattrs = refused(() -> work.setxattr(dir, prefix + "opaque", new byte[] { 'y' },
						XattrMode.SET));
				return new Marks(!devices, !xattrs);
			} finally {
				remove(work, device);
				remove(work, dir);
			}
		}

		private interface Attempt {
			void run() throws FsException;
		}

		/** True if the store refuses what {@code attempt} makes as something it does not support. */
		private static boolean refused(Attempt attempt) throws FsException {
			try {
				attempt.run();
				return false;
			} catch (FsException e) {
				if (e.errno() == Errno.EPERM || e.errno() == Errno.ENOTSUP || e.errno() == Errno.EINVAL
						|| e.errno() == Errno.EACCES) {
					return true;
				}
				throw e;
			}
		}
	}

	private static void remove(WritableStore work, FsPath path) throws FsException {
		try {
			if (work.stat(path).isDirectory()) {
				work.rmdir(path);
			} else {
				work.unlink(path);
			}
		} catch (FsException e) {
			if (e.errno() != Errno.ENOENT) {
				throw e;
			}
		}
	}

	private static boolean flag(Map<String, String> options, String name, boolean byDefault) throws FsException {
		String value = options.getOrDefault(name, String.valueOf(byDefault));
		if (!value.equals("true") && !value.equals("false")) {
			throw new FsException(Errno.EINVAL, "policy '" + NAME + "': " + name + " must be true or false, not '"
					+ value + "'");
		}
		return Boolean.parseBoolean(value);
	}
}
