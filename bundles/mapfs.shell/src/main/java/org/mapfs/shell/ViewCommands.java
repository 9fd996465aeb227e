package org.mapfs.shell;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.admin.MountState;
import org.mapfs.api.admin.Mounts;
import org.mapfs.api.policy.Policy;
import org.mapfs.api.store.Store;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The commands that show the runtime's stores, policies and mounts and look into a mount's overlay. Public, as
 * Gogo calls the methods by reflection; the package is not exported.
 */
@Component(service = ViewCommands.class, property = { "osgi.command.scope=mapfs",
		"osgi.command.function=stores", "osgi.command.function=policies", "osgi.command.function=mounts",
		"osgi.command.function=layers", "osgi.command.function=which", "osgi.command.function=diff",
		"osgi.command.function=revert", "osgi.command.function=stats" })
public final class ViewCommands {
	// Dynamic and optional, so that the commands are there (and say what is missing) while the engine,
	// a store or a policy bundle comes or goes.
	@Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
			policyOption = ReferencePolicyOption.GREEDY)
	volatile List<Store> stores;
	@Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
			policyOption = ReferencePolicyOption.GREEDY)
	volatile List<Policy> policies;
	@Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
			policyOption = ReferencePolicyOption.GREEDY)
	volatile Mounts mounts;

	@Descriptor("list the stores: id, writable or not, location")
	public void stores(@Descriptor(Commands.JSON_HELP) @Parameter(names = { "-j", "--json" }, presentValue = "true",
			absentValue = "false") boolean json) throws CommandException {
		Commands.print(json, () -> Views.stores(stores));
	}

	@Descriptor("list the copy-on-write policies mounts can name")
	public void policies(@Descriptor(Commands.JSON_HELP) @Parameter(names = { "-j", "--json" }, presentValue = "true",
			absentValue = "false") boolean json) throws CommandException {
		Commands.print(json, () -> Views.policies(policies));
	}

	@Descriptor("list every configured mount with its state: ACTIVE, WAITING (for what) or FAILED (why)")
	public void mounts(@Descriptor(Commands.JSON_HELP) @Parameter(names = { "-j", "--json" }, presentValue = "true",
			absentValue = "false") boolean json) throws CommandException {
		Commands.print(json, () -> Views.mounts(engine().list()));
	}

	@Descriptor("show the map of a mount, top first: the overlay (rw), then the repository layers (ro)")
	public void layers(
			@Descriptor(Commands.JSON_HELP) @Parameter(names = { "-j", "--json" }, presentValue = "true",
					absentValue = "false") boolean json,
			@Descriptor("the mount's name") String mount) throws CommandException {
		Commands.print(json, () -> Views.layers(state(mount)));
	}

	@Descriptor("show the layer that serves a path, and whether it is the repository's, a metadata-only copy "
			+ "or private (copied up or new)")
	public void which(
			@Descriptor(Commands.JSON_HELP) @Parameter(names = { "-j", "--json" }, presentValue = "true",
					absentValue = "false") boolean json,
			@Descriptor("the mount's name") String mount,
			@Descriptor("a path in the mount, e.g. /etc/hosts") String path) throws CommandException {
		FsPath p = path(path);
		Commands.print(json, () -> Views.which(mount, p, engine().which(mount, p)));
	}

	@Descriptor("list what the client changed against the repository, like git status --short: "
			+ "A added, M modified, m metadata only, D deleted, R renamed (from -> path)")
	public void diff(
			@Descriptor(Commands.JSON_HELP) @Parameter(names = { "-j", "--json" }, presentValue = "true",
					absentValue = "false") boolean json,
			@Descriptor("the mount's name") String mount) throws CommandException {
		diff(json, mount, "/");
	}

	@Descriptor("list what the client changed at and below a path, like git status --short: "
			+ "A added, M modified, m metadata only, D deleted, R renamed (from -> path)")
	public void diff(
			@Descriptor(Commands.JSON_HELP) @Parameter(names = { "-j", "--json" }, presentValue = "true",
					absentValue = "false") boolean json,
			@Descriptor("the mount's name") String mount,
			@Descriptor("a path in the mount, e.g. /etc") String path) throws CommandException {
		FsPath p = path(path);
		Commands.print(json, () -> Views.changes(engine().diff(mount, p)));
	}

	@Descriptor("drop the private copy, whiteout or rename at a path so that the repository version shows again; "
			+ "prints what was undone")
	public void revert(
			@Descriptor("also revert the changes below a directory") @Parameter(names = { "-r",
					"--recursive" }, presentValue = "true", absentValue = "false") boolean recursive,
			@Descriptor(Commands.JSON_HELP) @Parameter(names = { "-j", "--json" }, presentValue = "true",
					absentValue = "false") boolean json,
			@Descriptor("the mount's name") String mount,
			@Descriptor("a path in the mount, e.g. /etc/hosts") String path) throws CommandException {
		FsPath p = path(path);
		Commands.print(json, () -> Views.changes(engine().revert(mount, p, recursive)));
	}

	@Descriptor("show a mount's counters: copy-ups, bytes copied, whiteouts, open files, operations, ops/s")
	public void stats(
			@Descriptor(Commands.JSON_HELP) @Parameter(names = { "-j", "--json" }, presentValue = "true",
					absentValue = "false") boolean json,
			@Descriptor("the mount's name") String mount) throws CommandException {
		Commands.print(json, () -> Views.stats(mount, engine().stats(mount)));
	}

	private Mounts engine() throws CommandException {
		Mounts m = mounts;
		if (m == null) {
			throw new CommandException("no Mounts service: the MapFS engine (bundle mapfs.core) is not running");
		}
		return m;
	}

	private MountState state(String mount) throws CommandException {
		return engine().get(mount).orElseThrow(() -> new CommandException("no mount '" + mount + "'"));
	}

	private static FsPath path(String path) throws CommandException {
		try {
			return FsPath.of(path);
		} catch (FsException e) {
			throw new CommandException("bad path '" + path + "': " + e.getMessage());
		}
	}
}
