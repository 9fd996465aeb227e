package org.mapfs.store.nfs;

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
 * One NFS store per factory configuration {@value #PID}, registered by {@link StoreService}. A server that cannot
 * be reached or an export that does not exist makes activation fail, in bounded time even for a hard store, with
 * a message naming the store, the server and the fault: SCR logs it, no service appears.
 */
@Component(configurationPid = NfsStoreComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
		service = {}, immediate = true)
@Designate(ocd = NfsStoreComponent.Config.class, factory = true)
public class NfsStoreComponent {
	static final String PID = "org.mapfs.store.nfs";

	@ObjectClassDefinition(id = PID, name = "MapFS NFS store",
			description = "A store over a folder of an NFSv3 export (MapFS's own client, no kernel mount), used as "
					+ "a repository (read-only) or overlay layer.")
	public @interface Config {
		@AttributeDefinition(name = "Store id", description = "The id mounts use to refer to this store.")
		String id();

		@AttributeDefinition(name = "Server", description = "Host name or address of the NFS server.")
		String server() default "127.0.0.1";

		@AttributeDefinition(name = "Export", description = "The exported path, as given to MOUNT (e.g. /repo).")
		String export();

		@AttributeDefinition(name = "Folder", description = "The store's folder inside the export.")
		String path() default "/";

		@AttributeDefinition(name = "Work folder", required = false, description = "Folder inside the same "
				+ "export for staging copy-ups, outside the store's folder; created if missing. Needed when "
				+ "writable.")
		String work() default "";

		@AttributeDefinition(name = "Read-only", description = "Refuse every change with EROFS.")
		boolean readOnly() default true;

		@AttributeDefinition(name = "NFS port", description = "0: ask the server's portmapper.", min = "0",
				max = "65535")
		int nfsPort() default 0;

		@AttributeDefinition(name = "MOUNT port", description = "0: ask the server's portmapper.", min = "0",
				max = "65535")
		int mountPort() default 0;

		@AttributeDefinition(name = "User id", description = "AUTH_SYS uid of every call.")
		int uid() default 0;

		@AttributeDefinition(name = "Group id", description = "AUTH_SYS gid of every call.")
		int gid() default 0;

		@AttributeDefinition(name = "Supplementary groups", required = false,
				description = "AUTH_SYS supplementary group ids (at most 16).")
		int[] groups() default {};

		@AttributeDefinition(name = "Hard", description = "Retry until the server answers (true), or fail "
				+ "with EIO after 'retrans' timeouts (false).")
		boolean hard() default true;

		@AttributeDefinition(name = "Timeout (ms)", description = "How long a call waits for its reply before "
				+ "it is sent again.", min = "1")
		int timeoutMillis() default 10000;

		@AttributeDefinition(name = "Retransmissions", description = "Timeouts after which a soft call (and "
				+ "every call while the store starts) fails.", min = "0")
		int retrans() default 2;

		@AttributeDefinition(name = "Attribute cache (s)", description = "How long attributes and looked-up "
				+ "names are trusted (actimeo); 0 caches nothing. Long is safe for a repository nobody changes.",
				min = "0")
		int attrCacheSeconds() default 60;

		@AttributeDefinition(name = "Connections", description = "TCP connections to the NFS server.", min = "1",
				max = "16")
		int connections() default 2;
	}

	private StoreService service;

	@Activate
	void activate(BundleContext context, Config config) throws Exception {
		NfsOptions options = options(config);
		String id = config.id().trim();
		NfsStore store = NfsStore.open(id, options);
		service = StoreService.register(context, store, "nfs", options.readOnly(), store::close);
	}

	/** The configuration checked, with messages naming the store and the property at fault. */
	static NfsOptions options(Config c) {
		String id = c.id() == null ? "" : c.id().trim();
		if (id.isEmpty()) {
			throw new IllegalArgumentException("NFS store configuration (" + PID + "): 'id' is missing");
		}
		String server = c.server() == null ? "" : c.server().trim();
		String export = c.export() == null ? "" : c.export().trim();
		if (server.isEmpty() || export.isEmpty()) {
			throw new IllegalArgumentException("store '" + id + "': 'server' and 'export' are required");
		}
		String work = c.work() == null ? "" : c.work().trim();
		if (!c.readOnly() && work.isEmpty()) {
			throw new IllegalArgumentException("store '" + id + "': a writable store needs 'work' (a folder of the "
					+ "export for staging)");
		}
		int[] groups = c.groups() == null ? new int[0] : c.groups();
		if (groups.length > AuthSys.MAX_GROUPS) {
			throw new IllegalArgumentException("store '" + id + "': at most " + AuthSys.MAX_GROUPS
					+ " supplementary groups");
		}
		if (c.timeoutMillis() < 1 || c.retrans() < 0 || c.attrCacheSeconds() < 0 || c.connections() < 1
				|| c.nfsPort() < 0 || c.nfsPort() > 65535 || c.mountPort() < 0 || c.mountPort() > 65535) {
			throw new IllegalArgumentException("store '" + id + "': timeoutMillis >= 1, retrans >= 0, "
					+ "attrCacheSeconds >= 0, connections >= 1 and ports 0-65535 are required");
		}
		return new NfsOptions(server, export, c.path() == null || c.path().isBlank() ? "/" : c.path().trim(),
				work.isEmpty() ? null : work, c.readOnly(), c.nfsPort(), c.mountPort(), c.uid(), c.gid(), groups,
				c.hard(), c.timeoutMillis(), c.retrans(), c.attrCacheSeconds() * 1000L, c.connections());
	}

	@Deactivate
	void deactivate() throws Exception {
		if (service != null) {
			service.close();
			service = null;
		}
	}
}
