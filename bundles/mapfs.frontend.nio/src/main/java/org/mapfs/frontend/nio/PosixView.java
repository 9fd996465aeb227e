package org.mapfs.frontend.nio;

import java.io.IOException;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

import org.mapfs.api.AttributeChange;

/**
 * The basic, posix and owner views of a file (one class, as the JDK's: posix extends the other two). Nothing is
 * read when the view is made; a missing file fails at the first call.
 */
final class PosixView implements PosixFileAttributeView {
	private final MapFsPath path;
	private final boolean follow;
	private final String name;

	PosixView(MapFsPath path, boolean follow, String name) {
		this.path = path;
		this.follow = follow;
		this.name = name;
	}

	@Override
	public String name() {
		return name;
	}

	@Override
	public MapFsFileAttributes readAttributes() throws IOException {
		return new MapFsFileAttributes(path.getFileSystem().stat(path, follow));
	}

	/** Omitted times stay as they are; there is no creation time to set (it is ignored, as on the JDK). */
	@Override
	public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime) throws IOException {
		if (lastModifiedTime == null && lastAccessTime == null) {
			return;
		}
		setattr(AttributeChange.times(lastAccessTime == null ? null : MapFsFileAttributes.nanos(lastAccessTime),
				lastModifiedTime == null ? null : MapFsFileAttributes.nanos(lastModifiedTime)));
	}

	/** chmod, which clears setuid, setgid and sticky as the JDK's does. */
	@Override
	public void setPermissions(Set<PosixFilePermission> perms) throws IOException {
		setMode(MapFsFileAttributes.mode(perms));
	}

	void setMode(int mode) throws IOException {
		setattr(AttributeChange.mode(mode));
	}

	@Override
	public void setOwner(UserPrincipal owner) throws IOException {
		setIds(Principals.LOOKUP.uid(owner), -1);
	}

	@Override
	public void setGroup(GroupPrincipal group) throws IOException {
		setIds(-1, Principals.LOOKUP.gid(group));
	}

	@Override
	public UserPrincipal getOwner() throws IOException {
		return readAttributes().owner();
	}

	void setIds(int uid, int gid) throws IOException {
		setattr(AttributeChange.owner(uid, gid));
	}

	private void setattr(AttributeChange change) throws IOException {
		MapFsFileSystem fs = path.getFileSystem();
		fs.change(path, follow, p -> {
			fs.mount().setattr(p, change);
			return null;
		});
	}
}
