package org.mapfs.frontend.fuse.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.Mount;
import org.mapfs.core.MountBuilder;
import org.mapfs.frontend.fuse.FuseFrontEnd;
import org.mapfs.policy.classic.ClassicPolicy;
import org.mapfs.store.local.LocalStore;

/**
 * {@code ./mapfs mount}: a MapFS mount of local folders at a mount point, with the option syntax of
 * fuse-overlayfs and kernel overlayfs, as plain Java (no OSGi framework):
 *
 * <pre>
 * mapfs mount [-f] [-d] -o lowerdir=L1:L2[,upperdir=U,workdir=W][,OPTION...] MOUNTPOINT
 * </pre>
 *
 * The lower folders are the repository, top first; without upperdir the view is read-only. It runs until the
 * file system is unmounted ({@code umount MNT}, {@code fusermount -u MNT}) or the process gets SIGTERM/SIGINT (it
 * unmounts then). Once the mount is ready it prints one line starting with {@value #READY} on standard output;
 * the script waits for it before it returns.
 */
public final class MountCommand {
	/** The line that says the mount is ready. */
	static final String READY = "mapfs: mounted ";

	/** Overlayfs options that MapFS accepts and ignores (its behaviour is fixed: redirects, stable inodes). */
	private static final List<String> IGNORED = List.of("redirect_dir", "index", "xino", "nfs_export",
			"uuid", "fsync", "noacl", "squash_to_root", "squash_to_uid", "squash_to_gid", "static_nlink",
			"plugins", "threaded", "fast_ino", "writeback", "noxattrs", "timeout", "rw", "relatime", "auto",
			"noauto", "user", "nouser", "_netdev");

	private MountCommand() {
	}

	/** The parsed command line. */
	record Args(List<Path> lower, Path upper, Path work, Path mountPoint, boolean foreground, boolean debug,
			boolean allowOther, boolean autoUnmount, Map<String, String> policyOptions, List<String> fuseOptions,
			List<String> ignored) {
	}

	static final class UsageException extends Exception {
		private static final long serialVersionUID = 1L;

		UsageException(String message) {
			super(message);
		}
	}

	public static void main(String[] argv) {
		int rc = run(argv, System.out, System.err);
		System.exit(rc);
	}

	static String usage() {
		return """
				Usage: mapfs mount [-f] [-d] -o lowerdir=L1[:L2...][,upperdir=U,workdir=W][,OPTION...] MOUNTPOINT
				  lowerdir     the read-only repository folders, top first (':' separates, '\\' escapes)
				  upperdir     the writable overlay folder; workdir: its work folder on the same file system
				               (both or neither; without them the view is read-only)
				  allow_other  other users may use the mount (the kernel checks permissions: default_permissions)
				  metacopy=on|off, userxattr, volatile   classic policy options, as overlayfs's (volatile:
				               copy-ups are not flushed to disk; for overlays thrown away after a crash)
				  noauto_unmount  no watchdog that unmounts if the process is killed (default: one)
				  other -o options go to FUSE (e.g. attr_timeout=5, repository_timeout=60, threads=4, suid,
				               dev); overlayfs-only ones are ignored
				  -f           stay in the foreground (otherwise return once the mount is ready)
				  -d           FUSE debug output (implies -f)
				Unmount with: umount MOUNTPOINT  (or fusermount -u MOUNTPOINT)
				""";
	}

	static int run(String[] argv, PrintStream out, PrintStream err) {
		Args args;
		try {
			args = parse(argv);
		} catch (UsageException e) {
			if (e.getMessage().equals("help")) {
				out.print(usage());
				return 0;
			}
			err.println("mapfs mount: " + e.getMessage());
			err.print(usage());
			return 2;
		}
		if (!args.ignored().isEmpty()) {
			err.println("mapfs mount: ignoring overlayfs options " + String.join(",", args.ignored()));
		}
		List<LocalStore> stores = new ArrayList<>();
		FuseFrontEnd fe = new FuseFrontEnd();
		Thread hook = new Thread(() -> {
			fe.umount();
			closeAll(stores);
		}, "mapfs-mount-shutdown");
		try {
			Mount mount = build(args, stores);
			Runtime.getRuntime().addShutdownHook(hook);
			// without allow_other only the mounting user (root) reaches the mount, and the kernel lets root past
			// permission bits anyway, as fuse-overlayfs runs: default_permissions would only make the kernel ask
			// for a folder's attributes again after each file created in it. allow_other turns it on.
			FuseFrontEnd.Options options = FuseFrontEnd.Options.defaults().withAllowOther(args.allowOther())
					.withDefaultPermissions(false).withExtra(args.fuseOptions()).withDebug(args.debug())
					.withAutoUnmount(args.autoUnmount());
			fe.mount(mount, args.mountPoint(), options);
		} catch (Exception e) {
			err.println("mapfs mount: " + e.getMessage());
			closeAll(stores);
			return 1;
		}
		out.println(READY + args.mountPoint().toAbsolutePath().normalize() + " (pid " + ProcessHandle.current().pid()
				+ ")");
		out.flush();
		try {
			fe.awaitUnmounted();
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			fe.umount();
		}
		try {
			Runtime.getRuntime().removeShutdownHook(hook);
		} catch (IllegalStateException e) {
			// shutting down: the hook unmounts and closes
			return 0;
		}
		closeAll(stores);
		return 0;
	}

