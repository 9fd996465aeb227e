package org.mapfs.store.image;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.mapfs.api.Errno;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.StatFs;

/**
 * An ext2/ext3/ext4 file system on a block device, read-only: inodes, their block maps, directories, xattrs,
 * inline data and symlink targets. The cache budget is shared: half for metadata blocks, a quarter each for
 * inodes and directories. Thread-safe.
 */
final class ExtFileSystem {
	static final long ROOT = 2;
	private static final int DIR_ENTRY_COST = 96;

	private final BlockDevice device;
	private final Superblock sb;
	private final BlockCache blocks;
	private final Checksums checksums;
	private final InodeTable inodes;
	private final Xattrs xattrs;
	private final LruCache<Long, Map<String, Directory.Entry>> directories;

	private ExtFileSystem(BlockDevice device, Superblock sb, long budget) {
		this.device = device;
		this.sb = sb;
		this.blocks = new BlockCache(device, sb, budget / 2);
		this.checksums = new Checksums(sb);
		this.inodes = new InodeTable(sb, blocks, new GroupDescriptors(sb, blocks), checksums, budget / 4);
		this.xattrs = new Xattrs(blocks, checksums, this::valueInode);
		this.directories = new LruCache<>(budget / 4, d -> d.keySet().stream()
				.mapToLong(name -> DIR_ENTRY_COST + 2L * name.length()).sum());
	}

	/**
	 * Opens the file system on {@code device}; refuses features it cannot read and a device shorter than the
	 * file system, so that every block number checked against the superblock is also on the device.
	 */
	static ExtFileSystem open(BlockDevice device, long cacheBudget) throws FsException {
		Superblock sb = Superblock.read(device);
		if (sb.blocksCount > device.size() / sb.blockSize) {
			throw new FsException(Errno.EIO, device.name() + ": the file system has " + sb.blocksCount + " blocks of "
					+ sb.blockSize + " bytes but the device holds only " + device.size() + " bytes");
		}
		ExtFileSystem fs = new ExtFileSystem(device, sb, cacheBudget);
		Inode root = fs.inode(ROOT);
		if (root.type != FileType.DIRECTORY) {
			throw new FsException(Errno.EIO, device.name() + ": the root inode is not a directory");
		}
		return fs;
	}

	Superblock superblock() {
		return sb;
	}

	Inode inode(long ino) throws FsException {
		return inodes.inode(ino);
	}

	BlockMap blockMap(Inode inode) {
		return inode.has(Inode.EXTENTS_FL) ? new ExtentTree(blocks, checksums, inode)
				: new IndirectBlocks(blocks, inode);
	}

	BlockCache blocks() {
		return blocks;
	}

	/** A directory's entries by name, in on-disk order, without {@code .} and {@code ..}; cached. */
	Map<String, Directory.Entry> entries(Inode dir) throws FsException {
		return directories.get(dir.ino, ino -> Collections.unmodifiableMap(readEntries(dir)));
	}

	private Map<String, Directory.Entry> readEntries(Inode dir) throws FsException {
		Map<String, Directory.Entry> out = new LinkedHashMap<>();
		boolean filetype = sb.has(Feature.FILETYPE);
		String what = "directory inode " + dir.ino;
		if (dir.has(Inode.INLINE_DATA_FL)) {
			// i_block: the parent's inode number, then entries; system.data: more entries
			Directory.parse(dir.raw, Inode.I_BLOCK + 4, Inode.I_BLOCK + Inode.I_BLOCK_SIZE, filetype, out, what);
			byte[] more = xattrs.read(dir).get(Xattrs.INLINE_DATA);
			if (more != null) {
				Directory.parse(ByteBuffer.wrap(more), 0, more.length, filetype, out, what);
			}
			return out;
		}
		long count = (dir.size + sb.blockSize - 1) / sb.blockSize;
		if (dir.size % sb.blockSize != 0 || count > sb.blocksCount) {
			throw new FsException(Errno.EIO, what + ": size " + dir.size + " is not whole blocks of the file system");
		}
		BlockMap map = blockMap(dir);
		long logical = 0;
		while (logical < count) {
			BlockMap.Run run = map.find(logical);
			long end = Math.min(count, logical + run.length());
			for (; logical < end; logical++) {
				// a hole in a directory is an empty block
				if (!run.hole()) {
					long nr = run.physical() + (logical - run.logical());
					readDirBlock(dir, logical, nr, filetype, out, what + " block " + nr);
				}
			}
		}
		return out;
	}

