package org.mapfs.shell;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The ConfigAdmin factory configurations behind a mount: the mount's own ({@value #MOUNT_PID}) and those of the
 * FUSE mount points that serve it ({@value #FUSE_PID}). Changing them is what makes a change persist: ConfigAdmin
 * keeps them across restarts, and FileInstall writes a change to a configuration that came from a site file back
 * into that file.
 */
final class MountConfigs {
	/** Factory PID of a mount (mapfs.core's MountComponent). */
	static final String MOUNT_PID = "org.mapfs.mount";
	/** Factory PID of a FUSE mount point (mapfs.frontend.fuse's FuseComponent). */
	static final String FUSE_PID = "org.mapfs.frontend.fuse";
	/** Where FileInstall notes the site file a configuration came from (a file: URL). */
	static final String SITE_FILE = "felix.fileinstall.filename";

	private final ConfigurationAdmin cm;

	MountConfigs(ConfigurationAdmin cm) {
		this.cm = cm;
	}

	/** Creates the mount's configuration and, with a mount point, its FUSE configuration. */
	Fields create(MountRequest request) throws CommandException, IOException {
		if (!mountConfigs(request.name()).isEmpty()) {
			throw new CommandException("mount '" + request.name() + "' is configured already: remount or unmount it");
		}
		Dictionary<String, Object> mount = new Hashtable<>();
		mount.put("name", request.name());
		mount.put("overlay", request.overlay());
		mount.put("layers", request.layers().toArray(String[]::new));
		mount.put("policy", request.policy());
		mount.put("policy.options", request.options().toArray(String[]::new));
		// named after the mount, as FileInstall names the configuration of a file org.mapfs.mount-NAME.config
		Configuration created = cm.getFactoryConfiguration(MOUNT_PID, request.name(), "?");
		created.update(mount);
		List<String> pids = new ArrayList<>(List.of(created.getPid()));
		if (request.fuse() != null) {
			Dictionary<String, Object> fuse = new Hashtable<>();
			fuse.put("mount", request.name());
			fuse.put("mountPoint", request.fuse());
			Configuration fuseConfig = cm.getFactoryConfiguration(FUSE_PID, request.name(), "?");
			fuseConfig.update(fuse);
			pids.add(fuseConfig.getPid());
		}
		return result(request.name(), "created", pids);
	}

	/**
	 * Deletes the mount's configuration and those of the FUSE mount points that serve it, with the site files
	 * they came from: FileInstall does not delete a file when its configuration is deleted, and would create
	 * the configuration again from the file at the next start.
	 */
	Fields delete(String name) throws CommandException, IOException {
		List<String> pids = new ArrayList<>();
		for (Configuration c : configsOf(name)) {
			Object file = c.getProperties().get(SITE_FILE);
			pids.add(c.getPid());
			c.delete();
			if (file != null) {
				Files.deleteIfExists(Path.of(URI.create(file.toString())));
			}
		}
		return result(name, "deleted", pids);
	}

	/**
	 * Applies the mount's configurations again, unchanged, by deleting and creating them: the engine ignores an
	 * update that changes nothing, and the point is to rebuild the mount (e.g. after a store came back) and to
	 * have the FUSE front-ends mount it afresh. The FUSE configurations go first and come back last, so that no
	 * front-end serves a mount that is being rebuilt. A configuration from a site file keeps its file name, so
	 * FileInstall still finds it; the file itself is not touched.
	 */
	Fields reapply(String name) throws CommandException, IOException {
		List<Configuration> configs = configsOf(name);
		// what to create again, read before the deletion (a deleted Configuration answers nothing)
		List<Snapshot> snapshots = new ArrayList<>();
		for (Configuration c : configs) {
			Dictionary<String, Object> props = c.getProperties();
			// set by ConfigAdmin itself
			props.remove(Constants.SERVICE_PID);
			props.remove(ConfigurationAdmin.SERVICE_FACTORYPID);
			props.remove(ConfigurationAdmin.SERVICE_BUNDLELOCATION);
			snapshots.add(new Snapshot(c.getFactoryPid(), c.getPid(), props));
		}
		for (int i = configs.size() - 1; i >= 0; i--) {
			configs.get(i).delete();
		}
		List<String> pids = new ArrayList<>();
		for (Snapshot s : snapshots) {
			pids.add(recreate(s));
		}
		return result(name, "recreated", pids);
	}

	private record Snapshot(String factoryPid, String pid, Dictionary<String, Object> props) {
	}

	/**
	 * Creates a configuration like a deleted one, with the same PID where it had a name ({@code FACTORY~NAME}, as
	 * ConfigAdmin 1.6 makes them).
	 *
	 * @return the new configuration's PID
	 */
	private String recreate(Snapshot old) throws IOException {
		String prefix = old.factoryPid() + "~";
		Configuration again = old.pid().startsWith(prefix)
				? cm.getFactoryConfiguration(old.factoryPid(), old.pid().substring(prefix.length()), "?")
				: cm.createFactoryConfiguration(old.factoryPid(), "?");
		again.update(old.props());
		return again.getPid();
	}

	/** The mount's configuration first, then its FUSE configurations. */
	private List<Configuration> configsOf(String name) throws CommandException, IOException {
		List<Configuration> mount = mountConfigs(name);
		if (mount.isEmpty()) {
			throw new CommandException("no mount configuration '" + name + "'");
		}
		List<Configuration> all = new ArrayList<>(find(FUSE_PID, "mount", name));
		all.addAll(0, mount);
		return all;
	}

	private List<Configuration> mountConfigs(String name) throws IOException {
		return find(MOUNT_PID, "name", name);
	}

	private List<Configuration> find(String factoryPid, String key, String value) throws IOException {
		String filter = "(&(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + factoryPid + ")(" + key + "="
				+ escape(value) + "))";
		try {
			Configuration[] found = cm.listConfigurations(filter);
			return found == null ? Collections.emptyList() : Arrays.asList(found);
		} catch (InvalidSyntaxException e) {
			// every value is escaped, so the filter is always well-formed
			throw new IllegalStateException(filter, e);
		}
	}

	/** A value as an LDAP filter needs it: the filter's special characters escaped (RFC 4515). */
	static String escape(String value) {
		StringBuilder sb = new StringBuilder();
		for (char c : value.toCharArray()) {
			if (c == '\\' || c == '*' || c == '(' || c == ')') {
				sb.append('\\');
			}
			sb.append(c);
		}
		return sb.toString();
	}

	private static Fields result(String name, String action, List<String> pids) {
		return new Fields().put("mount", name).put("action", action).put("configurations", pids);
	}
}
