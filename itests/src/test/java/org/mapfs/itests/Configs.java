package org.mapfs.itests;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.mapfs.api.Mount;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** The factory configurations the in-framework tests make, as a site's files would, and what they bring up. */
final class Configs {
	private Configs() {
	}

	/** A local store {@code id} over {@code path}; {@code work} null for a store without a work area. */
	static Configuration store(ConfigurationAdmin cm, String id, Path path, Path work, boolean readOnly)
			throws IOException {
		Dictionary<String, Object> props = new Hashtable<>();
		props.put("id", id);
		props.put("path", path.toString());
		if (work != null) {
			props.put("work", work.toString());
		}
		props.put("readOnly", readOnly);
		return update(cm.getFactoryConfiguration("org.mapfs.store.local", id, "?"), props);
	}

	/** A mount {@code name}: the overlay store over the layers, top first, with the classic policy. */
	static Configuration mount(ConfigurationAdmin cm, String name, String overlay, String... layers)
			throws IOException {
		return update(cm.getFactoryConfiguration("org.mapfs.mount", name, "?"), mountProperties(name, overlay, layers));
	}

	static Dictionary<String, Object> mountProperties(String name, String overlay, String... layers) {
		Dictionary<String, Object> props = new Hashtable<>();
		props.put("name", name);
		props.put("overlay", overlay);
		props.put("layers", layers);
		props.put("policy", "classic");
		return props;
	}

	/** The mount {@code name} served by FUSE at {@code mountPoint}, with {@code extra} settings. */
	static Configuration fuse(ConfigurationAdmin cm, String name, Path mountPoint, Map<String, Object> extra)
			throws IOException {
		Dictionary<String, Object> props = new Hashtable<>(extra);
		props.put("mount", name);
		props.put("mountPoint", mountPoint.toString());
		return update(cm.getFactoryConfiguration("org.mapfs.frontend.fuse", name, "?"), props);
	}

	private static Configuration update(Configuration c, Dictionary<String, Object> props) throws IOException {
		c.update(props);
		return c;
	}

	/** The Mount service of {@code name}, or null. */
	static ServiceReference<Mount> mountService(BundleContext context, String name) throws InvalidSyntaxException {
		var refs = context.getServiceReferences(Mount.class, "(" + Mount.NAME_PROPERTY + "=" + name + ")");
		return refs.isEmpty() ? null : refs.iterator().next();
	}
}
