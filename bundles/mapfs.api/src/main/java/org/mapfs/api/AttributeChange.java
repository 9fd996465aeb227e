package org.mapfs.api;

/**
 * A setattr request: each field that is null stays as it is (like {@code -1} for chown and
 * {@code UTIME_OMIT} for utimensat); a time of {@link #NOW} is the store's current time ({@code UTIME_NOW}).
 * The size is changed with truncate, not here.
 */
public record AttributeChange(Integer mode, Integer uid, Integer gid, Long atimeNs, Long mtimeNs) {
	/** A time that the store sets to its current time, as utimensat's {@code UTIME_NOW}. */
	public static final long NOW = Long.MIN_VALUE;

	public static AttributeChange mode(int mode) {
		return new AttributeChange(mode & FileAttributes.PERMISSION_BITS, null, null, null, null);
	}

	/** chown; a negative id leaves that id as it is. */
	public static AttributeChange owner(int uid, int gid) {
		return new AttributeChange(null, uid < 0 ? null : uid, gid < 0 ? null : gid, null, null);
	}

	/** utimens; a null time is omitted. */
	public static AttributeChange times(Long atimeNs, Long mtimeNs) {
		return new AttributeChange(null, null, null, atimeNs, mtimeNs);
	}

	/** The change as a whole, for copying all of a file's metadata at once (copy-up). */
	public static AttributeChange of(FileAttributes attrs) {
		return new AttributeChange(attrs.mode(), attrs.uid(), attrs.gid(), attrs.atimeNs(), attrs.mtimeNs());
	}

	public boolean changesOwner() {
		return uid != null || gid != null;
	}

	public boolean changesTimes() {
		return atimeNs != null || mtimeNs != null;
	}

	public boolean isEmpty() {
		return mode == null && !changesOwner() && !changesTimes();
	}
}
