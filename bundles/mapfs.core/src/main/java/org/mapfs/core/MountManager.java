package org.mapfs.core;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;
import org.mapfs.api.admin.LayerSpec;
import org.mapfs.api.admin.MountState;
import org.mapfs.api.admin.MountState.State;
import org.mapfs.api.policy.Policy;
import org.mapfs.api.store.Store;
import org.mapfs.api.store.WritableStore;

/**
 * The mounts of a runtime: from their configurations and the stores and policies there are now, it keeps each
 * mount in its state, without OSGi (the DS component {@link MountsComponent} feeds it).
 * <ul>
 * <li>FAILED: the configuration is wrong (it cannot be parsed, names a mount another configuration has, its
 * overlay store is not writable, the policy refuses its options, a layer root is not a directory); retried at the
 * next change of stores, policies or the configuration.</li>
 * <li>WAITING: a store or the policy it names is not there; no Mount service.</li>
 * <li>ACTIVE: the Mount service is registered. A store that goes away later does not end it: its
 * {@linkplain StoreSlot slot} gives EIO, the state stays ACTIVE with a reason saying which store is gone, and when a
 * store with the id comes back the mount serves again: the FUSE mount stays. A change of the read-only layers
 * remaps the mount in place; a change of the overlay or the policy (or a new policy service) makes a new mount.</li>
 * </ul>
 * Stores are swapped into slots on the caller's thread (so a store that goes away is out before it closes); all
 * else runs in order on one worker thread, which registers and unregisters Mount services without holding a lock.
 */
final class MountManager implements AutoCloseable {
	private static final System.Logger LOG = System.getLogger(MountManager.class.getName());

	/** Publishes a running mount (as an OSGi service); closing the result withdraws it. */
	interface Registrar {
		AutoCloseable register(UnionMount mount) throws Exception;
	}

