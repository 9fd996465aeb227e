package org.mapfs.api.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class HomeTest {
	@Test
	void relativePathsAreRelativeToTheMapFsHome() {
		assertEquals(Path.of("/srv/mapfs/mnt/demo"), Home.resolve("/srv/mapfs", "mnt/demo"));
		assertEquals(Path.of("/mnt/demo"), Home.resolve("/srv/mapfs", "/mnt/demo"));
		assertEquals(Path.of("mnt/demo").toAbsolutePath(), Home.resolve(null, "mnt/demo"));
	}
}
