/** The copy-on-write policy SPI. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.2.0")
package org.mapfs.api.policy;
