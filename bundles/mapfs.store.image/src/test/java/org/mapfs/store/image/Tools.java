package org.mapfs.store.image;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real tools (mke2fs, debugfs, e2fsck, sfdisk, dasdinit ...) the tests check the reader against. */
final class Tools {
	private static final long TIMEOUT_SECONDS = 60;

	private Tools() {
	}

	/** The Debian package of each tool that is not in a minimal system. */
	private static final Map<String, String> PACKAGES = Map.ofEntries(Map.entry("mke2fs", "e2fsprogs"),
			Map.entry("e2fsck", "e2fsprogs"), Map.entry("debugfs", "e2fsprogs"), Map.entry("dumpe2fs", "e2fsprogs"),
			Map.entry("dasdinit", "hercules"), Map.entry("dasdcopy", "hercules"), Map.entry("dasdls", "hercules"),
			Map.entry("cckdcdsk", "hercules"), Map.entry("sfdisk", "fdisk"), Map.entry("sgdisk", "gdisk"),
			Map.entry("setfacl", "acl"), Map.entry("setfattr", "attr"), Map.entry("getfattr", "attr"),
			Map.entry("bzip2", "bzip2"));

	/** Runs a command; fails the test unless it exits with one of {@code okCodes} (0 if none given). */
	static String run(List<String> command, int... okCodes) throws IOException, InterruptedException {
		Process p;
		try {
			p = new ProcessBuilder(command).redirectErrorStream(true).start();
		} catch (IOException e) {
			String tool = command.get(0);
			throw new IOException(tool + " is missing" + (PACKAGES.containsKey(tool)
					? ": install the Debian package " + PACKAGES.get(tool) : ""), e);
		}
		p.getOutputStream().close();
		byte[] out = p.getInputStream().readAllBytes();
		if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
			p.destroyForcibly();
			fail("timed out: " + command);
		}
		int code = p.exitValue();
		int[] ok = okCodes.length == 0 ? new int[] { 0 } : okCodes;
		String text = new String(out, StandardCharsets.UTF_8);
		if (Arrays.stream(ok).noneMatch(c -> c == code)) {
			fail(command + " exited " + code + ":\n" + text);
		}
		return text;
	}

	static String run(String... command) throws IOException, InterruptedException {
		return run(List.of(command));
	}
}