	private final Registrar registrar;
	private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
		Thread t = new Thread(r, "mapfs-mounts");
		t.setDaemon(true);
		return t;
	});
	// stores and policies: changed by any thread under this lock
	private final Object lock = new Object();
	private final Map<String, List<Store>> stores = new HashMap<>();
	private final Map<String, StoreSlot> slots = new HashMap<>();
	private final Map<String, List<Policy>> policies = new HashMap<>();
	// the configurations, in the order they came: the worker's only
	private final Map<String, ManagedMount> mounts = new LinkedHashMap<>();
	// what readers see: replaced by the worker after every change
	private volatile List<MountState> states = List.of();
	private volatile Map<String, UnionMount> active = Map.of();

	MountManager(Registrar registrar) {
		this.registrar = registrar;
	}

	// ---------------------------------------------------------------------------------------------------------
	// inputs

	void configured(String pid, Map<String, ?> props) {
		Map<String, Object> copy = new HashMap<>(props);
		run(() -> mounts.computeIfAbsent(pid, ManagedMount::new).configure(copy));
	}

	void deleted(String pid) {
		run(() -> {
			ManagedMount m = mounts.remove(pid);
			if (m != null) {
				stop(m);
				LOG.log(Level.INFO, "mount '" + m.name() + "': configuration deleted");
			}
		});
	}

	void storeAdded(String id, Store store) {
		synchronized (lock) {
			List<Store> all = stores.computeIfAbsent(id, k -> new ArrayList<>());
			all.add(store);
			if (all.size() == 1) {
				slot(id).fill(store);
			}
		}
		run(() -> storeSwapped(id));
	}

	void storeRemoved(String id, Store store) {
		synchronized (lock) {
			List<Store> all = stores.getOrDefault(id, new ArrayList<>());
			all.remove(store);
			StoreSlot slot = slot(id);
			slot.empty(store);
			if (slot.current() == null && !all.isEmpty()) {
				slot.fill(all.get(0));
			}
		}
		run(() -> storeSwapped(id));
	}

	void policyAdded(String name, Policy policy) {
		synchronized (lock) {
			policies.computeIfAbsent(name, k -> new ArrayList<>()).add(policy);
		}
		run(MountManager::nothing);
	}

	void policyRemoved(String name, Policy policy) {
		synchronized (lock) {
			policies.getOrDefault(name, new ArrayList<>()).remove(policy);
		}
		run(MountManager::nothing);
	}

	/** Withdraws every mount; waits (boundedly) for the worker to finish. */
	@Override
	public void close() throws InterruptedException {
		worker.execute(() -> {
			for (ManagedMount m : mounts.values()) {
				stop(m);
			}
			mounts.clear();
			publish();
		});
		worker.shutdown();
		if (!worker.awaitTermination(30, TimeUnit.SECONDS)) {
			LOG.log(Level.WARNING, "mount manager: mounts still being withdrawn after 30 s");
		}
	}

	// ---------------------------------------------------------------------------------------------------------
	// outputs

	List<MountState> states() {
		return states;
	}

	Optional<MountState> state(String name) {
		return states.stream().filter(s -> s.name().equals(name)).findFirst();
	}

	/**
	 * The running mount of that name.
	 *
	 * @throws FsException ENOENT if no configuration has it, EAGAIN (with its state) if it does not run
	 */
	UnionMount active(String name) throws FsException {
		UnionMount m = active.get(name);
		if (m != null) {
			return m;
		}
		MountState s = state(name).orElseThrow(() -> new FsException(Errno.ENOENT, "no mount '" + name + "'"));
		throw new FsException(Errno.EAGAIN, "mount '" + name + "' is " + s.state() + ": " + s.reason());
	}

	// ---------------------------------------------------------------------------------------------------------
	// the worker

	/** Runs a change and then brings every mount in line with what there is now. */
	private void run(Runnable change) {
		try {
			worker.execute(() -> {
				try {
					change.run();
					reconcile();
				} catch (RuntimeException e) {
					LOG.log(Level.ERROR, "mount manager: unexpected failure", e);
				}
			});
		} catch (RejectedExecutionException e) {
			// closed: nothing more to manage
		}
	}

	/** A change that is in the maps already: only the reconcile after it is due. */
	private static void nothing() {
	}

	/** The mounts reading a swapped store forget what they looked up through it. */
	private void storeSwapped(String id) {
		for (ManagedMount m : mounts.values()) {
			if (m.running() != null && m.runningConfig().storeIds().contains(id)) {
				try {
					m.running().storesChanged();
				} catch (FsException e) {
					LOG.log(Level.WARNING, "mount '" + m.name() + "': " + e.getMessage());
				}
			}
		}
	}

	private void reconcile() {
		Set<String> names = new HashSet<>();
		Map<String, String> owners = new HashMap<>();
		for (ManagedMount m : mounts.values()) {
			if (m.config() == null) {
				stop(m);
				setState(m, State.FAILED, m.error());
			} else if (!names.add(m.name())) {
				stop(m);
				setState(m, State.FAILED, "mount name '" + m.name() + "' is taken by configuration "
						+ owners.get(m.name()));
			} else {
				owners.put(m.name(), m.pid);
				reconcile(m);
			}
		}
		publish();
	}

	private void reconcile(ManagedMount m) {
		MountConfig config = m.config();
		List<String> missing = new ArrayList<>();
		Policy policy;
		synchronized (lock) {
			for (String id : config.storeIds()) {
				if (slot(id).current() == null) {
					missing.add("store '" + id + "'");
				}
			}
			List<Policy> ps = policies.getOrDefault(config.policy(), List.of());
			policy = ps.isEmpty() ? null : ps.get(0);
		}
		if (m.running() != null) {
			boolean sameMount = policy == m.runningPolicy() && config.sameExceptLayers(m.runningConfig());
			if (sameMount && config.equals(m.runningConfig())) {
				setState(m, State.ACTIVE, missing.isEmpty() ? ""
						: String.join(", ", missing) + " is gone: its layers give EIO until it comes back");
				return;
			}
			if (sameMount && missing.isEmpty()) {
				remap(m);
				return;
			}
			stop(m); // a new overlay, policy or policy service, or a new layer whose store is not there
		}
		if (policy == null) {
			missing.add("policy '" + config.policy() + "'");
		}
		if (!missing.isEmpty()) {
			setState(m, State.WAITING, "waiting for " + String.join(", ", missing));
			return;
		}
		try {
			UnionMount mount = builder(config).policy(policy, config.options()).buildUnion();
			m.started(mount, registrar.register(mount), policy);
			setState(m, State.ACTIVE, "");
		} catch (Exception e) {
			setState(m, State.FAILED, e.getMessage());
		}
	}

	private void remap(ManagedMount m) {
		try {
			m.running().remap(builder(m.config()).map());
			m.remapped();
			setState(m, State.ACTIVE, "");
			LOG.log(Level.INFO, "mount '" + m.name() + "': layers now " + m.config().layerTexts());
		} catch (FsException e) {
			stop(m);
			setState(m, State.FAILED, "new layers " + m.config().layerTexts() + ": " + e.getMessage());
		}
	}

	/** A builder over the slots of the configured stores; checks that the overlay's store is writable. */
	private MountBuilder builder(MountConfig config) throws FsException {
		MountBuilder b = MountBuilder.named(config.name());
		synchronized (lock) {
			LayerSpec o = config.overlay();
			if (o != null) {
				StoreSlot slot = slot(o.storeId());
				if (!(slot.current() instanceof WritableStore)) {
					throw new FsException(Errno.EROFS, "store '" + o.storeId()
							+ "' is not writable and cannot hold the overlay");
				}
				b.overlay(slot, o.root());
			}
			for (LayerSpec l : config.layers()) {
				b.layer(slot(l.storeId()), l.root(), l.at());
			}
		}
		return b;
	}

	private StoreSlot slot(String id) {
		return slots.computeIfAbsent(id, k -> {
			StoreSlot s = new StoreSlot(k);
			List<Store> all = stores.getOrDefault(k, List.of());
			if (!all.isEmpty()) {
				s.fill(all.get(0));
			}
			return s;
		});
	}

	private void stop(ManagedMount m) {
		try {
			m.stop();
		} catch (Exception e) {
			LOG.log(Level.WARNING, "mount '" + m.name() + "': withdrawing its service failed", e);
		}
	}

	private void setState(ManagedMount m, State state, String reason) {
		if (m.state(state, reason)) {
			Level level = state == State.FAILED ? Level.ERROR : Level.INFO;
			LOG.log(level, "mount '" + m.name() + "' is " + state + (reason.isEmpty() ? "" : ": " + reason));
		}
	}

	private void publish() {
		List<MountState> s = new ArrayList<>();
		Map<String, UnionMount> a = new HashMap<>();
		for (ManagedMount m : mounts.values()) {
			s.add(m.state());
			if (m.running() != null) {
				a.put(m.name(), m.running());
			}
		}
		// in this order: whoever sees a mount ACTIVE finds it running
		active = Map.copyOf(a);
		states = List.copyOf(s);
	}
}
