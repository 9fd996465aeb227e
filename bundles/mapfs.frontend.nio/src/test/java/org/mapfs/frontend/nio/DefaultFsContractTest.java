package org.mapfs.frontend.nio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the JDK's default provider: a plain folder holding a copy of the repository. */
class DefaultFsContractTest extends FileSystemContract {
	@TempDir
	Path tmp;
	private Path plain;

	@BeforeEach
	void copyRepository() throws IOException, InterruptedException {
		Path repo = Files.createDirectory(tmp.resolve("repo"));
		TestTree.create(repo);
		plain = Files.createDirectory(tmp.resolve("plain"));
		TestTree.copy(repo, plain);
	}

	@Override
	Path root() {
		return plain;
	}

	@Override
	boolean isMapFs() {
		return false;
	}
}
