package org.mapfs.store.image;

import java.nio.file.Path;
import java.util.Locale;

import org.mapfs.api.FsException;

/** The text of {@code mapfs:image-info}: what is in an image, read the way the store reads it. */
final class ImageInfo {
	private ImageInfo() {
	}

	static String describe(Path image, int partition) throws FsException {
		StringBuilder out = new StringBuilder();
		Container container = Images.open(image, 4 << 20);
		try {
			line(out, "image", image.toString());
			line(out, "container", container.kind());
			for (Partition p : container.partitions()) {
				line(out, "partition " + p.number(), String.format(Locale.ROOT, "start %d, %d bytes, %s%s", p.start(),
						p.length(), p.type(), fileSystemOf(container, p.number())));
			}
			Superblock sb = Superblock.read(container.select(partition));
			line(out, "file system", sb.type() + (partition == 0 ? "" : " in partition " + partition));
			line(out, "label", sb.label);
			line(out, "uuid", sb.uuid.toString());
			line(out, "features", String.join(" ", sb.features()));
			line(out, "block size", Integer.toString(sb.blockSize));
			long used = sb.blocksCount - sb.freeBlocks;
			line(out, "blocks", String.format(Locale.ROOT, "%d, %d used (%.1f%%), %d free", sb.blocksCount, used,
					100.0 * used / sb.blocksCount, sb.freeBlocks));
			line(out, "inodes", String.format(Locale.ROOT, "%d, %d used, %d free", sb.inodesCount,
					sb.inodesCount - sb.freeInodes, sb.freeInodes));
			line(out, "state", ((sb.state & 1) != 0 ? "clean" : "not clean") + ((sb.state & 2) != 0 ? ", errors" : ""));
			line(out, "last mounted on", sb.lastMounted.isEmpty() ? "-" : sb.lastMounted);
		} finally {
			container.close();
		}
		return out.toString();
	}

	/** The file system type in a partition, or nothing if it holds none this reader knows. */
	private static String fileSystemOf(Container container, int number) {
		try {
			return ", " + Superblock.read(container.select(number)).type();
		} catch (FsException e) {
			return "";
		}
	}

	private static void line(StringBuilder out, String name, String value) {
		out.append(String.format(Locale.ROOT, "%-16s %s%n", name + ":", value));
	}
}
