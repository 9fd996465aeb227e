package org.mapfs.core;

import java.util.List;
import java.util.Map;

import org.mapfs.api.FsException;
import org.mapfs.api.admin.MountState;
import org.mapfs.api.admin.MountState.State;
import org.mapfs.api.policy.Policy;

/**
 * One mount configuration and what the manager made of it: the parsed configuration (or why it cannot be
 * parsed), the running mount with its service registration, and the state shown to operators. Touched by the
 * manager's worker thread only.
 */
final class ManagedMount {
	final String pid;
	private String rawName;
	private MountConfig config;
	private String error;
	private UnionMount running;
	private AutoCloseable registration;
	private MountConfig runningConfig;
	private Policy runningPolicy;
	private MountState state;

	ManagedMount(String pid) {
		this.pid = pid;
	}

	/** Takes a new version of the configuration; the running mount follows at the next reconcile. */
	void configure(Map<String, ?> props) {
		Object n = props.get("name");
		rawName = n == null || n.toString().isBlank() ? pid : n.toString().trim();
		try {
			config = MountConfig.parse(props);
			error = null;
		} catch (FsException e) {
			config = null;
			error = "configuration " + pid + ": " + e.getMessage();
		}
	}

	/** The parsed configuration, or null if it has an error. */
	MountConfig config() {
		return config;
	}

	String error() {
		return error;
	}

	String name() {
		return config != null ? config.name() : rawName;
	}

	UnionMount running() {
		return running;
	}

	MountConfig runningConfig() {
		return runningConfig;
	}

	Policy runningPolicy() {
		return runningPolicy;
	}

	void started(UnionMount mount, AutoCloseable registration, Policy policy) {
		this.running = mount;
		this.registration = registration;
		this.runningConfig = config;
		this.runningPolicy = policy;
	}

	void remapped() {
		runningConfig = config;
	}

	/** Unregisters the mount's service, if it runs; the front-ends serving it let it go. */
	void stop() throws Exception {
		AutoCloseable r = registration;
		running = null;
		registration = null;
		runningConfig = null;
		runningPolicy = null;
		if (r != null) {
			r.close();
		}
	}

	MountState state() {
		return state;
	}

	/** Sets the state; true if it differs from the one before (worth a log line). */
	boolean state(State s, String reason) {
		MountConfig c = config;
		MountState next = new MountState(name(), s, reason, c == null ? "" : c.overlayText(),
				c == null ? List.of() : c.layerTexts(), c == null ? "" : c.policy());
		boolean changed = state == null || state.state() != s || !state.reason().equals(next.reason());
		state = next;
		return changed;
	}
}
