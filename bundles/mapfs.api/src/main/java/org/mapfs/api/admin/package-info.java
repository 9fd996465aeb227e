/**
 * Managing MapFS at run time: the mounts of a runtime with their states, what a client changed in an overlay
 * (diff), undoing it (revert), and statistics. Used by the Gogo shell and by products that embed MapFS.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.mapfs.api.admin;
