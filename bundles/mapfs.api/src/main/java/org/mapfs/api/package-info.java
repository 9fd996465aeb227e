/**
 * The MapFS API: normalized paths, file attributes, the errno-carrying {@link org.mapfs.api.FsException}, and the
 * {@link org.mapfs.api.Mount} that front-ends serve.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.4.0")
package org.mapfs.api;
