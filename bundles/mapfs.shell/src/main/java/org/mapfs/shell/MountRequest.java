package org.mapfs.shell;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The arguments of {@code mount}, checked: Gogo's option parsing takes one value per option, and a map has many
 * {@code --layer}s, so the command parses its arguments here.
 *
 * @param name the mount's name
 * @param overlay the overlay layer ({@code STORE-ID[:/sub/path]}), empty for a read-only view
 * @param layers the repository layers, top first ({@code STORE-ID[:/sub/path][@/mount/path]})
 * @param policy the copy-on-write policy's name
 * @param options the policy's options, {@code KEY=VALUE}
 * @param fuse the FUSE mount point to serve the mount at, or null
 * @param json whether to print the result as JSON
 */
record MountRequest(String name, String overlay, List<String> layers, String policy, List<String> options,
		String fuse, boolean json) {
	static final String USAGE = "mount NAME --layer STORE[:/sub][@/at] ... [--overlay STORE[:/sub]] "
			+ "[--policy classic] [--option KEY=VALUE] ... [--fuse /mount/point] [--json]";

	static MountRequest parse(List<String> args) throws CommandException {
		String name = null;
		String overlay = "";
		List<String> layers = new ArrayList<>();
		String policy = "classic";
		List<String> options = new ArrayList<>();
		String fuse = null;
		boolean json = false;
		Iterator<String> it = args.iterator();
		while (it.hasNext()) {
			String arg = it.next();
			switch (arg) {
			case "--overlay" -> overlay = value(arg, it);
			case "--layer" -> layers.add(value(arg, it));
			case "--policy" -> policy = value(arg, it);
			case "--option" -> options.add(value(arg, it));
			case "--fuse" -> fuse = value(arg, it);
			case "-j", "--json" -> json = true;
			default -> {
				if (arg.startsWith("-") || name != null) {
					throw new CommandException("unexpected '" + arg + "'; usage: " + USAGE);
				}
				name = arg;
			}
			}
		}
		if (name == null || name.isBlank()) {
			throw new CommandException("no mount name; usage: " + USAGE);
		}
		if (layers.isEmpty()) {
			throw new CommandException("mount '" + name + "' has no --layer; usage: " + USAGE);
		}
		for (String layer : layers) {
			Layers.parse(layer);
		}
		if (!overlay.isEmpty() && !Layers.parse(overlay).at().isRoot()) {
			throw new CommandException("the overlay '" + overlay + "' is the top of the whole mount: no @/path");
		}
		for (String option : options) {
			if (option.indexOf('=') <= 0) {
				throw new CommandException("policy option '" + option + "' is not KEY=VALUE");
			}
		}
		if (fuse != null && !fuse.startsWith("/")) {
			throw new CommandException("the FUSE mount point '" + fuse + "' is not an absolute path");
		}
		return new MountRequest(name, overlay, List.copyOf(layers), policy, List.copyOf(options), fuse, json);
	}

	private static String value(String option, Iterator<String> it) throws CommandException {
		if (!it.hasNext()) {
			throw new CommandException(option + " needs a value; usage: " + USAGE);
		}
		return it.next();
	}
}
