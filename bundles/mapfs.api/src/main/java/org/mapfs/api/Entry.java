package org.mapfs.api;

/**
 * An entry of a mount as a lookup found it.
 *
 * @param attributes what stat reports
 * @param layer the layer that serves it (for people: the store and where it is placed), or null if unknown
 * @param placement whether it is the repository's or private
 */
public record Entry(FileAttributes attributes, String layer, Placement placement) {
	public Entry {
		if (attributes == null || placement == null) {
			throw new IllegalArgumentException("attributes and placement are required");
		}
	}
}
