package org.mapfs.frontend.nio;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.mapfs.api.Mount;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Inside OSGi the JDK does not see a bundle's file system provider, so this component publishes one
 * {@link FileSystem} service per {@link Mount} service instead, with the service property
 * {@value Mount#NAME_PROPERTY} = the mount's name. Bundles need only java.nio and that property.
 * <p>
 * A FileSystem is withdrawn and closed when its Mount service goes away, when the component is disabled by its
 * configuration ({@value #PID}, {@code enabled=false}) or deactivated (bundle stopped): later calls on it throw
 * ClosedFileSystemException. Its users cannot close it themselves (it is shared).
 */
@Component(configurationPid = NioComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {},
		immediate = true)
@Designate(ocd = NioComponent.Config.class)
public final class NioComponent {
	static final String PID = "org.mapfs.frontend.nio";
	private static final System.Logger LOG = System.getLogger(NioComponent.class.getName());

	@ObjectClassDefinition(id = PID, name = "MapFS NIO front-end",
			description = "Publishes every MapFS mount as a java.nio.file.FileSystem service.")
	public @interface Config {
		@AttributeDefinition(name = "Enabled", description = "NIO on/off: publish the mounts' file systems.")
		boolean enabled() default true;
	}

	/** Publishes a file system as a service; closing the result withdraws it. The framework's, or a test's. */
	interface Registry {
		AutoCloseable register(FileSystem fs, String mount);
	}

	private record Published(MapFsFileSystem fs, AutoCloseable registration) {
	}

	private final MapFsProvider provider = new MapFsProvider();
	private final Map<Mount, String> mounts = new LinkedHashMap<>();
	private final Map<Mount, Published> published = new LinkedHashMap<>();
	private Registry registry;
	private boolean enabled;

	@Reference(name = "mount", service = Mount.class, cardinality = ReferenceCardinality.MULTIPLE,
			policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "removeMount")
	synchronized void addMount(Mount mount, Map<String, Object> properties) {
		Object name = properties.get(Mount.NAME_PROPERTY);
		mounts.put(mount, name != null ? name.toString() : mount.name());
		if (enabled) {
			publish(mount);
		}
	}

	synchronized void removeMount(Mount mount) {
		mounts.remove(mount);
		withdraw(mount, "its Mount service went away");
	}

	@Activate
	void activate(BundleContext context, Config config) {
		activate(config, (fs, mount) -> {
			ServiceRegistration<FileSystem> r = context.registerService(FileSystem.class, fs,
					new Hashtable<>(Map.of(Mount.NAME_PROPERTY, mount)));
			return r::unregister;
		});
	}

	synchronized void activate(Config config, Registry registry) {
		this.registry = registry;
		modified(config);
	}

	@Modified
	synchronized void modified(Config config) {
		enabled = config.enabled();
		for (Mount m : List.copyOf(mounts.keySet())) {
			if (enabled) {
				publish(m);
			} else {
				withdraw(m, "NIO is disabled");
			}
		}
	}

	@Deactivate
	synchronized void deactivate() {
		enabled = false;
		for (Mount m : new ArrayList<>(published.keySet())) {
			withdraw(m, "the NIO front-end stops");
		}
		registry = null;
	}

	private void publish(Mount mount) {
		if (published.containsKey(mount) || registry == null) {
			return;
		}
		String name = mounts.get(mount);
		MapFsFileSystem fs;
		try {
			fs = provider.publish(name, mount);
		} catch (FileSystemAlreadyExistsException e) {
			LOG.log(Level.ERROR, "mount '" + name + "' is there twice: only the first is published as a FileSystem");
			return;
		}
		published.put(mount, new Published(fs, registry.register(fs, name)));
	}

	/** Unregisters first, so that no one gets a closed file system, then closes it. */
	private void withdraw(Mount mount, String why) {
		Published p = published.remove(mount);
		if (p == null) {
			return;
		}
		LOG.log(Level.INFO, () -> "closing the FileSystem of mount '" + p.fs().name() + "': " + why);
		try {
			p.registration().close();
		} catch (Exception e) {
			LOG.log(Level.WARNING, "unregistering the FileSystem of mount '" + p.fs().name() + "'", e);
		}
		try {
			p.fs().shutdown();
		} catch (IOException e) {
			LOG.log(Level.WARNING, "closing the FileSystem of mount '" + p.fs().name() + "'", e);
		}
	}

	/** The file systems published now, by mount name (tests). */
	synchronized Map<String, FileSystem> fileSystems() {
		Map<String, FileSystem> out = new LinkedHashMap<>();
		published.values().forEach(p -> out.put(p.fs().name(), p.fs()));
		return out;
	}
}