	private void readDirBlock(Inode dir, long logical, long nr, boolean filetype, Map<String, Directory.Entry> out,
			String what) throws FsException {
		ByteBuffer b = blocks.block(nr, what);
		int end = b.limit();
		if (checksums.enabled()) {
			if (Directory.hasTail(b)) {
				checksums.verifyDirBlock(dir.ino, dir.generation, nr, b);
				end -= Directory.TAIL;
			} else if (dir.has(Inode.INDEX_FL) && (logical == 0 || Directory.isIndexNode(b))) {
				checksums.verifyIndexBlock(dir.ino, dir.generation, nr, b, Directory.indexCountOffset(b, logical == 0));
			} else {
				throw new FsException(Errno.EIO, what + ": no checksum tail");
			}
		}
		Directory.parse(b, 0, end, filetype, out, what);
	}

	Map<String, byte[]> xattrs(Inode inode) throws FsException {
		return xattrs.read(inode);
	}

	/**
	 * The inline data stored for an inode: the first 60 bytes in i_block, the rest in the system.data attribute;
	 * at most its size. A file may be longer than what is stored (mke2fs -d leaves zero blocks out): the rest
	 * reads as zeros, as the kernel reads it.
	 */
	byte[] inlineData(Inode inode) throws FsException {
		byte[] more = xattrs.read(inode).get(Xattrs.INLINE_DATA);
		int stored = (int) Math.min(inode.size, Inode.I_BLOCK_SIZE + (more == null ? 0 : more.length));
		byte[] data = new byte[stored];
		int head = Math.min(stored, Inode.I_BLOCK_SIZE);
		inode.raw.get(Inode.I_BLOCK, data, 0, head);
		if (stored > head) {
			System.arraycopy(more, 0, data, head, stored - head);
		}
		return data;
	}

	/** A symlink's target: inline, in i_block (fast: no data blocks), or in its one data block. */
	byte[] symlinkTarget(Inode link) throws FsException {
		if (link.has(Inode.INLINE_DATA_FL)) {
			byte[] target = inlineData(link);
			if (target.length != link.size) {
				throw new FsException(Errno.EIO, "symlink inode " + link.ino + ": " + target.length + " of "
						+ link.size + " bytes stored");
			}
			return target;
		}
		long dataSectors = link.sectors - (link.fileAcl != 0 ? sb.blockSize / 512 : 0);
		if (link.size >= sb.blockSize || link.size >= Inode.I_BLOCK_SIZE && dataSectors == 0) {
			throw new FsException(Errno.EIO, "symlink inode " + link.ino + ": bad size " + link.size);
		}
		byte[] target = new byte[(int) link.size];
		if (dataSectors == 0 && !link.has(Inode.EXTENTS_FL)) {
			link.raw.get(Inode.I_BLOCK, target);
			return target;
		}
		BlockMap.Run run = blockMap(link).find(0);
		if (run.hole()) {
			throw new FsException(Errno.EIO, "symlink inode " + link.ino + ": no data block");
		}
		blocks.readData(run.physical(), 0, ByteBuffer.wrap(target), "symlink inode " + link.ino);
		return target;
	}

	/**
	 * The value of an ea_inode attribute: the data of the inode that holds it, which must be marked as such and
	 * keep its data in blocks (an inline one would lead back here through its own attributes).
	 */
	private byte[] valueInode(long ino, int size, String what) throws FsException {
		Inode holder = inode(ino);
		if (!holder.has(Inode.EA_INODE_FL) || holder.has(Inode.INLINE_DATA_FL)) {
			throw new FsException(Errno.EIO, what + ": inode " + ino + " is no attribute value inode");
		}
		if (holder.size != size) {
			throw new FsException(Errno.EIO, what + ": value inode " + ino + " holds " + holder.size + " bytes, not "
					+ size);
		}
		ByteBuffer value = ByteBuffer.allocate(size);
		new ExtFileData(this, holder).readFully(value, 0);
		return value.array();
	}

	/** What each cache holds now, by its estimate, for statistics and tests. */
	Map<String, Long> cacheWeights() {
		return Map.of("blocks", blocks.cacheWeight(), "inodes", inodes.cacheWeight(), "directories",
				directories.weight());
	}

	StatFs statfs() {
		long available = Math.max(0, sb.freeBlocks - sb.reservedBlocks);
		return new StatFs(sb.blockSize, sb.blocksCount, sb.freeBlocks, available, sb.inodesCount, sb.freeInodes, 255);
	}

	void close() throws FsException {
		device.close();
	}
}
