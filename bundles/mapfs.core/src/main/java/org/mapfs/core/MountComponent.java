package org.mapfs.core;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A mount configuration, published for the {@link MountManager}: one component per factory configuration
 * {@value #PID}, registered as a service whose properties are the configuration's (DS copies them). It does
 * nothing itself, so no configuration, however wrong, makes it fail: the manager reads the properties and shows
 * any error as the mount's FAILED state.
 */
@Component(configurationPid = MountComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
		service = MountComponent.class, immediate = true)
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

		@AttributeDefinition(description = "Read-only layers, top first: STORE-ID[:/sub/path][@/mount/path][;ro]",
				required = false)
		String[] layers();

		@AttributeDefinition(description = "Copy-on-write policy name")
		String policy() default "classic";

		@AttributeDefinition(description = "Policy options, KEY=VALUE", required = false)
		String[] policy_options() default {};
	}

	/**
	 * Present so that DS updates this component's service properties in place when the configuration changes,
	 * instead of re-registering it, which the manager would take for a mount that went and a new one: a change of
	 * read-only layers must not end the mount.
	 */
	@Modified
	void modified() {
		// the new properties are on the service; the manager reads them from there
	}
}
