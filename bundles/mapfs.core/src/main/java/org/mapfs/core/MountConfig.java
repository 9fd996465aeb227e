package org.mapfs.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * A mount configuration (factory PID {@value MountComponent#PID}) checked and parsed: what the manager builds a
 * mount from. Everything that can be wrong without looking at stores or policies is found here, so such a mount
 * is FAILED at once with the reason, instead of waiting for something that would not help.
 *
 * @param overlay the writable top layer, or null for a read-only view
 * @param layers the read-only layers, top first
 * @param options the policy options, in configuration order
 */
record MountConfig(String name, LayerSpec overlay, List<LayerSpec> layers, String policy,
		Map<String, String> options) {

	/** The configuration's text as the state shows it: overlay and layers as written. */
	String overlayText() {
		return overlay == null ? "" : overlay.text();
	}

	List<String> layerTexts() {
		return layers.stream().map(LayerSpec::text).toList();
	}

	/** Every store id the mount needs, overlay first. */
	Set<String> storeIds() {
		Set<String> ids = new LinkedHashSet<>();
		if (overlay != null) {
			ids.add(overlay.storeId());
		}
		layers.forEach(l -> ids.add(l.storeId()));
		return ids;
	}

	/** True if {@code other} differs from this one only in its read-only layers: a remap, no new mount. */
	boolean sameExceptLayers(MountConfig other) {
		return name.equals(other.name) && Objects.equals(overlay, other.overlay)
				&& policy.equals(other.policy) && options.equals(other.options);
	}

	/**
	 * Parses configuration properties.
	 *
	 * @throws FsException EINVAL naming the property at fault
	 */
	static MountConfig parse(Map<String, ?> props) throws FsException {
		String name = string(props.get("name")).trim();
		if (name.isEmpty()) {
			throw invalid("'name' is missing");
		}
		String overlayText = string(props.get("overlay")).trim();
		LayerSpec overlay = overlayText.isEmpty() ? null : LayerSpec.parse(overlayText);
		if (overlay != null && !overlay.at().isRoot()) {
			throw invalid("overlay '" + overlayText + "': the overlay is placed at /, it takes no '@/path'");
		}
		List<LayerSpec> layers = new ArrayList<>();
		for (String text : strings(props.get("layers"))) {
			LayerSpec spec = LayerSpec.parse(text);
			if (spec.writable()) {
				throw invalid("layer '" + text + "': a second writable layer; only the overlay ('overlay') is"
						+ " writable");
			}
			layers.add(spec);
		}
		if (layers.isEmpty() && overlay == null) {
			throw invalid("no layers: set 'layers' (and 'overlay' for a writable view)");
		}
		String policy = string(props.get("policy")).trim();
		Map<String, String> options = new LinkedHashMap<>();
		for (String kv : strings(props.get("policy.options"))) {
			int eq = kv.indexOf('=');
			if (eq <= 0) {
				throw invalid("policy option '" + kv + "' is not KEY=VALUE");
			}
			options.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
		}
		return new MountConfig(name, overlay, List.copyOf(layers), policy.isEmpty() ? "classic" : policy,
				Map.copyOf(options));
	}

	private static FsException invalid(String reason) {
		return new FsException(Errno.EINVAL, reason);
	}

	private static String string(Object value) {
		return value == null ? "" : value.toString();
	}

	/** A property that ConfigAdmin (or a FileInstall file) may hold as a String, a String[] or a collection. */
	private static List<String> strings(Object value) {
		if (value == null) {
			return List.of();
		}
		Collection<?> all = value instanceof Object[] a ? Arrays.asList(a)
				: value instanceof Collection<?> c ? c : List.of(value);
		return all.stream().map(String::valueOf).map(String::trim).filter(s -> !s.isEmpty()).toList();
	}

	/**
	 * One layer: {@code STORE-ID[:/sub/path][@/mount/path][;ro|;rw]}. Only the overlay may be writable; a layer
	 * marked {@code ;rw} in {@code layers} is an error, not silently read-only.
	 */
	record LayerSpec(String text, String storeId, FsPath root, FsPath at, boolean writable) {
		static LayerSpec parse(String text) throws FsException {
			String s = text.trim();
			boolean writable = false;
			int semi = s.lastIndexOf(';');
			if (semi >= 0) {
				String mode = s.substring(semi + 1).trim();
				if (!mode.equals("ro") && !mode.equals("rw")) {
					throw invalid("layer '" + text + "': mode '" + mode + "' is neither ro nor rw");
				}
				writable = mode.equals("rw");
				s = s.substring(0, semi);
			}
			FsPath at = FsPath.ROOT;
			int atSign = s.indexOf('@');
			if (atSign >= 0) {
				at = path(text, s.substring(atSign + 1));
				s = s.substring(0, atSign);
			}
			FsPath root = FsPath.ROOT;
			int colon = s.indexOf(':');
			if (colon >= 0) {
				root = path(text, s.substring(colon + 1));
				s = s.substring(0, colon);
			}
			s = s.trim();
			if (s.isEmpty() || !s.matches("[A-Za-z0-9._-]+")) {
				throw invalid("layer '" + text + "': '" + s + "' is not a store id (letters, digits, '.', '_', '-')");
			}
			return new LayerSpec(text.trim(), s, root, at, writable);
		}

		private static FsPath path(String text, String path) throws FsException {
			try {
				return FsPath.of(path);
			} catch (FsException e) {
				throw invalid("layer '" + text + "': " + e.getMessage());
			}
		}

		/** Equal if they place the same thing: {@code golden} and {@code golden;ro} are one layer. */
		@Override
		public boolean equals(Object o) {
			return o instanceof LayerSpec l && storeId.equals(l.storeId) && root.equals(l.root) && at.equals(l.at)
					&& writable == l.writable;
		}

		@Override
		public int hashCode() {
			return storeId.hashCode() * 31 + root.hashCode();
		}
	}
}
