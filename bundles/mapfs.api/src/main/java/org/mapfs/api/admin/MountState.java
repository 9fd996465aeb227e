package org.mapfs.api.admin;

import java.util.List;

/**
 * A configured mount and how it is doing.
 *
 * @param name the mount's name
 * @param state ACTIVE, WAITING or FAILED
 * @param reason why it waits or failed (names the missing store or policy, or the configuration error); also set
 *            for an ACTIVE mount that serves with a store missing; empty otherwise
 * @param overlay the overlay layer as configured ({@code STORE-ID[:/sub/path]}), empty for a read-only view
 * @param layers the repository layers as configured, top first ({@code STORE-ID[:/sub/path][@/mount/path]})
 * @param policy the copy-on-write policy's name
 */
public record MountState(String name, State state, String reason, String overlay, List<String> layers,
		String policy) {
	public enum State {
		/** Serving: a {@link org.mapfs.api.Mount} service is registered. */
		ACTIVE,
		/** Configured correctly, waiting for a store or policy to appear. */
		WAITING,
		/** The configuration is wrong; {@code reason} says how. */
		FAILED
	}

	public MountState {
		layers = List.copyOf(layers);
		reason = reason == null ? "" : reason;
	}
}
