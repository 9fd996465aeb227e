package org.mapfs.store.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/** An image file or block device, read with positional reads so that any number of threads share one channel. */
final class FileDevice implements BlockDevice {
	private final Path path;
	private final FileChannel channel;
	private final long size;

	private FileDevice(Path path, FileChannel channel, long size) {
		this.path = path;
		this.channel = channel;
		this.size = size;
	}

	static FileDevice open(Path path) throws FsException {
		try {
			FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
			try {
				// a block device reports size 0; its end is where a seek to the end lands
				long size = channel.size();
				if (size == 0) {
					size = channel.position(Long.MAX_VALUE).position();
				}
				return new FileDevice(path, channel, size);
			} catch (IOException e) {
				channel.close();
				throw e;
			}
		} catch (IOException e) {
			throw FsException.of(e, null);
		}
	}

	@Override
	public long size() {
		return size;
	}

	@Override
	public void read(long position, ByteBuffer dst) throws FsException {
		checkRange(position, dst.remaining());
		try {
			long p = position;
			while (dst.hasRemaining()) {
				int n = channel.read(dst, p);
				if (n < 0) {
					throw new FsException(Errno.EIO, path + ": unexpected end of image at " + p);
				}
				p += n;
			}
		} catch (IOException e) {
			throw new FsException(Errno.EIO, null, path + ": read at " + position + " failed: " + e.getMessage(), e);
		}
	}

	@Override
	public String name() {
		return path.toString();
	}

	@Override
	public void close() throws FsException {
		try {
			channel.close();
		} catch (IOException e) {
			throw FsException.of(e, null);
		}
	}
}
