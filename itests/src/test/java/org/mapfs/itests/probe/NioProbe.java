package org.mapfs.itests.probe;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole code of a bundle that uses a MapFS mount through java.nio alone (NioIT builds that bundle): DS gives
 * it the mount's FileSystem service; it reads a repository file and writes what it saw into a new file.
 */
public class NioProbe {
	private FileSystem fs;

	public void bind(FileSystem fs) {
		this.fs = fs;
	}

	public void activate() throws IOException {
		Path motd = fs.getPath("/etc/motd");
		Files.writeString(fs.getPath("/probe.txt"),
				Files.readString(motd) + "placement " + Files.getAttribute(motd, "mapfs:placement") + "\n");
	}
}
