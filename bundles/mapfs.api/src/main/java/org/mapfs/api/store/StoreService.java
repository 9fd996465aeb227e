package org.mapfs.api.store;

import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/**
 * A store's OSGi service, as the DS component of a store configuration registers it: {@link Store}, and
 * {@link WritableStore} for a writable one, with {@value Store#ID_PROPERTY}={@code id} (DS cannot derive a
 * service property from a configuration value, so the component registers the service itself), the store's type,
 * location and whether it is read-only. Closing unregisters the service, then closes the store, once.
 */
public final class StoreService implements AutoCloseable {
	/** Service property: the kind of backend ("local", "image", "nfs"). */
	public static final String TYPE_PROPERTY = "mapfs.store.type";
	/** Service property: {@link Store#location()} as a string. */
	public static final String LOCATION_PROPERTY = "mapfs.store.location";
	/** Service property: true for a store that refuses changes. */
	public static final String READ_ONLY_PROPERTY = "mapfs.store.readOnly";

	/** How the registered store is closed (the Store SPI has no close: stores of tests and embedders own theirs). */
	public interface Closer {
		void close() throws Exception;
	}

	private ServiceRegistration<?> registration;
	private Closer closer;

	private StoreService(ServiceRegistration<?> registration, Closer closer) {
		this.registration = registration;
		this.closer = closer;
	}

	/**
	 * Registers {@code store}; if that fails the store is closed and the failure thrown.
	 *
	 * @param type the kind of backend, for {@value #TYPE_PROPERTY} and the service description
	 * @param readOnly registers {@link Store} only; otherwise {@code store} must be a {@link WritableStore}
	 */
	public static StoreService register(BundleContext context, Store store, String type, boolean readOnly,
			Closer closer) throws Exception {
		Hashtable<String, Object> props = new Hashtable<>();
		props.put(Store.ID_PROPERTY, store.id());
		props.put(TYPE_PROPERTY, type);
		props.put(LOCATION_PROPERTY, store.location().toString());
		props.put(READ_ONLY_PROPERTY, readOnly);
		props.put(Constants.SERVICE_DESCRIPTION, "MapFS " + type + " store '" + store.id() + "' at "
				+ store.location());
		String[] services = readOnly ? new String[] { Store.class.getName() }
				: new String[] { Store.class.getName(), WritableStore.class.getName() };
		try {
			return new StoreService(context.registerService(services, store, props), closer);
		} catch (RuntimeException e) {
			closer.close();
			throw e;
		}
	}

	@Override
	public synchronized void close() throws Exception {
		if (registration != null) {
			try {
				registration.unregister();
			} catch (IllegalStateException e) {
				// already unregistered (the bundle is stopping)
			}
			registration = null;
		}
		if (closer != null) {
			Closer c = closer;
			closer = null;
			c.close();
		}
	}
}
