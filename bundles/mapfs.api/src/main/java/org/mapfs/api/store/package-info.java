/** The store SPI: storage backends implement {@link org.mapfs.api.store.Store} or its writable form. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.mapfs.api.store;
