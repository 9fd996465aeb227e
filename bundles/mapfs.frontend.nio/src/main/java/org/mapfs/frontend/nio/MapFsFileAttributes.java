package org.mapfs.frontend.nio;

import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileType;

/** What readAttributes returns for the basic and posix views: a mount's lstat (or stat) as java.nio sees it. */
final class MapFsFileAttributes implements PosixFileAttributes {
	private static final PosixFilePermission[] BITS = { PosixFilePermission.OTHERS_EXECUTE,
			PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
			PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE,
			PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ };
	private final FileAttributes attrs;

	MapFsFileAttributes(FileAttributes attrs) {
		this.attrs = attrs;
	}

	FileAttributes raw() {
		return attrs;
	}

	static FileTime time(long ns) {
		return FileTime.from(ns, TimeUnit.NANOSECONDS);
	}

	static long nanos(FileTime t) {
		return t == null ? -1 : t.to(TimeUnit.NANOSECONDS);
	}

	static Set<PosixFilePermission> permissions(int mode) {
		Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
		for (int i = 0; i < BITS.length; i++) {
			if ((mode & (1 << i)) != 0) {
				set.add(BITS[i]);
			}
		}
		return set;
	}

	static int mode(Set<PosixFilePermission> permissions) {
		int mode = 0;
		for (int i = 0; i < BITS.length; i++) {
			if (permissions.contains(BITS[i])) {
				mode |= 1 << i;
			}
		}
		return mode;
	}

	@Override
	public FileTime lastModifiedTime() {
		return time(attrs.mtimeNs());
	}

	@Override
	public FileTime lastAccessTime() {
		return time(attrs.atimeNs());
	}

	/** No birth time is kept: the modification time, as the JDK reports on Linux. */
	@Override
	public FileTime creationTime() {
		return lastModifiedTime();
	}

	FileTime changeTime() {
		return time(attrs.ctimeNs());
	}

	@Override
	public boolean isRegularFile() {
		return attrs.isRegularFile();
	}

	@Override
	public boolean isDirectory() {
		return attrs.isDirectory();
	}

	@Override
	public boolean isSymbolicLink() {
		return attrs.isSymlink();
	}

	@Override
	public boolean isOther() {
		FileType t = attrs.type();
		return t != FileType.REGULAR && t != FileType.DIRECTORY && t != FileType.SYMLINK;
	}

	@Override
	public long size() {
		return attrs.size();
	}

	@Override
	public Object fileKey() {
		return new FileKey(attrs.dev(), attrs.ino());
	}

	@Override
	public UserPrincipal owner() {
		return Principals.LOOKUP.user(attrs.uid());
	}

	@Override
	public GroupPrincipal group() {
		return Principals.LOOKUP.group(attrs.gid());
	}

	@Override
	public Set<PosixFilePermission> permissions() {
		return permissions(attrs.mode());
	}
}
