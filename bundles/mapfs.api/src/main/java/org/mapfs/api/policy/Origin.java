package org.mapfs.api.policy;

import org.mapfs.api.FsPath;
import org.mapfs.api.store.Store;

/** Where the repository version of a file lives: a read-only layer's store and the path in it. */
public record Origin(Store store, FsPath path) {
}
