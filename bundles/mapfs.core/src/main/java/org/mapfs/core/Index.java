package org.mapfs.core;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.HexFormat;
import java.util.List;

import org.mapfs.api.Caller;
import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.XattrMode;
import org.mapfs.api.store.Store;
import org.mapfs.api.store.WritableStore;

/**
 * The overlay's index of hard-linked repository files (overlayfs's index=on). A repository regular file with more
 * than one name is copied up once, to an entry of the index directory in the overlay's work area named after its
 * origin (the store, device, inode number and mtime of the repository file); every name of it in the overlay is a
 * hard link to that entry, and a name the overlay does not hold yet is served by the entry too. So a change
 * through any name shows through every name, and the file keeps its inode number.
 * <p>
 * The link count the mount reports for an indexed file is kept on its inode, as overlayfs keeps its nlink
 * attribute: the repository's count at the copy-up, then one more or one less for every name linked, unlinked or
 * replaced through the mount; the entry goes with the last name. A name of a hard-linked repository file that
 * goes is copied up first for that count (overlayfs's ovl_nlink_start). Lookups pay only for repository files
 * with more than one name (one stat in the index). Callers hold the mount's namespace lock.
 */
final class Index {
	/** The index directory in the work area, kept when the work area is emptied at mount. */
	static final String DIR = "mapfs-index";
	/** The attribute on an indexed inode: its link count and its entry's name, "nlink key". */
	static final String XATTR = "index";

	private final LayerMap map;
	private final String xattr;

	Index(LayerMap map, Identity identity) {
		this.map = map;
		this.xattr = identity.xattr(XATTR);
	}

	/** What the inode of an indexed file records: how many names the mount shows, and its entry's name. */
	record Links(long nlink, String key) {
	}

	/**
	 * True for a repository regular file with more than one name while there is an overlay: its copy-up goes to
	 * the index.
	 */
	boolean isLinked(Node node) {
		Layer.Branch b = node.top();
		return map.overlay() != null && !b.layer().writable && !b.synthetic() && b.attrs().isRegularFile()
				&& b.attrs().nlink() > 1;
	}

	/** What a lookup serves for {@code node}: the index entry of a hard-linked repository file that has one. */
	Node served(Node node) throws FsException {
		if (!isLinked(node)) {
			return node;
		}
		WritableStore work = map.overlayStore().work();
		FsPath entry = entry(key(node.top()));
		FileAttributes attrs;
		try {
			attrs = work.stat(entry);
		} catch (FsException e) {
			if (e.errno() == Errno.ENOENT) {
				return node;
			}
			throw e;
		}
		return new Node(node.path(), List.of(new Layer.Branch(Layer.indexArea(work), entry, attrs, false)), false);
	}

	/**
	 * Makes the complete copy of {@code node} staged at {@code staged} in the work area its index entry, counting
	 * the repository's names; the copy is published at the name afterwards.
	 */
	void add(Node node, WritableStore work, FsPath staged) throws FsException {
		String key = key(node.top());
		try {
			write(work, staged, new Links(node.storeAttrs().nlink(), key));
		} catch (FsException e) {
			if (e.errno() != Errno.ENOTSUP) {
				throw e;
			}
			return; // an overlay without extended attributes keeps no count: each name is copied up on its own
		}
		try {
			work.mkdir(dir(), 0700, Caller.PROCESS);
		} catch (FsException e) {
			if (e.errno() != Errno.EEXIST) {
				throw e;
			}
		}
		work.link(staged, entry(key));
	}

	/**
	 * The names of an indexed file (through a name of the overlay or the index), or null for any other file. A name
	 * of the overlay whose entry a revert dropped is an ordinary file again.
	 */
	Links links(Node node) throws FsException {
		FileAttributes a = node.storeAttrs();
		if (!a.isRegularFile() || !node.isIndexed() && !(node.isUpper() && a.nlink() > 1)) {
			return null;
		}
		Links links = read(node.top().layer().store, node.top().storePath());
		return links == null || node.isIndexed() || isEntry(links, a) ? links : null;
	}

	private boolean isEntry(Links links, FileAttributes upper) throws FsException {
		try {
			FileAttributes entry = map.overlayStore().work().stat(entry(links.key()));
			return entry.ino() == upper.ino() && entry.dev() == upper.dev();
		} catch (FsException e) {
			if (e.errno() == Errno.ENOENT) {
				return false;
			}
			throw e;
		}
	}

	private Links read(Store store, FsPath path) throws FsException {
		byte[] value;
		try {
			value = store.getxattr(path, xattr);
		} catch (FsException e) {
			if (e.errno() == Errno.ENODATA || e.errno() == Errno.ENOTSUP) {
				return null;
			}
			throw e;
		}
		String text = new String(value, UTF_8);
		try {
			int space = text.indexOf(' ');
			return new Links(Long.parseLong(text.substring(0, space)), text.substring(space + 1));
		} catch (RuntimeException e) {
			throw new FsException(Errno.EIO, path, "bad " + xattr + ": " + text);
		}
	}

	private void write(WritableStore store, FsPath path, Links links) throws FsException {
		store.setxattr(path, xattr, (links.nlink() + " " + links.key()).getBytes(UTF_8), XattrMode.SET);
	}

	/** A new name of the file was linked. */
	void linked(Links links) throws FsException {
		write(map.overlayStore().work(), entry(links.key()), new Links(links.nlink() + 1, links.key()));
	}

	/** A name of the file went; with the last one the entry goes. */
	void unlinked(Links links) throws FsException {
		WritableStore work = map.overlayStore().work();
		FsPath entry = entry(links.key());
		if (links.nlink() > 1) {
			write(work, entry, new Links(links.nlink() - 1, links.key()));
		} else {
			work.unlink(entry);
		}
	}

	/**
	 * A file of the overlay that a revert removes: if it is indexed its entry goes too, so that every repository
	 * name of it that the overlay does not hold shows the repository's version again.
	 */
	void reverted(WritableStore overlay, FsPath path, FileAttributes attrs) throws FsException {
		Links links = attrs.isRegularFile() && attrs.nlink() > 1 ? read(overlay, path) : null;
		if (links != null) {
			CopyUp.remove(map.overlayStore().work(), entry(links.key()));
		}
	}

	/** Empties the index: a revert of the whole overlay shows the repository's version of every file again. */
	void clear() throws FsException {
		CopyUp.remove(map.overlayStore().work(), dir());
	}

	private static FsPath dir() throws FsException {
		return FsPath.ROOT.resolve(DIR);
	}

	/** The path in the work area of an index entry. */
	private static FsPath entry(String key) throws FsException {
		return dir().resolve(key);
	}

	/** The name of the index entry of a repository file. */
	private static String key(Layer.Branch origin) {
		FileAttributes a = origin.attrs();
		return HexFormat.of().formatHex(origin.layer().store.id().getBytes(UTF_8)) + "-" + Long.toHexString(a.dev())
				+ "-" + Long.toHexString(a.ino()) + "-" + Long.toHexString(a.mtimeNs());
	}
}
