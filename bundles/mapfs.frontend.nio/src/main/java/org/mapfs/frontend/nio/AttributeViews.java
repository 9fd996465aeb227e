package org.mapfs.frontend.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.mapfs.api.Entry;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.Placement;

/**
 * Attributes by name ({@code Files.getAttribute}, {@code readAttributes(path, "view:a,b")}, {@code setAttribute}):
 * the JDK's Linux views basic, posix, owner, unix and user, with the JDK's names and types, and MapFS's own
 * {@code mapfs} view (read-only):
 * <ul>
 * <li>{@code mapfs:layer} (String) the layer that serves the entry, null if the mount does not say;</li>
 * <li>{@code mapfs:placement} (String) a {@link Placement} name: REPOSITORY, METADATA_COPY, OVERLAY, UNKNOWN;</li>
 * <li>{@code mapfs:copiedUp} (Boolean) the overlay holds the entry or its metadata (copied up, or made by the
 * client);</li>
 * <li>{@code mapfs:metadataOnly} (Boolean) only the metadata is private, the data is still the repository's.</li>
 * </ul>
 */
final class AttributeViews {
	static final Set<String> NAMES = Set.of("basic", "posix", "owner", "unix", "user", "mapfs");
	private static final List<String> BASIC = List.of("lastModifiedTime", "lastAccessTime", "creationTime", "size",
			"isRegularFile", "isDirectory", "isSymbolicLink", "isOther", "fileKey");
	private static final List<String> POSIX = concat(BASIC, List.of("permissions", "owner", "group"));
	private static final List<String> UNIX = concat(POSIX,
			List.of("mode", "ino", "dev", "rdev", "nlink", "uid", "gid", "ctime"));
	private static final List<String> OWNER = List.of("owner");
	private static final List<String> MAPFS = List.of("layer", "placement", "copiedUp", "metadataOnly");

	private AttributeViews() {
	}

	private static List<String> concat(List<String> a, List<String> b) {
		return Stream.concat(a.stream(), b.stream()).toList();
	}

	/** The view of this type, or null if there is none (as the JDK answers). */
	static <V extends FileAttributeView> V view(MapFsPath path, Class<V> type, boolean follow) {
		FileAttributeView v;
		if (type == BasicFileAttributeView.class) {
			v = new PosixView(path, follow, "basic");
		} else if (type == PosixFileAttributeView.class) {
			v = new PosixView(path, follow, "posix");
		} else if (type == FileOwnerAttributeView.class) {
			v = new PosixView(path, follow, "owner");
		} else if (type == UserDefinedFileAttributeView.class) {
			v = new UserView(path, follow);
		} else {
			return null;
		}
		return type.cast(v);
	}

	static boolean supports(Class<? extends FileAttributeView> type) {
		return type == BasicFileAttributeView.class || type == PosixFileAttributeView.class
				|| type == FileOwnerAttributeView.class || type == UserDefinedFileAttributeView.class;
	}

	/** {@code [view:]name} split; the view is "basic" when not given. */
	private record Name(String view, String rest) {
		static Name of(String attribute) {
			int colon = attribute.indexOf(':');
			return colon < 0 ? new Name("basic", attribute)
					: new Name(attribute.substring(0, colon), attribute.substring(colon + 1));
		}
	}

	private static List<String> names(String view) {
		return switch (view) {
			case "basic" -> BASIC;
			case "posix" -> POSIX;
			case "unix" -> UNIX;
			case "owner" -> OWNER;
			case "mapfs" -> MAPFS;
			default -> throw new UnsupportedOperationException("View '" + view + "' not available");
		};
	}

