package org.mapfs.frontend.nio;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;

import org.mapfs.api.FsException;
import org.mapfs.api.StatFs;

/** The one file store of a mount: its space is what {@code statfs} of the mount reports (the overlay's store). */
final class MapFsFileStore extends FileStore {
	private final MapFsFileSystem fs;

	MapFsFileStore(MapFsFileSystem fs) {
		this.fs = fs;
	}

	private StatFs statfs() throws IOException {
		fs.checkOpen();
		try {
			return fs.mount().statfs();
		} catch (FsException e) {
			throw Errors.nio(e, fs.root());
		}
	}

	@Override
	public String name() {
		return fs.name();
	}

	@Override
	public String type() {
		return "mapfs";
	}

	@Override
	public boolean isReadOnly() {
		return fs.isReadOnly();
	}

	@Override
	public long getTotalSpace() throws IOException {
		StatFs s = statfs();
		return s.totalBlocks() * s.blockSize();
	}

	@Override
	public long getUsableSpace() throws IOException {
		StatFs s = statfs();
		return s.availableBlocks() * s.blockSize();
	}

	@Override
	public long getUnallocatedSpace() throws IOException {
		StatFs s = statfs();
		return s.freeBlocks() * s.blockSize();
	}

	@Override
	public long getBlockSize() throws IOException {
		return statfs().blockSize();
	}

	@Override
	public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
		return AttributeViews.supports(type);
	}

	@Override
	public boolean supportsFileAttributeView(String name) {
		return AttributeViews.NAMES.contains(name);
	}

	@Override
	public <V extends FileStoreAttributeView> V getFileStoreAttributeView(Class<V> type) {
		return null;
	}

	/** The store's attributes as the JDK names them: totalSpace, usableSpace, unallocatedSpace. */
	@Override
	public Object getAttribute(String attribute) throws IOException {
		return switch (attribute) {
			case "totalSpace" -> getTotalSpace();
			case "usableSpace" -> getUsableSpace();
			case "unallocatedSpace" -> getUnallocatedSpace();
			default -> throw new UnsupportedOperationException("'" + attribute + "' not recognized");
		};
	}

	@Override
	public String toString() {
		return fs.name() + " (mapfs)";
	}
}
