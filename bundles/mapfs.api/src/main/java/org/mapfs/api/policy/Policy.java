package org.mapfs.api.policy;

import java.util.Map;

import org.mapfs.api.FsException;
import org.mapfs.api.store.WritableStore;

/**
 * A copy-on-write policy: when a private copy is made, what is copied, how the overlay marks deleted and
 * replaced entries, and how the data of a copied-up file is read and written. Registered as an OSGi service
 * with the property {@value #NAME_PROPERTY}; mounts choose one by name.
 */
public interface Policy {
	/** Service property holding the policy name mounts refer to. */
	String NAME_PROPERTY = "mapfs.policy";

	String name();

	/**
	 * Applies this policy to one mount's overlay layer.
	 *
	 * @param overlay the overlay layer, rooted at the layer's root
	 * @param options the mount's policy options
	 * @throws FsException EINVAL for an option this policy does not know or cannot honour here
	 */
	OverlayPolicy attach(WritableStore overlay, Map<String, String> options) throws FsException;
}
