package org.mapfs.api;

/** Where an entry of a mount lives: in the repository only, or (partly) in the overlay. */
public enum Placement {
	/** Served by a repository layer and nothing of it is private: it cannot change under the mount. */
	REPOSITORY,
	/** A metadata-only copy: its metadata is private in the overlay, its data is still the repository's. */
	METADATA_COPY,
	/** In the overlay: a full private copy, or an entry the client made. */
	OVERLAY,
	/** The mount does not say. */
	UNKNOWN;

	/** True if only a change through the mount (or to the map) can change the entry. */
	public boolean isRepository() {
		return this == REPOSITORY;
	}
}
