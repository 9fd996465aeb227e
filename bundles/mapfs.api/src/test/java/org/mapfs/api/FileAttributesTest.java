package org.mapfs.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FileAttributesTest {
	private static FileAttributes file(int mode) {
		return new FileAttributes(FileType.REGULAR, mode, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0);
	}

	/** setuid always goes; setgid only with group execution (without it, it marks mandatory locking). */
	@Test
	void anUnprivilegedChangeDropsSetuidAndSetgidWithGroupExecution() {
		assertEquals(0755, file(04755).unprivilegedMode());
		assertEquals(0755, file(06755).unprivilegedMode());
		assertEquals(02644, file(02644).unprivilegedMode());
		assertEquals(0777, file(06777).unprivilegedMode());
		assertEquals(01777, file(01777).unprivilegedMode(), "the sticky bit stays");
		assertEquals(0644, file(0644).unprivilegedMode());
	}
}
