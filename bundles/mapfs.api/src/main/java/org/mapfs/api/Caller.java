package org.mapfs.api;

/** Who asks for an operation: new files belong to this user and group where the store may set owners. */
public record Caller(int uid, int gid) {
	/** The user the MapFS process itself runs as, for callers that have no other (tools, tests). */
	public static final Caller PROCESS = new Caller(-1, -1);

	/** True for {@link #PROCESS}: keep the owner the store gives by default. */
	public boolean isProcess() {
		return uid < 0 && gid < 0;
	}
}
