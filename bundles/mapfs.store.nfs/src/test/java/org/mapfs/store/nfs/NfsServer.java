package org.mapfs.store.nfs;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real NFS server for the tests: rpcbind and nfs-ganesha (VFS backend) as child processes of the test JVM,
 * which runs in its own network namespace (src/test/netns/bin/java). One server per JVM, made by the first test
 * class that asks and stopped when all tests ran; two exports: {@code /repo} read-only over {@link #repo()} and
 * {@code /rw} read-write over {@link #rw()}, both without root squashing. {@link #restart()} and
 * {@link #stop()} are for the tests of server restarts.
 * <p>
 * A missing program fails the tests with the Debian packages to install: they are never skipped.
 */
final class NfsServer implements BeforeAllCallback {
	static final String HOST = "127.0.0.1";
	static final int NFS_PORT = 2049;
	static final int MOUNT_PORT = 20048;
	private static final long START_TIMEOUT_MILLIS = 20_000;
	private static final long STOP_TIMEOUT_MILLIS = 15_000;

	private static Instance instance;

	/** The running server of this JVM. */
	static synchronized Instance get() {
		if (instance == null) {
			throw new IllegalStateException("no NFS server: extend the test class with NfsServer");
		}
		return instance;
	}

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		synchronized (NfsServer.class) {
			if (instance == null) {
				Instance i = new Instance();
				i.start();
				instance = i;
				// stopped after the last test class of this JVM
				context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(NfsServer.class.getName(), i);
			}
		}
	}

	/** The processes and folders of one server. */
	static final class Instance implements AutoCloseable {
		private final Path base;
		private final Path repo;
		private final Path rw;
		private final Path conf;
		private final Path log;
		private Process rpcbind;
		private Process ganesha;

		Instance() throws IOException {
			requirePrograms();
			requireOnlyLoopback();
			base = Files.createTempDirectory("mapfs-nfs-");
			repo = Files.createDirectories(base.resolve("repo"));
			rw = Files.createDirectories(base.resolve("rw"));
			Path recovery = Files.createDirectories(base.resolve("recovery"));
			conf = base.resolve("ganesha.conf");
			log = base.resolve("ganesha.log");
			// no Bind_Addr: ganesha resolves it with AI_ADDRCONFIG, which finds no address where only lo is up;
			// the namespace has no other interface to listen on anyway
			Files.writeString(conf, String.join("\n",
					"NFS_CORE_PARAM { NFS_Port = " + NFS_PORT + "; MNT_Port = " + MOUNT_PORT + "; Protocols = 3, 4;",
					"  Enable_NLM = false; Enable_RQUOTA = false; Enable_UDP = false; mount_path_pseudo = true; }",
					"NFSV4 { Graceless = true; Grace_Period = 0; RecoveryBackend = fs; RecoveryRoot = " + recovery
							+ "; Only_Numeric_Owners = true; }",
					export(1, repo, "/repo", "RO"), export(2, rw, "/rw", "RW"), ""));
		}

		/** An export whose attributes ganesha does not cache: the tests change the folders behind its back. */
		private static String export(int id, Path dir, String pseudo, String access) {
			return "EXPORT { Export_Id = " + id + "; Path = " + dir + "; Pseudo = " + pseudo
					+ "; Attr_Expiration_Time = 0; Protocols = 3, 4; Access_Type = " + access
					+ "; Squash = No_Root_Squash; SecType = sys; FSAL { Name = VFS; } }";
		}

		/** The folder behind the read-only export /repo. */
		Path repo() {
			return repo;
		}

		/** The folder behind the read-write export /rw. */
		Path rw() {
			return rw;
		}

		void start() throws IOException, InterruptedException {
			rpcbind = new ProcessBuilder(exe("rpcbind"), "-f").redirectErrorStream(true)
					.redirectOutput(base.resolve("rpcbind.log").toFile()).start();
			waitFor("portmapper", () -> run(exe("rpcinfo"), "-p", HOST) == 0);
			startGanesha();
		}

		private void startGanesha() throws IOException, InterruptedException {
			ganesha = new ProcessBuilder(exe("ganesha.nfsd"), "-F", "-f", conf.toString(), "-L", log.toString(), "-p",
					base.resolve("ganesha.pid").toString(), "-N", "NIV_EVENT").redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.appendTo(base.resolve("ganesha.out").toFile())).start();
			waitFor("ganesha", () -> run(exe("rpcinfo"), "-t", HOST, "100003", "3") == 0
					&& run(exe("rpcinfo"), "-t", HOST, "100005", "3") == 0);
		}

		/** Stops the NFS server (SIGTERM, as an administrator would); rpcbind keeps running. */
		void stop() throws InterruptedException {
			if (ganesha != null) {
				ganesha.destroy();
				if (!ganesha.waitFor(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
					ganesha.destroyForcibly().waitFor();
				}
				ganesha = null;
			}
		}

		/** Starts a stopped NFS server again, waiting until it answers. */
		void resume() throws IOException, InterruptedException {
			if (ganesha == null) {
				startGanesha();
			}
		}

		void restart() throws IOException, InterruptedException {
			stop();
			resume();
		}

		@Override
		public void close() throws InterruptedException {
			stop();
			if (rpcbind != null) {
				rpcbind.destroy();
				if (!rpcbind.waitFor(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
					rpcbind.destroyForcibly();
				}
			}
			deleteTree(base);
		}

		private interface Check {
			boolean ok() throws IOException, InterruptedException;
		}

		private void waitFor(String what, Check check) throws IOException, InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
			while (!check.ok()) {
				Process p = what.equals("ganesha") ? ganesha : rpcbind;
				if (!p.isAlive() || System.nanoTime() > deadline) {
					throw new IllegalStateException(what + " did not come up within " + START_TIMEOUT_MILLIS
							+ " ms (exit " + (p.isAlive() ? "none" : p.exitValue()) + "); ganesha log:\n"
							+ tail(log));
				}
				Thread.sleep(100);
			}
		}

		private static String tail(Path file) {
			try {
				List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
				return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
			} catch (IOException e) {
				return "(no log: " + e + ")";
			}
		}
	}

	private static void deleteTree(Path root) {
		try (Stream<Path> walk = Files.walk(root)) {
			for (Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
				Files.deleteIfExists(p);
			}
		} catch (IOException e) {
			throw new UncheckedIOException("cannot delete the NFS server's folder " + root, e);
		}
	}

	/** Runs a program; its exit code (output discarded). */
	static int run(String... command) throws IOException, InterruptedException {
		Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
		if (!p.waitFor(10, TimeUnit.SECONDS)) {
			p.destroyForcibly();
			return -1;
		}
		return p.exitValue();
	}

	/** Runs a program and returns its standard output; fails on a non-zero exit. */
	static byte[] output(String... command) throws IOException, InterruptedException {
		Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		byte[] out = p.getInputStream().readAllBytes();
		if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
			p.destroyForcibly();
			throw new IOException(String.join(" ", command) + " failed");
		}
		return out;
	}

	private static void requirePrograms() {
		List<String> missing = new ArrayList<>();
		for (String[] program : new String[][] { { "rpcbind", "rpcbind" }, { "rpcinfo", "rpcbind" },
				{ "ganesha.nfsd", "nfs-ganesha nfs-ganesha-vfs" }, { "nfs-cat", "libnfs-utils" },
				{ "nfs-ls", "libnfs-utils" }, { "unshare", "util-linux" }, { "ip", "iproute2" } }) {
			if (exe(program[0]) == null) {
				missing.add(program[0] + " (Debian package " + program[1] + ")");
			}
		}
		if (!Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/ganesha/libfsalvfs.so"))
				&& !Files.exists(Path.of("/usr/lib/ganesha/libfsalvfs.so"))) {
			missing.add("ganesha's VFS backend (Debian package nfs-ganesha-vfs)");
		}
		if (!missing.isEmpty()) {
			throw new IllegalStateException("the NFS tests need a real NFS server; missing: " + missing
					+ ". Install them: apt-get install nfs-ganesha nfs-ganesha-vfs rpcbind libnfs-utils");
		}
	}

	/** The program's file, searched on PATH and in the sbin folders (which a user's PATH may lack); or null. */
	static String exe(String program) {
		String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/sbin:/usr/bin";
		for (String dir : path.split(File.pathSeparator)) {
			if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
				return Path.of(dir, program).toString();
			}
		}
		return null;
	}

	/** The servers must not be reachable from elsewhere: the JVM has to run in its own network namespace. */
	private static void requireOnlyLoopback() throws IOException {
		List<String> others = new ArrayList<>();
		for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
			if (!ni.isLoopback()) {
				others.add(ni.getName());
			}
		}
		if (!others.isEmpty()) {
			throw new IllegalStateException("the test JVM sees network interfaces " + others
					+ ": it must run in a private network namespace (surefire's <jvm> src/test/netns/bin/java)");
		}
	}
}
