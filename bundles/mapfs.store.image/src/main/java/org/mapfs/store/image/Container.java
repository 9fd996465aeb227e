package org.mapfs.store.image;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * What an image holds around its file systems: nothing (a bare file system), an MBR or GPT partition table, an
 * unlabelled FBA volume, or a CKD volume in Linux's CDL or LDL layout. Chooses the partition a store reads.
 */
final class Container {
	/** Opens one partition as a linear device. */
	interface Opener {
		BlockDevice open() throws FsException;
	}

	/** Linux's FBA partition starts after the label block: at block 2 of 512 bytes. */
	private static final int FBA_PARTITION = 1024;

	private final String name;
	private final String kind;
	private final BlockDevice whole;
	private final Map<Partition, Opener> partitions;
	private final BlockDevice base;

	private Container(String name, String kind, BlockDevice whole, Map<Partition, Opener> partitions,
			BlockDevice base) {
		this.name = name;
		this.kind = kind;
		this.whole = whole;
		this.partitions = partitions;
		this.base = base;
	}

	/** A file system at the start wins over a table, as a bare image's first sector may hold anything. */
	static Container of(BlockDevice device) throws FsException {
		return of(device, "");
	}

	/** {@code origin}: what the device is ("cfba " for a compressed FBA volume), put before the kind. */
	static Container of(BlockDevice device, String origin) throws FsException {
		if (Superblock.isPresent(device)) {
			return new Container(device.name(), origin + "bare", device, Map.of(), device);
		}
		int gptSector = Gpt.sectorSize(device);
		if (gptSector != 0) {
			return linear(device, origin + "gpt", Gpt.read(device, gptSector));
		}
		if (Mbr.isPresent(device)) {
			return linear(device, origin + "mbr", Mbr.read(device));
		}
		if (device.size() > FBA_PARTITION && Superblock.isPresent(new SliceDevice(device, FBA_PARTITION,
				device.size() - FBA_PARTITION, device.name()))) {
			return linear(device, origin + "unlabelled fba", List.of(new Partition(1, FBA_PARTITION,
					device.size() - FBA_PARTITION, "fba partition", true)));
		}
		return new Container(device.name(), origin + "bare", device, Map.of(), device);
	}

	private static Container linear(BlockDevice device, String kind, List<Partition> parts) {
		Map<Partition, Opener> map = new LinkedHashMap<>();
		for (Partition p : parts) {
			map.put(p, () -> new SliceDevice(device, p.start(), p.length(), device.name() + " partition " + p.number()));
		}
		return new Container(device.name(), kind, null, map, device);
	}

	/** The Linux partitions of a CKD volume; it has no whole-volume file system. */
	static Container of(CkdVolume volume, BlockDevice base) throws FsException {
		DasdLayout layout = DasdLayout.read(volume);
		Map<Partition, Opener> map = new LinkedHashMap<>();
		for (DasdLayout.Extent e : layout.extents) {
			String partName = volume.name() + " partition " + e.number();
			CkdPartitionDevice tracks = new CkdPartitionDevice(volume, e.firstTrack(), e.lastTrack(), partName);
			long skip = (long) e.skipBlocks() * tracks.recordSize();
			long trackBytes = tracks.size() / (e.lastTrack() - e.firstTrack() + 1);
			Partition p = new Partition(e.number(), e.firstTrack() * trackBytes + skip, tracks.size() - skip,
					e.name() + " (tracks " + e.firstTrack() + "-" + e.lastTrack() + ")", true);
			map.put(p, () -> skip == 0 ? tracks : new SliceDevice(tracks, skip, tracks.size() - skip, partName));
		}
		String kind = "ckd " + volume.header().deviceName() + " " + layout.kind
				+ (layout.volser.isEmpty() ? "" : " volser " + layout.volser);
		return new Container(volume.name(), kind, null, map, base);
	}

	String kind() {
		return kind;
	}

	List<Partition> partitions() {
		return new ArrayList<>(partitions.keySet());
	}

	/**
	 * The device of partition {@code number}, or with 0 the default: the whole of a bare image, else the only
	 * partition or the first Linux one.
	 */
	BlockDevice select(int number) throws FsException {
		if (number == 0 && whole != null) {
			return whole;
		}
		for (Map.Entry<Partition, Opener> e : partitions.entrySet()) {
			Partition p = e.getKey();
			if (number == 0 ? p.linux() || partitions.size() == 1 : p.number() == number) {
				return e.getValue().open();
			}
		}
		throw new FsException(Errno.ENOENT, name + " (" + kind + "): "
				+ (number == 0 ? "no Linux partition" : "no partition " + number) + "; partitions: "
				+ (partitions.isEmpty() ? "none"
						: partitions.keySet().stream().map(p -> p.number() + " (" + p.type() + ")")
								.collect(Collectors.joining(", "))));
	}

	void close() throws FsException {
		base.close();
	}
}
