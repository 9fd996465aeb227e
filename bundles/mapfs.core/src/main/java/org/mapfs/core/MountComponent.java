package org.mapfs.core;

import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.policy.Policy;
import org.mapfs.api.store.Store;
import org.mapfs.api.store.WritableStore;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A mount made from a factory configuration: it builds the union view from the stores and the policy the
 * configuration names and registers it as a {@link Mount} service for the front-ends. A store or policy that
 * comes or goes re-activates it with the new set.
 */
@Component(configurationPid = MountComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = MountComponent.Config.class, factory = true)
public final class MountComponent {
	static final String PID = "org.mapfs.mount";

	@ObjectClassDefinition(id = PID, name = "MapFS mount", description = "A merged view of layers from stores.")
	@interface Config {
		@AttributeDefinition(description = "Name of the mount")
		String name();

		@AttributeDefinition(description = "Writable top layer: STORE-ID[:/sub/path]; empty for a read-only view",
				required = false)
		String overlay() default "";

		@AttributeDefinition(description = "Read-only layers, top first: STORE-ID[:/sub/path][@/mount/path]")
		String[] layers();

		@AttributeDefinition(description = "Copy-on-write policy name")
		String policy() default "classic";

		@AttributeDefinition(description = "Policy options, KEY=VALUE", required = false)
		String[] policy_options() default {};
	}

	private final ServiceRegistration<Mount> registration;

	@Activate
	public MountComponent(BundleContext context, Config config,
			@Reference(service = Store.class, policyOption = ReferencePolicyOption.GREEDY) List<Store> stores,
			@Reference(service = Policy.class, policyOption = ReferencePolicyOption.GREEDY) List<Policy> policies)
			throws FsException {
		Mount mount = build(config, stores, policies);
		Hashtable<String, Object> props = new Hashtable<>();
		props.put(Mount.NAME_PROPERTY, mount.name());
		registration = context.registerService(Mount.class, mount, props);
	}

	@Deactivate
	void deactivate() {
		registration.unregister();
	}

	static Mount build(Config config, List<Store> stores, List<Policy> policies) throws FsException {
		MountBuilder builder = MountBuilder.named(config.name());
		if (!config.overlay().isBlank()) {
			LayerSpec spec = LayerSpec.parse(config.overlay());
			if (!(find(spec.storeId(), stores, config) instanceof WritableStore w)) {
				throw new FsException(Errno.EROFS, "mount '" + config.name() + "': store '" + spec.storeId()
						+ "' is not writable and cannot hold the overlay");
			}
			builder.overlay(w, spec.root());
		}
		for (String layer : config.layers()) {
			LayerSpec spec = LayerSpec.parse(layer);
			builder.layer(find(spec.storeId(), stores, config), spec.root(), spec.at());
		}
		Policy policy = policies.stream().filter(p -> p.name().equals(config.policy())).findFirst().orElseThrow(
				() -> new FsException(Errno.EINVAL, "mount '" + config.name() + "': no policy '" + config.policy()
						+ "'"));
		Map<String, String> options = new HashMap<>();
		for (String kv : config.policy_options()) {
			int eq = kv.indexOf('=');
			if (eq <= 0) {
				throw new FsException(Errno.EINVAL, "mount '" + config.name() + "': policy option '" + kv
						+ "' is not KEY=VALUE");
			}
			options.put(kv.substring(0, eq), kv.substring(eq + 1));
		}
		return builder.policy(policy, options).build();
	}

	private static Store find(String id, List<Store> stores, Config config) throws FsException {
		return stores.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow(() -> new FsException(
				Errno.ENOENT, "mount '" + config.name() + "': no store '" + id + "'"));
	}

	/** One layer of the configuration: {@code STORE-ID[:/sub/path][@/mount/path]}. */
	record LayerSpec(String storeId, FsPath root, FsPath at) {
		static LayerSpec parse(String spec) throws FsException {
			String s = spec.trim();
			FsPath at = FsPath.ROOT;
			int atSign = s.indexOf('@');
			if (atSign >= 0) {
				at = FsPath.of(s.substring(atSign + 1));
				s = s.substring(0, atSign);
			}
			FsPath root = FsPath.ROOT;
			int colon = s.indexOf(':');
			if (colon >= 0) {
				root = FsPath.of(s.substring(colon + 1));
				s = s.substring(0, colon);
			}
			if (s.isEmpty()) {
				throw new FsException(Errno.EINVAL, "layer '" + spec + "' names no store");
			}
			return new LayerSpec(s, root, at);
		}
	}
}
