package org.mapfs.frontend.fuse;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.mapfs.api.Mount;
import org.mapfs.api.admin.Home;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One FUSE mount point per factory configuration {@value #PID}: it serves the {@link Mount} service whose
 * {@code mapfs.mount} property is the configured {@code mount} name.
 * <p>
 * The Mount services are a dynamic reference (all of them, each compared by name), so the component is active as
 * soon as it is configured: it mounts when the named mount appears (or at activation if it is there), unmounts
 * when that service goes away (its stores or policy changed, its configuration was deleted) and mounts again when it
 * comes back; deactivation (configuration deleted, bundle stopped, framework shut down) unmounts. The usual DS
 * {@code mount.target} property may narrow the reference further, e.g. {@code (mapfs.mount=demo)}.
 * <p>
 * A mount that fails (mount point missing, libfuse2 not installed) is logged with its reason; the component stays
 * active and tries again when the Mount service is registered again or the configuration changes.
 */
@Component(configurationPid = FuseComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
		service = {}, immediate = true)
@Designate(ocd = FuseComponent.Config.class, factory = true)
public final class FuseComponent {
	static final String PID = "org.mapfs.frontend.fuse";
	private static final System.Logger LOG = System.getLogger(FuseComponent.class.getName());

	@ObjectClassDefinition(id = PID, name = "MapFS FUSE mount point",
			description = "Serves a MapFS mount at a mount point of this machine through FUSE.")
	public @interface Config {
		@AttributeDefinition(name = "Mount", description = "Name of the MapFS mount to serve.")
		String mount();

		@AttributeDefinition(name = "Mount point", description = "Path of an existing directory; a relative path is "
				+ "relative to the MapFS home (framework property mapfs.home).")
		String mountPoint();

		@AttributeDefinition(name = "Allow other users",
				description = "Other users may use the mount (FUSE allow_other; implies default permissions).")
		boolean allowOther() default false;

		@AttributeDefinition(name = "Default permissions",
				description = "The kernel checks permissions from modes and owners (FUSE default_permissions).")
		boolean defaultPermissions() default true;

		@AttributeDefinition(name = "Attribute timeout", description = "Seconds the kernel caches attributes.")
		double attrTimeout() default 1.0;

		@AttributeDefinition(name = "Entry timeout", description = "Seconds the kernel caches names.")
		double entryTimeout() default 1.0;

		@AttributeDefinition(name = "Repository timeout",
				description = "Seconds the kernel caches repository-only entries (they cannot change under the mount).")
		double repositoryTimeout() default 86400;

		@AttributeDefinition(name = "Threads", description = "Threads that serve the kernel's requests.")
		int threads() default 2;

		@AttributeDefinition(name = "FUSE options", required = false,
				description = "Further mount options, e.g. ro, noexec, max_read=131072, max_write=131072.")
		String[] options() default {};
	}

	private record Candidate(Mount mount, String name) {
	}

	private final List<Candidate> candidates = new ArrayList<>();
	private Config config;
	private String home;
	private FuseFrontEnd frontEnd;
	private Mount served;
	/** While the configured mount is there but could not be mounted: its next change tries again. */
	private AutoCloseable retry;

	@Reference(name = "mount", service = Mount.class, cardinality = ReferenceCardinality.MULTIPLE,
			policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "removeMount")
	synchronized void addMount(Mount mount, Map<String, Object> properties) {
		candidates.add(new Candidate(mount, String.valueOf(properties.get(Mount.NAME_PROPERTY))));
		update();
	}

	synchronized void removeMount(Mount mount) {
		candidates.removeIf(c -> c.mount() == mount);
		stopRetrying();
		if (served == mount) {
			unmount("mount '" + mount.name() + "' went away");
		}
		update();
	}

	@Activate
	void activate(BundleContext context, Config config) {
		activate(config, context.getProperty(Home.PROPERTY));
	}

	/** {@code home}: the MapFS home that relative mount points are relative to, or null for the working directory. */
	synchronized void activate(Config config, String home) {
		if (config.mount() == null || config.mount().isBlank()) {
			throw new IllegalArgumentException(
					"FUSE configuration (" + PID + "): 'mount' (the mount's name) is missing");
		}
		if (config.mountPoint() == null || config.mountPoint().isBlank()) {
			throw new IllegalArgumentException("FUSE configuration of mount '" + config.mount()
					+ "': 'mountPoint' is missing");
		}
		this.config = config;
		this.home = home;
		update();
	}

	@Deactivate
	synchronized void deactivate() {
		stopRetrying();
		unmount("the FUSE component is deactivated");
		config = null;
	}

	/** Mounts the configured mount if it is there and nothing is served yet. */
	private void update() {
		if (config == null || served != null) {
			return;
		}
		Candidate c = candidates.stream().filter(x -> x.name().equals(config.mount().trim())).findFirst()
				.orElse(null);
		if (c == null) {
			return;
		}
		Path mp = Home.resolve(home, config.mountPoint().trim());
		FuseFrontEnd fe = new FuseFrontEnd();
		try {
			fe.mount(c.mount(), mp, options(config));
		} catch (IOException | RuntimeException e) {
			LOG.log(Level.ERROR, "cannot mount '" + c.name() + "' at " + mp + ": " + e.getMessage()
					+ "; trying again when the mount changes (e.g. its store comes back)", e);
			retryOnChange(c.mount());
			return;
		}
		stopRetrying();
		fe.onUnmounted(() -> {
			if (!isServing(fe)) {
				return;
			}
			LOG.log(Level.WARNING, "'" + c.name() + "' was unmounted from " + mp + " from outside MapFS");
		});
		frontEnd = fe;
		served = c.mount();
	}

	/**
	 * A Mount service stays registered while its stores come and go, so a mount that failed for want of a store
	 * would never be tried again by DS; the mount tells of the store coming back. The attempt runs on its own thread:
	 * mounting waits for the kernel, and the change may come from a thread the engine needs meanwhile.
	 */
	private void retryOnChange(Mount mount) {
		if (retry == null) {
			retry = mount.onChange(path -> {
				Thread t = new Thread(this::retry, "mapfs-fuse retry " + mount.name());
				t.setDaemon(true);
				t.start();
			});
		}
	}

	private synchronized void retry() {
		if (retry != null) {
			update();
		}
	}

	private void stopRetrying() {
		AutoCloseable r = retry;
		retry = null;
		if (r != null) {
			FuseFrontEnd.closeQuietly(r);
		}
	}

	private synchronized boolean isServing(FuseFrontEnd fe) {
		return frontEnd == fe;
	}

	private void unmount(String why) {
		FuseFrontEnd fe = frontEnd;
		frontEnd = null;
		served = null;
		if (fe != null) {
			LOG.log(Level.INFO, () -> "unmounting " + fe.mountPoint() + ": " + why);
			fe.umount();
		}
	}

	static FuseFrontEnd.Options options(Config config) {
		List<String> extra = config.options() == null ? List.of()
				: Arrays.stream(config.options()).flatMap(o -> Arrays.stream(o.split(","))).map(String::trim)
						.filter(o -> !o.isEmpty()).toList();
		return FuseFrontEnd.Options.defaults().withAllowOther(config.allowOther())
				.withDefaultPermissions(config.defaultPermissions())
				.withTimeouts(config.attrTimeout(), config.entryTimeout(), config.repositoryTimeout())
				.withThreads(config.threads()).withExtra(extra);
	}

	/** The front-end serving now, or null (tests). */
	synchronized FuseFrontEnd frontEnd() {
		return frontEnd;
	}
}
