package org.mapfs.core;

import java.util.ArrayList;
import java.util.List;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.policy.OverlayPolicy;
import org.mapfs.api.store.WritableStore;

/** The map of a mount: its layers, top first; the overlay, if any, is the top one. */
final class LayerMap {
	private final List<Layer> layers;
	private final Layer overlay;

	LayerMap(List<Layer> layers) throws FsException {
		this.layers = List.copyOf(layers);
		this.overlay = !layers.isEmpty() && layers.get(0).writable ? layers.get(0) : null;
		check();
	}

	List<Layer> layers() {
		return layers;
	}

	/** The writable top layer, or null for a read-only view. */
	Layer overlay() {
		return overlay;
	}

	/**
	 * This map with the overlay as {@code policy} has the engine see it ({@link OverlayPolicy#view}): where the
	 * store keeps the policy's marks in another form, the view shows them in overlayfs's.
	 */
	LayerMap viewedBy(OverlayPolicy policy) throws FsException {
		if (overlay == null) {
			return this;
		}
		List<Layer> all = new ArrayList<>(layers);
		all.set(0, new Layer(policy.view(overlay.writableStore()), overlay.at, 0, true));
		return new LayerMap(all);
	}

	WritableStore overlayStore() throws FsException {
		if (overlay == null) {
			throw new FsException(Errno.EROFS, "mount has no overlay");
		}
		return overlay.writableStore();
	}

	private void check() throws FsException {
		if (layers.isEmpty()) {
			throw new FsException(Errno.EINVAL, "a map needs at least one layer");
		}
		for (int i = 1; i < layers.size(); i++) {
			if (layers.get(i).writable) {
				throw new FsException(Errno.EINVAL, "only the top layer may be writable: " + layers.get(i));
			}
		}
		if (overlay == null) {
			return;
		}
		if (!overlay.at.isRoot()) {
			throw new FsException(Errno.EINVAL, "the overlay must be placed at /: " + overlay);
		}
		String upper = location(overlay);
		for (Layer lower : layers.subList(1, layers.size())) {
			String l = location(lower);
			if (upper.startsWith(l) || l.startsWith(upper)) {
				throw new FsException(Errno.EINVAL, "overlay " + upper + " and repository layer " + l
						+ " overlap: the overlay must lie outside the repository's tree");
			}
		}
	}

	/** The layer's root as a URI string ending in '/', so that prefix tests compare whole names. */
	private static String location(Layer layer) {
		String s = layer.store.location().toString();
		return s.endsWith("/") ? s : s + "/";
	}
}
