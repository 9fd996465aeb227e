package org.mapfs.frontend.nio;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.core.MountBuilder;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/**
 * Builds a mount of local folders from the env map of {@code FileSystems.newFileSystem(URI, env)}, with overlayfs's
 * option names:
 * <ul>
 * <li>{@code lowerdir}: the repository folders, top first: a String separated by {@code :}, or a Collection of
 * Paths or Strings (for folders whose names hold a colon); required;</li>
 * <li>{@code upperdir} and {@code workdir}: the overlay folder and its work folder on the same file system (both
 * or neither; without them the mount is read-only);</li>
 * <li>{@code metacopy}, {@code userxattr}, {@code volatile}: the classic policy's options, Boolean or
 * "true"/"false"/"on"/"off".</li>
 * </ul>
 * The only class that uses the engine's classes: the provider loads it only for such an env map, so the bundle
 * resolves in Felix without them (they are not imported there).
 */
final class MountFactory {
	private static final Set<String> POLICY = Set.of("metacopy", "userxattr", "volatile");
	private static final Set<String> KEYS = Set.of("lowerdir", "upperdir", "workdir", "metacopy", "userxattr",
			"volatile");

	/** The mount, and what closes the stores opened for it. */
	record Built(Mount mount, AutoCloseable stores) {
	}

	private MountFactory() {
	}

	static Built build(String name, Map<String, ?> env) throws IOException {
		for (String key : env.keySet()) {
			if (!KEYS.contains(key)) {
				throw new IllegalArgumentException("unknown env key '" + key + "'; known: " + KEYS + " or 'mount'");
			}
		}
		List<Path> lower = paths(env.get("lowerdir"));
		if (lower.isEmpty()) {
			throw new IllegalArgumentException("env 'lowerdir' (the repository folders, top first) is missing");
		}
		Path upper = path(env.get("upperdir"));
		Path work = path(env.get("workdir"));
		if ((upper == null) != (work == null)) {
			throw new IllegalArgumentException("env 'upperdir' and 'workdir' go together");
		}
		Map<String, String> options = new HashMap<>();
		for (String key : POLICY) {
			Object v = env.get(key);
			if (v != null) {
				options.put(key, flag(key, v));
			}
		}
		List<LocalStore> stores = new ArrayList<>();
		AutoCloseable closer = () -> stores.forEach(LocalStore::close);
		try {
			MountBuilder builder = MountBuilder.named(name);
			if (upper != null) {
				LocalStore store = LocalStore.open("upper", upper, work, false);
				stores.add(store);
				builder.overlay(store, FsPath.ROOT);
			}
			for (int i = 0; i < lower.size(); i++) {
				LocalStore store = LocalStore.open("lower" + i, lower.get(i), null, true);
				stores.add(store);
				builder.layer(store, FsPath.ROOT, FsPath.ROOT);
			}
			return new Built(builder.policy(new ClassicPolicy(), options).build(), closer);
		} catch (FsException | RuntimeException e) {
			stores.forEach(LocalStore::close);
			throw e;
		}
	}

	private static List<Path> paths(Object value) {
		List<Path> list = new ArrayList<>();
		if (value instanceof Collection<?> c) {
			c.forEach(v -> list.add(path(v)));
		} else if (value != null) {
			for (String p : value.toString().split(":")) {
				if (!p.isEmpty()) {
					list.add(Path.of(p));
				}
			}
		}
		return list;
	}

	private static Path path(Object value) {
		return value == null ? null : value instanceof Path p ? p : Path.of(value.toString());
	}

	private static String flag(String key, Object value) {
		return switch (value.toString()) {
			case "true", "on", "1" -> "true";
			case "false", "off", "0" -> "false";
			default -> throw new IllegalArgumentException("env '" + key + "' must be on or off, not '" + value + "'");
		};
	}
}
