package org.mapfs.frontend.fuse;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * The kernel's node ids and the mount paths they stand for. There is one node per file (per st_ino and type), so
 * the names of hard links share one kernel inode and its link count, as on any file system. A node knows its names
 * as (parent node, name) links; its path is found by walking up them, so renaming a directory moves everything
 * below it at once. The kernel counts its references with lookups and gives them back with FORGET; a node lives
 * until then, even without a name (a file unlinked while open).
 */
final class InodeTable {
	static final class Inode {
		final long nodeId;
		final long ino;
		final FileType type;
		private long lookups;
		private final List<Link> names = new ArrayList<>(1);

		private Inode(long nodeId, long ino, FileType type) {
			this.nodeId = nodeId;
			this.ino = ino;
			this.type = type;
		}
	}

	private record Link(Inode parent, String name) {
	}

	private record Key(long parent, String name) {
	}

	private final Map<Long, Inode> byNodeId = new HashMap<>();
	private final Map<Long, Inode> byIno = new HashMap<>();
	private final Map<Key, Inode> children = new HashMap<>();
	private final Inode root;
	private long nextNodeId = FuseKernel.ROOT_ID + 1;

	InodeTable(long rootIno) {
		root = new Inode(FuseKernel.ROOT_ID, rootIno, FileType.DIRECTORY);
		byNodeId.put(root.nodeId, root);
	}

	/** The mount path of a node: ESTALE for a node the kernel forgot, ENOENT for one without a name left. */
	synchronized FsPath path(long nodeId) throws FsException {
		return pathOf(inode(nodeId));
	}

	/** The path of {@code name} in the directory {@code parentId}; ENAMETOOLONG and EINVAL for bad names. */
	synchronized FsPath child(long parentId, String name) throws FsException {
		return pathOf(inode(parentId)).resolve(name);
	}

	private Inode inode(long nodeId) throws FsException {
		Inode i = byNodeId.get(nodeId);
		if (i == null) {
			throw new FsException(Errno.ESTALE, "no node " + nodeId);
		}
		return i;
	}

	private FsPath pathOf(Inode inode) throws FsException {
		if (inode == root) {
			return FsPath.ROOT;
		}
		List<String> names = new ArrayList<>();
		for (Inode i = inode; i != root; ) {
			if (i.names.isEmpty()) {
				throw new FsException(Errno.ENOENT, "node " + inode.nodeId + " has no name left");
			}
			Link l = i.names.get(0);
			names.add(l.name);
			i = l.parent;
			if (names.size() > FsPath.PATH_MAX / 2) {
				throw new FsException(Errno.ELOOP, "node " + inode.nodeId + " is its own ancestor");
			}
		}
		Collections.reverse(names);
		return FsPath.of(names);
	}

	/**
	 * Counts one kernel reference to the file found at {@code name} in {@code parentId} and returns its node: the
	 * node of this file if the kernel already has one, else a new one. The name now leads to it alone.
	 */
	synchronized Inode found(long parentId, String name, FileAttributes attrs) throws FsException {
		Inode parent = inode(parentId);
		Inode node = byIno.get(attrs.ino());
		if (node == null || node.type != attrs.type() || node == root) {
			node = new Inode(nextNodeId++, attrs.ino(), attrs.type());
			byNodeId.put(node.nodeId, node);
			byIno.put(node.ino, node);
		}
		Key key = new Key(parentId, name);
		Inode before = children.put(key, node);
		if (before != node) {
			if (before != null) {
				before.names.remove(new Link(parent, name));
			}
			node.names.add(new Link(parent, name));
		}
		node.lookups++;
		return node;
	}

	/** The kernel dropped {@code n} references: a node with none left is gone. */
	synchronized void forget(long nodeId, long n) {
		Inode node = byNodeId.get(nodeId);
		if (node == null || node == root) {
			return;
		}
		node.lookups -= n;
		if (node.lookups > 0) {
			return;
		}
		byNodeId.remove(nodeId);
		byIno.remove(node.ino, node);
		for (Link l : node.names) {
			children.remove(new Key(l.parent.nodeId, l.name), node);
		}
		node.names.clear();
	}

	/** {@code name} in {@code parentId} is gone (unlink, rmdir). */
	synchronized void removed(long parentId, String name) {
		Inode node = children.remove(new Key(parentId, name));
		if (node != null) {
			node.names.removeIf(l -> l.parent.nodeId == parentId && l.name.equals(name));
		}
	}

	/** A rename: the target name (if any) is gone and the source's node has the target name instead. */
	synchronized void renamed(long fromParent, String fromName, long toParent, String toName) {
		removed(toParent, toName);
		Inode node = children.remove(new Key(fromParent, fromName));
		Inode newParent = byNodeId.get(toParent);
		if (node == null || newParent == null) {
			return;
		}
		node.names.removeIf(l -> l.parent.nodeId == fromParent && l.name.equals(fromName));
		node.names.add(new Link(newParent, toName));
		children.put(new Key(toParent, toName), node);
	}

	/** A name the kernel knows: {@code name} in the directory {@code parent}, leading to {@code node}. */
	record Name(long parent, String name, long node) {
	}

	/** Every name the kernel knows. */
	synchronized List<Name> names() {
		List<Name> all = new ArrayList<>(children.size());
		children.forEach((k, node) -> all.add(new Name(k.parent(), k.name(), node.nodeId)));
		return all;
	}

	/** The names the kernel knows along {@code path}, from the top; shorter than the path where it stops knowing. */
	synchronized List<Name> along(FsPath path) {
		List<Name> found = new ArrayList<>();
		Inode dir = root;
		for (String name : path.names()) {
			Inode next = children.get(new Key(dir.nodeId, name));
			if (next == null) {
				break;
			}
			found.add(new Name(dir.nodeId, name, next.nodeId));
			dir = next;
		}
		return found;
	}
}
