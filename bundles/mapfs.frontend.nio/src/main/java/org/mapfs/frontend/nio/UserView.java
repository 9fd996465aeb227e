package org.mapfs.frontend.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.Objects;

import org.mapfs.api.XattrMode;

/** The user view: extended attributes of the {@code user.} namespace, named without the prefix as on the JDK. */
final class UserView implements UserDefinedFileAttributeView {
	static final String PREFIX = "user.";
	private final MapFsPath path;
	private final boolean follow;

	UserView(MapFsPath path, boolean follow) {
		this.path = path;
		this.follow = follow;
	}

	@Override
	public String name() {
		return "user";
	}

	@Override
	public List<String> list() throws IOException {
		MapFsFileSystem fs = path.getFileSystem();
		return fs.at(path, follow, p -> fs.mount().listxattr(p)).stream().filter(n -> n.startsWith(PREFIX))
				.map(n -> n.substring(PREFIX.length())).toList();
	}

	byte[] get(String name) throws IOException {
		Objects.requireNonNull(name);
		MapFsFileSystem fs = path.getFileSystem();
		return fs.at(path, follow, p -> fs.mount().getxattr(p, PREFIX + name));
	}

	@Override
	public int size(String name) throws IOException {
		return get(name).length;
	}

	@Override
	public int read(String name, ByteBuffer dst) throws IOException {
		byte[] value = get(name);
		if (dst.remaining() < value.length) {
			throw new FileSystemException(path.toString(), null, "Insufficient space in buffer");
		}
		dst.put(value);
		return value.length;
	}

	@Override
	public int write(String name, ByteBuffer src) throws IOException {
		Objects.requireNonNull(name);
		byte[] value = new byte[src.remaining()];
		src.get(value);
		MapFsFileSystem fs = path.getFileSystem();
		fs.change(path, follow, p -> {
			fs.mount().setxattr(p, PREFIX + name, value, XattrMode.SET);
			return null;
		});
		return value.length;
	}

	@Override
	public void delete(String name) throws IOException {
		Objects.requireNonNull(name);
		MapFsFileSystem fs = path.getFileSystem();
		fs.change(path, follow, p -> {
			fs.mount().removexattr(p, PREFIX + name);
			return null;
		});
	}
}
