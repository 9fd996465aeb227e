package org.mapfs.api.admin;

import java.util.List;
import java.util.Optional;

import org.mapfs.api.Entry;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * The mounts of a runtime, as configured, with their states; and the operator's view into an active mount's
 * overlay. One service, registered by the engine. Operations on a mount that is not ACTIVE fail with ENOENT
 * (unknown name) or EAGAIN (not active), with the state in the message.
 */
public interface Mounts {
	/** Every configured mount, by name. */
	List<MountState> list();

	Optional<MountState> get(String name);

	/** The layer that serves {@code path}, and whether it is the repository's, a metadata-only copy or private. */
	Entry which(String mount, FsPath path) throws FsException;

	/** What the client changed at and below {@code path} ({@link FsPath#ROOT} for all), in path order. */
	List<Change> diff(String mount, FsPath path) throws FsException;

	/**
	 * Drops the private copy, whiteout or redirect at {@code path} so that the repository version shows again
	 * (or nothing, for an added entry). A directory with changes below it needs {@code recursive}; otherwise
	 * ENOTEMPTY. Front-ends are told, so their caches show the repository version at once.
	 *
	 * @return the changes undone
	 */
	List<Change> revert(String mount, FsPath path, boolean recursive) throws FsException;

	MountStats stats(String mount) throws FsException;
}
