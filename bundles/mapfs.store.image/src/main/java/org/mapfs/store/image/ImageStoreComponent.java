package org.mapfs.store.image;

import java.nio.file.Path;

import org.mapfs.api.FsException;
import org.mapfs.api.admin.Home;
import org.mapfs.api.store.StoreService;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One image store per factory configuration {@value #PID}, registered (read-only) by {@link StoreService}. A
 * missing or damaged image makes activation fail with a message naming the store, the image and the fault: SCR
 * logs it, no service appears, the bundle and its other stores go on.
 */
@Component(configurationPid = ImageStoreComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
		service = {}, immediate = true)
@Designate(ocd = ImageStoreComponent.Config.class, factory = true)
public class ImageStoreComponent {
	static final String PID = "org.mapfs.store.image";

	@ObjectClassDefinition(id = PID, name = "MapFS image store",
			description = "A read-only store over an ext2/ext3/ext4 file system in an image file or block device "
					+ "(bare or in an MBR or GPT partition) or on a Hercules DASD volume (CKD, CCKD, FBA, CFBA); "
					+ "used as a repository layer.")
	public @interface Config {
		@AttributeDefinition(name = "Store id", description = "The id mounts use to refer to this store.")
		String id();

		@AttributeDefinition(name = "Image", description = "Path of the image file or block device. A relative "
				+ "path is relative to the MapFS home (framework property mapfs.home).")
		String image();

		@AttributeDefinition(name = "Partition", description = "Partition number (MBR logical partitions count "
				+ "from 5; on DASD the n of LINUX.V<volser>.PART<n>.NATIVE); 0: the bare file system, or the only "
				+ "or first Linux partition.", min = "0")
		int partition() default 0;

		@AttributeDefinition(name = "Cache budget (MiB)", description = "Memory for cached metadata blocks, "
				+ "inodes, directories and DASD tracks.", min = "1")
		int cacheBudget() default 64;
	}

	private StoreService service;

	@Activate
	void activate(BundleContext context, Config config) throws Exception {
		String id = config.id() == null ? "" : config.id().trim();
		if (id.isEmpty()) {
			throw new IllegalArgumentException("image store configuration (" + PID + "): 'id' is missing");
		}
		String image = config.image() == null ? "" : config.image().trim();
		if (image.isEmpty()) {
			throw new IllegalArgumentException("store '" + id + "': 'image' (the image file or device) is missing");
		}
		if (config.partition() < 0 || config.cacheBudget() < 1) {
			throw new IllegalArgumentException("store '" + id + "': partition must be >= 0, cacheBudget >= 1 MiB");
		}
		Path path = Home.resolve(context.getProperty(Home.PROPERTY), image);
		ImageStore store;
		try {
			store = ImageStore.open(id, path, config.partition(), (long) config.cacheBudget() << 20);
		} catch (FsException e) {
			throw new FsException(e.errno(), null, "store '" + id + "': cannot read image " + path + ": "
					+ e.getMessage(), e);
		}
		service = StoreService.register(context, store, "image", true, store::close);
	}

	@Deactivate
	void deactivate() throws Exception {
		if (service != null) {
			service.close();
			service = null;
		}
	}
}
