package org.mapfs.frontend.nio;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.ClosedDirectoryStreamException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

import org.mapfs.api.DirEntry;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * A directory's entries, listed once when it opens (the mount's listing is a snapshot), filtered as they are
 * iterated. It is a {@link SecureDirectoryStream} as the JDK's on Linux: relative paths are taken relative to the
 * directory that was opened. The mount has no directory handles, so that is the directory at the path it was
 * opened at; an operation fails if another directory has taken that path since (it compares inode numbers) rather
 * than act on the wrong one.
 */
final class MapFsDirectoryStream implements SecureDirectoryStream<Path> {
	private final MapFsFileSystem fs;
	private final MapFsPath dir;
	private final FsPath real;
	private final long ino;
	private final List<DirEntry> entries;
	private final Filter<? super Path> filter;
	private volatile boolean closed;
	private boolean iterating;

	MapFsDirectoryStream(MapFsFileSystem fs, MapFsPath dir, FsPath real, long ino, List<DirEntry> entries,
			Filter<? super Path> filter) {
		this.fs = fs;
		this.dir = dir;
		this.real = real;
		this.ino = ino;
		this.entries = entries;
		this.filter = filter;
	}

	@Override
	public synchronized Iterator<Path> iterator() {
		if (closed) {
			throw new IllegalStateException("Directory stream is closed");
		}
		if (iterating) {
			throw new IllegalStateException("Iterator already obtained");
		}
		iterating = true;
		return new Iterator<>() {
			private int next;
			private Path found;

			@Override
			public boolean hasNext() {
				while (found == null && !closed && next < entries.size()) {
					Path p = dir.resolve(entries.get(next++).name());
					try {
						if (filter.accept(p)) {
							found = p;
						}
					} catch (IOException e) {
						throw new DirectoryIteratorException(e);
					}
				}
				return found != null;
			}

			@Override
			public Path next() {
				if (!hasNext()) {
					throw new NoSuchElementException();
				}
				Path p = found;
				found = null;
				return p;
			}
		};
	}

	@Override
	public void close() {
		closed = true;
		fs.closed(this);
	}

	/**
	 * Where a path given to this stream is: an absolute one is itself, a relative one is below the opened directory,
	 * which must still be the one at its path.
	 */
	private MapFsPath at(Path path) throws IOException {
		MapFsPath p = below(path);
		if (!path.isAbsolute()) {
			try {
				if (fs.mount().stat(real).ino() != ino) {
					throw new FileSystemException(dir.toString(), null,
							"the directory was replaced since it was opened");
				}
			} catch (FsException e) {
				throw Errors.nio(e, dir);
			}
		}
		return p;
	}

	/** {@link #at} without the check, for attribute views (they look when used). */
	private MapFsPath below(Path path) {
		if (closed) {
			throw new ClosedDirectoryStreamException();
		}
		MapFsPath p = MapFsPath.check(path);
		if (p.getFileSystem() != fs) {
			throw new ProviderMismatchException("a path of another file system: " + path);
		}
		return p.isAbsolute() ? p : (MapFsPath) fs.root().resolve(fs.getPath(real.toString())).resolve(p);
	}

	@Override
	public SecureDirectoryStream<Path> newDirectoryStream(Path path, LinkOption... options) throws IOException {
		return fs.provider().newDirectoryStream(at(path), e -> true, MapFsProvider.follows(options));
	}

	@Override
	public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
			FileAttribute<?>... attrs) throws IOException {
		return fs.provider().newByteChannel(at(path), options, attrs);
	}

	@Override
	public void deleteFile(Path path) throws IOException {
		fs.provider().unlink(at(path));
	}

	@Override
	public void deleteDirectory(Path path) throws IOException {
		fs.provider().rmdir(at(path));
	}

	@Override
	public void move(Path srcpath, SecureDirectoryStream<Path> targetdir, Path targetpath) throws IOException {
		if (!(targetdir instanceof MapFsDirectoryStream target)) {
			throw new ProviderMismatchException("not a MapFS directory stream: " + targetdir);
		}
		fs.provider().rename(at(srcpath), target.at(targetpath));
	}

	@Override
	public <V extends FileAttributeView> V getFileAttributeView(Class<V> type) {
		return AttributeViews.view(dir, type, true);
	}

	@Override
	public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
		return AttributeViews.view(below(path), type, MapFsProvider.follows(options));
	}
}
