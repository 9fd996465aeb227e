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
 * {@code trusted.overlay.*} (default: {@code user.} unless the overlay store is privileged).
 */
@Component(property = Policy.NAME_PROPERTY + "=" + ClassicPolicy.NAME)
public final class ClassicPolicy implements Policy {
	public static final String NAME = "classic";
	private static final Set<String> OPTIONS = Set.of("userxattr");

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
		String userxattr = options.getOrDefault("userxattr", String.valueOf(!privileged));
		if (!userxattr.equals("true") && !userxattr.equals("false")) {
			throw new FsException(Errno.EINVAL, "policy '" + NAME + "': userxattr must be true or false, not '"
					+ userxattr + "'");
		}
		return new ClassicOverlay(overlay, Boolean.parseBoolean(userxattr));
	}
}