	static Map<String, Object> read(MapFsPath path, String attributes, boolean follow) throws IOException {
		Name n = Name.of(attributes);
		Map<String, Object> out = new LinkedHashMap<>();
		if (n.view().equals("user")) {
			UserView user = new UserView(path, follow);
			List<String> wanted = n.rest().equals("*") ? user.list() : List.of(n.rest().split(","));
			for (String w : wanted) {
				out.put(w, user.get(w));
			}
			return out;
		}
		List<String> known = names(n.view());
		List<String> wanted = List.of(n.rest().split(","));
		for (String w : wanted) {
			if (!w.equals("*") && !known.contains(w)) {
				throw new IllegalArgumentException("'" + w + "' not recognized");
			}
		}
		List<String> asked = wanted.contains("*") ? known : wanted;
		MapFsFileSystem fs = path.getFileSystem();
		Entry entry = n.view().equals("mapfs") ? fs.lookup(path, follow) : null;
		MapFsFileAttributes attrs = new MapFsFileAttributes(
				entry != null ? entry.attributes() : fs.stat(path, follow));
		for (String a : asked) {
			out.put(a, entry != null ? mapfs(entry, a) : value(attrs, a));
		}
		return out;
	}

	private static Object value(MapFsFileAttributes attrs, String name) {
		FileAttributes raw = attrs.raw();
		return switch (name) {
			case "lastModifiedTime" -> attrs.lastModifiedTime();
			case "lastAccessTime" -> attrs.lastAccessTime();
			case "creationTime" -> attrs.creationTime();
			case "size" -> attrs.size();
			case "isRegularFile" -> attrs.isRegularFile();
			case "isDirectory" -> attrs.isDirectory();
			case "isSymbolicLink" -> attrs.isSymbolicLink();
			case "isOther" -> attrs.isOther();
			case "fileKey" -> attrs.fileKey();
			case "permissions" -> attrs.permissions();
			case "owner" -> attrs.owner();
			case "group" -> attrs.group();
			case "mode" -> raw.stMode();
			case "ino" -> raw.ino();
			case "dev" -> raw.dev();
			case "rdev" -> raw.rdev();
			case "nlink" -> (int) raw.nlink();
			case "uid" -> raw.uid();
			case "gid" -> raw.gid();
			case "ctime" -> attrs.changeTime();
			default -> throw new IllegalArgumentException("'" + name + "' not recognized");
		};
	}

	private static Object mapfs(Entry entry, String name) {
		Placement p = entry.placement();
		return switch (name) {
			case "layer" -> entry.layer();
			case "placement" -> p.name();
			case "copiedUp" -> p == Placement.OVERLAY || p == Placement.METADATA_COPY;
			case "metadataOnly" -> p == Placement.METADATA_COPY;
			default -> throw new IllegalArgumentException("'" + name + "' not recognized");
		};
	}

	@SuppressWarnings("unchecked")
	static void set(MapFsPath path, String attribute, Object value, boolean follow) throws IOException {
		Name n = Name.of(attribute);
		if (n.view().equals("user")) {
			ByteBuffer src = value instanceof byte[] b ? ByteBuffer.wrap(b) : (ByteBuffer) value;
			new UserView(path, follow).write(n.rest(), src);
			return;
		}
		if (!names(n.view()).contains(n.rest()) || n.view().equals("mapfs")) {
			throw new IllegalArgumentException("'" + attribute + "' not recognized");
		}
		PosixView view = new PosixView(path, follow, n.view());
		switch (n.rest()) {
			case "lastModifiedTime" -> view.setTimes((FileTime) value, null, null);
			case "lastAccessTime" -> view.setTimes(null, (FileTime) value, null);
			case "creationTime" -> view.setTimes(null, null, (FileTime) value);
			case "permissions" -> view.setPermissions((Set<PosixFilePermission>) value);
			case "owner" -> view.setOwner((UserPrincipal) value);
			case "group" -> view.setGroup((GroupPrincipal) value);
			case "mode" -> view.setMode((Integer) value);
			case "uid" -> view.setIds((Integer) value, -1);
			case "gid" -> view.setIds(-1, (Integer) value);
			default -> throw new IllegalArgumentException("'" + attribute + "' not recognized");
		}
	}
}
