package org.mapfs.store.local;

import java.util.Hashtable;

import org.mapfs.api.FsException;
import org.mapfs.api.admin.Home;
import org.mapfs.api.store.Store;
import org.mapfs.api.store.WritableStore;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One local-directory store per factory configuration {@value #PID}. The store is registered as {@link Store} and
 * {@link WritableStore} with the service property {@code mapfs.store=<id>}; DS cannot derive a service property
 * from a configuration value, so the component registers the service itself. A bad configuration makes
 * activation fail with a message that names the store and the folder at fault (SCR logs it).
 */
@Component(configurationPid = LocalStoreComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
		service = {}, immediate = true)
@Designate(ocd = LocalStoreComponent.Config.class, factory = true)
public class LocalStoreComponent {
	static final String PID = "org.mapfs.store.local";

	/** Service property: the store's type. */
	static final String TYPE_PROPERTY = "mapfs.store.type";

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

	private LocalStore store;
	private ServiceRegistration<?> registration;

	@Activate
	void activate(BundleContext context, Config config) throws FsException {
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
		store = LocalStore.open(id, Home.resolve(home, path), work.isEmpty() ? null : Home.resolve(home, work),
				config.readOnly());
		Hashtable<String, Object> props = new Hashtable<>();
		props.put(Store.ID_PROPERTY, id);
		props.put(TYPE_PROPERTY, "local");
		props.put("mapfs.store.path", store.root().toString());
		props.put("mapfs.store.readOnly", config.readOnly());
		props.put(Constants.SERVICE_DESCRIPTION, "MapFS local store '" + id + "' at " + store.root());
		try {
			registration = context.registerService(
					new String[] { Store.class.getName(), WritableStore.class.getName() }, store, props);
		} catch (RuntimeException e) {
			store.close();
			store = null;
			throw e;
		}
	}

	@Deactivate
	void deactivate() {
		if (registration != null) {
			try {
				registration.unregister();
			} catch (IllegalStateException e) {
				// already unregistered (the bundle is stopping)
			}
			registration = null;
		}
		if (store != null) {
			store.close();
			store = null;
		}
	}
}