	static Mount build(Args args, List<LocalStore> stores) throws FsException {
		MountBuilder builder = MountBuilder.named(args.mountPoint().toAbsolutePath().normalize().toString());
		if (args.upper() != null) {
			LocalStore upper = LocalStore.open("upper", args.upper(), args.work(), false);
			stores.add(upper);
			builder.overlay(upper, FsPath.ROOT);
		}
		int i = 0;
		for (Path lower : args.lower()) {
			LocalStore store = LocalStore.open("lower" + i++, lower, null, true);
			stores.add(store);
			builder.layer(store, FsPath.ROOT, FsPath.ROOT);
		}
		return builder.policy(new ClassicPolicy(), args.policyOptions()).build();
	}

	private static void closeAll(List<LocalStore> stores) {
		for (LocalStore s : stores) {
			try {
				s.close();
			} catch (RuntimeException e) {
				// closing at exit
			}
		}
	}

	static Args parse(String[] argv) throws UsageException {
		List<String> options = new ArrayList<>();
		Path mountPoint = null;
		boolean foreground = false;
		boolean debug = false;
		for (int i = 0; i < argv.length; i++) {
			String a = argv[i];
			switch (a) {
				case "-f" -> foreground = true;
				case "-d" -> {
					debug = true;
					foreground = true;
				}
				case "-o" -> {
					if (++i >= argv.length) {
						throw new UsageException("-o needs options");
					}
					options.addAll(split(argv[i], ','));
				}
				case "-h", "--help" -> throw new UsageException("help");
				default -> {
					if (a.startsWith("-o") && a.length() > 2) {
						options.addAll(split(a.substring(2), ','));
					} else if (a.startsWith("-")) {
						throw new UsageException("unknown flag " + a);
					} else if (mountPoint != null) {
						throw new UsageException("more than one mount point: " + mountPoint + ", " + a);
					} else {
						mountPoint = Path.of(a);
					}
				}
			}
		}
		if (mountPoint == null) {
			throw new UsageException("no mount point");
		}
		List<Path> lower = new ArrayList<>();
		Path upper = null;
		Path work = null;
		boolean allowOther = false;
		boolean readOnly = false;
		boolean autoUnmount = true;
		Map<String, String> policy = new HashMap<>();
		List<String> fuse = new ArrayList<>();
		List<String> ignored = new ArrayList<>();
		for (String o : options) {
			if (o.isEmpty()) {
				continue;
			}
			int eq = o.indexOf('=');
			String key = eq < 0 ? o : o.substring(0, eq);
			String value = eq < 0 ? null : o.substring(eq + 1);
			switch (key) {
				case "lowerdir" -> {
					for (String l : split(need(key, value), ':', true)) {
						if (!l.isEmpty()) {
							lower.add(Path.of(l));
						}
					}
				}
				case "upperdir" -> upper = Path.of(String.join("", split(need(key, value), '\0', true)));
				case "workdir" -> work = Path.of(String.join("", split(need(key, value), '\0', true)));
				case "allow_other" -> allowOther = true;
				case "auto_unmount" -> autoUnmount = true;
				case "noauto_unmount" -> autoUnmount = false;
				case "default_permissions" -> {
					// always on: the kernel checks permissions
				}
				case "metacopy" -> policy.put("metacopy", onOff(key, value));
				case "userxattr" -> policy.put("userxattr", value == null ? "true" : onOff(key, value));
				case "volatile" -> policy.put("volatile", "true");
				case "ro" -> readOnly = true;
				default -> {
					if (IGNORED.contains(key)) {
						ignored.add(o);
					} else {
						fuse.add(o);
					}
				}
			}
		}
		if (lower.isEmpty()) {
			throw new UsageException("no lowerdir given");
		}
		if (readOnly) {
			upper = null;
			work = null;
		}
		if (upper != null && work == null) {
			throw new UsageException("upperdir needs a workdir");
		}
		if (upper == null && work != null) {
			throw new UsageException("workdir without upperdir");
		}
		for (Path p : lower) {
			if (!Files.isDirectory(p)) {
				throw new UsageException("lowerdir " + p + " is not a directory");
			}
		}
		if (upper != null && !Files.isDirectory(upper)) {
			throw new UsageException("upperdir " + upper + " is not a directory");
		}
		return new Args(List.copyOf(lower), upper, work, mountPoint, foreground, debug, allowOther, autoUnmount,
				policy, fuse, ignored);
	}

	private static String need(String key, String value) throws UsageException {
		if (value == null || value.isEmpty()) {
			throw new UsageException(key + " needs a value");
		}
		return value;
	}

	private static String onOff(String key, String value) throws UsageException {
		return switch (value == null ? "" : value) {
			case "on", "true", "1" -> "true";
			case "off", "false", "0" -> "false";
			default -> throw new UsageException(key + " must be on or off, not '" + value + "'");
		};
	}

	/** Splits at unescaped {@code sep}; a backslash escapes the next character. */
	static List<String> split(String s, char sep) {
		return split(s, sep, false);
	}

	/**
	 * Splits at unescaped {@code sep}. A backslash escapes the next character: with {@code unescape} it is
	 * removed, otherwise only before {@code sep} (the other escapes stay for a later split).
	 */
	static List<String> split(String s, char sep, boolean unescape) {
		List<String> parts = new ArrayList<>();
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c == '\\' && i + 1 < s.length()) {
				char next = s.charAt(++i);
				if (next != sep && !unescape) {
					sb.append('\\');
				}
				sb.append(next);
			} else if (c == sep) {
				parts.add(sb.toString());
				sb.setLength(0);
			} else {
				sb.append(c);
			}
		}
		parts.add(sb.toString());
		return parts;
	}
}
