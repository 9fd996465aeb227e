package org.mapfs.policy.classic;

import java.util.Map;
import java.util.Set;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;
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
 * after a crash a copied-up file may be empty or torn, so only for overlays that are thrown away after a crash.
 */
@Component(property = Policy.NAME_PROPERTY + "=" + ClassicPolicy.NAME)
public final class ClassicPolicy implements Policy {
	public static final String NAME = "classic";
	private static final Set<String> OPTIONS = Set.of("userxattr", "metacopy", "volatile");

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
		return new ClassicOverlay(overlay, flag(options, "userxattr", !privileged), flag(options, "metacopy", true),
				!flag(options, "volatile", false));
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
