package org.mapfs.policy.classic;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.mapfs.api.Caller;
import org.mapfs.api.DirEntry;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileData;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.XattrMode;
import org.mapfs.api.policy.Origin;
import org.mapfs.api.policy.OverlayPolicy;
import org.mapfs.api.store.Store;
import org.mapfs.api.store.WritableStore;

/**
 * The classic policy applied to one overlay. Whiteouts are 0/0 character devices, opaque directories carry
 * {@code overlay.opaque=y}, renamed repository directories {@code overlay.redirect}, files whose metadata alone
 * was copied up {@code overlay.metacopy}, all as the kernel's overlayfs writes them (mount it with
 * {@code redirect_dir=on,metacopy=on}); private copies are whole files, sparse where the repository file has zero
 * blocks.
 */
final class ClassicOverlay implements OverlayPolicy {
	static final byte[] OPAQUE = { 'y' };

	private final WritableStore overlay;
	private final String prefix;
	private final boolean metacopy;
	private final boolean durable;
	private final boolean oci;
	private final boolean xattrs;

	/**
	 * @param prefix the namespace of the marks: {@code trusted.overlay.} or {@code user.overlay.}
	 * @param oci true to keep whiteouts and opaque marks as names ({@link OciWhiteouts}), for an overlay store
	 *            without character devices or extended attributes: then there are no redirects nor metadata-only
	 *            copies either, both being attributes
	 * @param xattrs false if the overlay store keeps no extended attributes at all
	 */
	ClassicOverlay(WritableStore overlay, String prefix, boolean metacopy, boolean durable, boolean oci,
			boolean xattrs) {
		this.overlay = overlay;
		this.prefix = prefix;
		this.metacopy = metacopy && !oci;
		this.durable = durable;
		this.oci = oci;
		this.xattrs = xattrs;
	}

	@Override
	public boolean hasXattrs() {
		return xattrs;
	}

	@Override
	public WritableStore view(WritableStore store) {
		return oci ? new OciWhiteouts(store, prefix + "opaque") : store;
	}

	@Override
	public boolean canRedirect() {
		return !oci;
	}

	@Override
	public boolean isWhiteout(Store store, FsPath path, FileAttributes attrs) {
		return attrs.type() == FileType.CHAR_DEVICE && attrs.rdev() == 0;
	}

	@Override
	public boolean mayBeWhiteout(DirEntry entry) {
		return entry.type() == FileType.CHAR_DEVICE;
	}

	@Override
	public void writeWhiteout(WritableStore store, FsPath path) throws FsException {
		store.mknod(path, FileType.CHAR_DEVICE, 0, 0, Caller.PROCESS);
	}

	@Override
	public boolean isOpaque(Store store, FsPath dir) throws FsException {
		return Arrays.equals(OPAQUE, xattr(store, dir, "opaque"));
	}

	/** One of the overlay's own extended attributes, or null if it is not set. */
	private byte[] xattr(Store store, FsPath path, String name) throws FsException {
		try {
			return store.getxattr(path, prefix + name);
		} catch (FsException e) {
			if (e.errno() == Errno.ENODATA || e.errno() == Errno.ENOTSUP) {
				return null;
			}
			throw e;
		}
	}

	@Override
	public String redirect(Store store, FsPath dir) throws FsException {
		byte[] value = xattr(store, dir, "redirect");
		return value == null ? null : new String(value, StandardCharsets.UTF_8);
	}

	@Override
	public void setRedirect(WritableStore store, FsPath dir, String redirect) throws FsException {
		store.setxattr(dir, prefix + "redirect", redirect.getBytes(StandardCharsets.UTF_8), XattrMode.SET);
	}

	@Override
	public boolean isMetacopy(Store store, FsPath path) throws FsException {
		return xattr(store, path, "metacopy") != null;
	}

	@Override
	public void markMetacopy(WritableStore store, FsPath path) throws FsException {
		store.setxattr(path, prefix + "metacopy", new byte[0], XattrMode.SET);
	}

	@Override
	public void markOpaque(WritableStore store, FsPath dir) throws FsException {
		store.setxattr(dir, prefix + "opaque", OPAQUE, XattrMode.SET);
	}

	@Override
	public boolean isInternalXattr(String name) {
		return name.startsWith("trusted.overlay.") || name.startsWith("user.overlay.");
	}

	@Override
	public boolean isMetadataOnlyCopyUp() {
		return metacopy;
	}

	@Override
	public void copyUp(Origin origin, FileAttributes attrs, FileData out) throws FsException {
		try (FileData in = origin.store().open(origin.path())) {
			copyUp(origin, in, attrs, out);
		}
	}

	@Override
	public void copyUp(Origin origin, FileData source, FileAttributes attrs, FileData out) throws FsException {
		out.copyFrom(source);
		// the data is durable before the copy is published
		if (durable) {
			out.sync(false);
		}
	}

	@Override
	public FileData open(FsPath path, Origin origin, boolean writable) throws FsException {
		return writable ? overlay.openWritable(path) : overlay.open(path);
	}

	/** The copy's data is the overlay file's own, as {@link #open} would give it: kept, not opened again. */
	@Override
	public FileData published(FileData staged, FsPath path, Origin origin) {
		return staged;
	}

	@Override
	public String toString() {
		return ClassicPolicy.NAME + (oci ? " (OCI whiteouts)" : " (" + prefix + "*)");
	}
}
