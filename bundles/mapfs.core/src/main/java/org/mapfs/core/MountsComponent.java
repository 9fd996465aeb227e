package org.mapfs.core;

import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.mapfs.api.Entry;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.api.admin.Change;
import org.mapfs.api.admin.MountState;
import org.mapfs.api.admin.MountStats;
import org.mapfs.api.admin.Mounts;
import org.mapfs.api.policy.Policy;
import org.mapfs.api.store.Store;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The engine's OSGi side: feeds the {@link MountManager} with every mount configuration ({@link MountComponent}),
 * store and policy service as they come and go, registers a {@link Mount} service per ACTIVE mount, and offers
 * the {@link Mounts} admin service for the shell.
 */
@Component(service = Mounts.class, immediate = true)
public final class MountsComponent implements Mounts {
	private final MountManager manager;

	@Activate
	public MountsComponent(BundleContext context) {
		this.manager = new MountManager(mount -> {
			Hashtable<String, Object> props = new Hashtable<>();
			props.put(Mount.NAME_PROPERTY, mount.name());
			ServiceRegistration<Mount> r = context.registerService(Mount.class, mount, props);
			return () -> {
				try {
					r.unregister();
				} catch (IllegalStateException e) {
					// already gone with the bundle
				}
			};
		});
	}

	@Deactivate
	void deactivate() throws InterruptedException {
		manager.close();
	}

	@Reference(service = MountComponent.class, cardinality = ReferenceCardinality.MULTIPLE,
			policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
	void addMountConfiguration(Map<String, Object> props) {
		manager.configured(pid(props), props);
	}

	void updatedMountConfiguration(Map<String, Object> props) {
		manager.configured(pid(props), props);
	}

	void removeMountConfiguration(Map<String, Object> props) {
		manager.deleted(pid(props));
	}

	private static String pid(Map<String, Object> props) {
		Object pid = props.get("service.pid");
		return pid != null ? pid.toString() : "component " + props.get("component.id");
	}

	@Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
			policyOption = ReferencePolicyOption.GREEDY)
	void addStore(Store store, Map<String, Object> props) {
		manager.storeAdded(storeId(store, props), store);
	}

	void removeStore(Store store, Map<String, Object> props) {
		manager.storeRemoved(storeId(store, props), store);
	}

	private static String storeId(Store store, Map<String, Object> props) {
		Object id = props.get(Store.ID_PROPERTY);
		return id != null ? id.toString() : store.id();
	}

	@Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
			policyOption = ReferencePolicyOption.GREEDY)
	void addPolicy(Policy policy, Map<String, Object> props) {
		manager.policyAdded(policyName(policy, props), policy);
	}

	void removePolicy(Policy policy, Map<String, Object> props) {
		manager.policyRemoved(policyName(policy, props), policy);
	}

	private static String policyName(Policy policy, Map<String, Object> props) {
		Object name = props.get(Policy.NAME_PROPERTY);
		return name != null ? name.toString() : policy.name();
	}

	@Override
	public List<MountState> list() {
		return manager.states();
	}

	@Override
	public Optional<MountState> get(String name) {
		return manager.state(name);
	}

	@Override
	public Entry which(String mount, FsPath path) throws FsException {
		return manager.active(mount).lookup(path);
	}

	@Override
	public List<Change> diff(String mount, FsPath path) throws FsException {
		return manager.active(mount).diff(path);
	}

	@Override
	public List<Change> revert(String mount, FsPath path, boolean recursive) throws FsException {
		return manager.active(mount).revert(path, recursive);
	}

	@Override
	public MountStats stats(String mount) throws FsException {
		return manager.active(mount).statistics();
	}
}
