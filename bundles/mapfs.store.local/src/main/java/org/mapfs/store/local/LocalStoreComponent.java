package org.mapfs.store.local;

import org.mapfs.api.admin.Home;
import org.mapfs.api.store.StoreService;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One local-directory store per factory configuration {@value #PID}, registered by {@link StoreService}. A bad
 * configuration makes activation fail with a message that names the store and the folder at fault (SCR logs it).
 */
@Component(configurationPid = LocalStoreComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
		service = {}, immediate = true)
@Designate(ocd = LocalStoreComponent.Config.class, factory = true)
public class LocalStoreComponent {
	static final String PID = "org.mapfs.store.local";

	@ObjectClassDefinition(id = PID, name = "MapFS local-directory store",
			description = "A store over a folder of this machine, used as a repository (read-only) or overlay layer.")
	public @interface Config {
		@AttributeDefinition(name = "Store id", description = "The id mounts use to refer to this store.")
		String id();

		@AttributeDefinition(name = "Folder", description = "Path of the store's folder; it must exist. A relative "
				+ "path is relative to the MapFS home (framework property mapfs.home).")
		String path();

		@AttributeDefinition(name = "Work folder", required = false,
				description = "Folder for staging copy-ups, on the same file system as the folder and outside it. "
						+ "Created if missing. Needed for an overlay store.")
		String work() default "";

		@AttributeDefinition(name = "Read-only", description = "Refuse every change with EROFS.")
		boolean readOnly() default false;
	}

	private StoreService service;

	@Activate
	void activate(BundleContext context, Config config) throws Exception {
		String id = config.id() == null ? "" : config.id().trim();
		if (id.isEmpty()) {
			throw new IllegalArgumentException("local store configuration (" + PID + "): 'id' is missing");
		}
		String path = config.path() == null ? "" : config.path().trim();
		if (path.isEmpty()) {
			throw new IllegalArgumentException("store '" + id + "': 'path' (the store's folder) is missing");
		}
		String work = config.work() == null ? "" : config.work().trim();
		String home = context.getProperty(Home.PROPERTY);
		LocalStore store = LocalStore.open(id, Home.resolve(home, path),
				work.isEmpty() ? null : Home.resolve(home, work), config.readOnly());
		service = StoreService.register(context, store, "local", config.readOnly(), store::close);
	}

	@Deactivate
	void deactivate() throws Exception {
		if (service != null) {
			service.close();
			service = null;
		}
	}
}
