package org.mapfs.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class MountRequestTest {
	@Test
	void parsesEveryOptionWithLayersInOrder() throws Exception {
		MountRequest r = MountRequest.parse(List.of("demo", "--overlay", "private:/u", "--layer", "site:/etc@/etc",
				"--layer", "golden", "--policy", "block", "--option", "metacopy=true", "--fuse", "/mnt/demo",
				"--json"));
		assertEquals(new MountRequest("demo", "private:/u", List.of("site:/etc@/etc", "golden"), "block",
				List.of("metacopy=true"), "/mnt/demo", true), r);
	}

	@Test
	void defaultsAreAReadOnlyClassicMountWithoutFuse() throws Exception {
		assertEquals(new MountRequest("ro", "", List.of("golden"), "classic", List.of(), null, false),
				MountRequest.parse(List.of("--layer", "golden", "ro")));
	}

	@Test
	void refusesWhatTheEngineWouldFailOn() {
		assertMessage("no mount name", List.of("--layer", "golden"));
		assertMessage("mount 'x' has no --layer", List.of("x", "--overlay", "private"));
		assertMessage("--layer needs a value", List.of("x", "--layer"));
		assertMessage("unexpected '--bogus'", List.of("x", "--bogus"));
		assertMessage("unexpected 'y'", List.of("x", "y"));
		assertMessage("EINVAL: layer '@/etc': '' is not a store id", List.of("x", "--layer", "@/etc"));
		assertMessage("EINVAL: layer 'golden:/a/../b': ", List.of("x", "--layer", "golden:/a/../b"));
		assertMessage("the overlay 'private@/etc' is the top of the whole mount", List.of("x", "--layer", "golden",
				"--overlay", "private@/etc"));
		assertMessage("policy option 'metacopy' is not KEY=VALUE",
				List.of("x", "--layer", "golden", "--option", "metacopy"));
		assertMessage("the FUSE mount point 'mnt' is not an absolute path",
				List.of("x", "--layer", "golden", "--fuse", "mnt"));
	}

	private static void assertMessage(String start, List<String> args) {
		String message = assertThrows(CommandException.class, () -> MountRequest.parse(args)).getMessage();
		assertTrue(message.startsWith(start), message);
	}
}
