package org.mapfs.api.policy;

import org.mapfs.api.FsPath;
import org.mapfs.api.store.Store;

/**
 * Where the data a private copy starts from lives: for a copy-up, the repository version (a read-only layer's store
 * and the path in it); for a copy within the mount, the source file, which may be in the overlay.
 */
public record Origin(Store store, FsPath path) {
}
