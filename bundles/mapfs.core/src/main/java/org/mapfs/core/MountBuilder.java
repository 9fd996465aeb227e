package org.mapfs.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.policy.OverlayPolicy;
import org.mapfs.api.policy.Policy;
import org.mapfs.api.store.Store;
import org.mapfs.api.store.WritableStore;

/**
 * Builds a mount from stores and a policy, without OSGi:
 *
 * <pre>
 * Mount m = MountBuilder.named("demo")
 *         .overlay(upper, FsPath.ROOT)
 *         .layer(site, FsPath.ROOT, FsPath.of("etc"))
 *         .layer(golden, FsPath.ROOT, FsPath.ROOT)
 *         .policy(classic, Map.of())
 *         .build();
 * </pre>
 *
 * Read-only layers are added top first, below the overlay.
 */
public final class MountBuilder {
	private final String name;
	private final List<Layer> layers = new ArrayList<>();
	private WritableStore overlay;
	private Policy policy;
	private Map<String, String> options = Map.of();

	private MountBuilder(String name) {
		this.name = Objects.requireNonNull(name);
	}

	public static MountBuilder named(String name) {
		return new MountBuilder(name);
	}

	/** The writable top layer: {@code root} of {@code store}, placed at the mount's root. */
	public MountBuilder overlay(WritableStore store, FsPath root) {
		this.overlay = (WritableStore) SubStore.of(store, root);
		return this;
	}

	/** The next read-only layer down: {@code root} of {@code store}, placed at {@code at}. */
	public MountBuilder layer(Store store, FsPath root, FsPath at) {
		layers.add(new Layer(SubStore.of(store, root), at, 0, false));
		return this;
	}

	public MountBuilder policy(Policy policy, Map<String, String> options) {
		this.policy = policy;
		this.options = Map.copyOf(options);
		return this;
	}

	/**
	 * Checks the map, applies the policy to the overlay and empties the overlay's work area.
	 *
	 * @throws FsException EINVAL naming what is wrong: no layer, no policy, an overlay that overlaps a
	 *             repository layer, a layer root that is not a directory
	 */
	public Mount build() throws FsException {
		return buildUnion();
	}

	UnionMount buildUnion() throws FsException {
		if (policy == null) {
			throw new FsException(Errno.EINVAL, "mount '" + name + "' has no policy");
		}
		LayerMap map = map();
		OverlayPolicy applied = policy.attach(overlay, options);
		UnionMount mount = new UnionMount(name, map, applied);
		mount.cleanWorkArea();
		return mount;
	}

	/** The checked map of the layers given so far: for a new mount, or to {@linkplain UnionMount#remap remap} one. */
	LayerMap map() throws FsException {
		List<Layer> all = new ArrayList<>();
		if (overlay != null) {
			all.add(new Layer(overlay, FsPath.ROOT, 0, true));
		}
		for (Layer l : layers) {
			all.add(new Layer(l.store, l.at, all.size(), false));
		}
		LayerMap map = new LayerMap(all);
		for (Layer l : all) {
			if (!l.store.stat(FsPath.ROOT).isDirectory()) {
				throw new FsException(Errno.ENOTDIR, FsPath.ROOT, "root of layer " + l + " is not a directory");
			}
		}
		return map;
	}
}
