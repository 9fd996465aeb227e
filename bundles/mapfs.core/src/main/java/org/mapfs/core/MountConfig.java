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
import org.mapfs.api.admin.LayerSpec;

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
}
