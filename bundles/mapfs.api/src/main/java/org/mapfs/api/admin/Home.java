package org.mapfs.api.admin;

import java.nio.file.Path;

/**
 * The MapFS home: the folder a site's relative paths (store folders, images, mount points) start at, so a site can
 * be moved with its data. A runtime names it in the framework property {@value #PROPERTY}.
 */
public final class Home {
	/** The framework property that names the home. */
	public static final String PROPERTY = "mapfs.home";

	private Home() {
	}

	/** {@code path} as a site means it: as it is if absolute, else under {@code home} (the working folder if null). */
	public static Path resolve(String home, String path) {
		Path p = Path.of(path);
		return p.isAbsolute() || home == null ? p.toAbsolutePath() : Path.of(home).resolve(p);
	}
}
