package org.mapfs.shell;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The commands that create, delete and re-apply mount configurations, so that what they do persists. Public, as
 * Gogo calls the methods by reflection; the package is not exported.
 */
@Component(service = ConfigCommands.class, property = { "osgi.command.scope=mapfs",
		"osgi.command.function=mount", "osgi.command.function=unmount", "osgi.command.function=remount" })
public final class ConfigCommands {
	private final MountConfigs configs;

	@Activate
	public ConfigCommands(@Reference ConfigurationAdmin cm) {
		configs = new MountConfigs(cm);
	}

	@Descriptor("configure a mount (it persists), optionally served by FUSE at a mount point: " + MountRequest.USAGE
			+ "; layers top first; 'mounts' shows whether it became ACTIVE")
	public void mount(@Descriptor("NAME --layer STORE[:/sub][@/at] ... [--overlay STORE[:/sub]] [--policy NAME] "
			+ "[--option KEY=VALUE] ... [--fuse /mount/point] [--json]") String... args)
			throws CommandException {
		MountRequest request = MountRequest.parse(List.of(args));
		Commands.print(request.json(), () -> configs.create(request));
	}

	@Descriptor("delete a mount's configuration and the FUSE mount points that serve it, with their site files "
			+ "(it stops and stays gone)")
	public void unmount(
			@Descriptor(Commands.JSON_HELP) @Parameter(names = { "-j", "--json" }, presentValue = "true",
					absentValue = "false") boolean json,
			@Descriptor("the mount's name") String name) throws CommandException {
		Commands.print(json, () -> configs.delete(name));
	}

	@Descriptor("apply a mount's configuration and its FUSE mount points' again (deleted and created unchanged): "
			+ "the mount is rebuilt and remounted")
	public void remount(
			@Descriptor(Commands.JSON_HELP) @Parameter(names = { "-j", "--json" }, presentValue = "true",
					absentValue = "false") boolean json,
			@Descriptor("the mount's name") String name) throws CommandException {
		Commands.print(json, () -> configs.reapply(name));
	}
}
