package org.mapfs.store.image;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.mapfs.api.Errno;
import org.mapfs.api.FsException;

/**
 * How Linux lays out a CKD volume. CDL (compatible disk layout): a VOL1 label (key and data "VOL1", record 3 of
 * track 0) points to the VTOC, whose format-1 DSCBs named {@code LINUX.V<volser>.PART<n>.NATIVE} give each
 * partition's extent of tracks. LDL (Linux disk layout): an LNX1 label in the third 4 KiB block, and one
 * partition from the fourth block to the end.
 */
final class DasdLayout {
	private static final String VOL1 = "VOL1";
	private static final String LNX1 = "LNX1";
	private static final int DSCB_KEY = 44;
	private static final int DSCB_DATA = 96;
	/** Offsets in a DSCB's data (after its 44-byte key). */
	private static final int FORMAT_ID = 0;
	private static final int FIRST_EXTENT = 105 - DSCB_KEY;
	private static final int FORMAT1 = 0xF1;
	private static final int FORMAT4 = 0xF4;
	private static final int LDL_LABEL_BLOCK = 2;
	private static final Pattern LINUX_NAME = Pattern.compile("LINUX\\.V(.{1,6})\\.PART(\\d{4})\\.NATIVE");

	/** A Linux partition: its first and last track, or with LDL the first block on the linear volume. */
	record Extent(int number, int firstTrack, int lastTrack, int skipBlocks, String name) {
	}

	final String kind;
	final String volser;
	final List<Extent> extents;

	private DasdLayout(String kind, String volser, List<Extent> extents) {
		this.kind = kind;
		this.volser = volser;
		this.extents = extents;
	}

	static DasdLayout read(CkdVolume volume) throws FsException {
		List<CkdTrack.Record> records = volume.track(0).dataRecords();
		CkdTrack track0 = volume.track(0);
		if (records.size() >= 3) {
			CkdTrack.Record label = records.get(2);
			byte[] image = track0.image;
			if (label.keyLength() == 4 && VOL1.equals(Ebcdic.decode(image, label.dataOffset() - 4, 4))
					&& label.dataLength() >= 16) {
				String volser = Ebcdic.decode(image, label.dataOffset() + 4, 6).trim();
				return new DasdLayout("cdl", volser, vtoc(volume, image, label.dataOffset() + 11));
			}
			if (label.keyLength() == 0 && label.dataLength() >= 10
					&& LNX1.equals(Ebcdic.decode(image, label.dataOffset(), 4))) {
				String volser = Ebcdic.decode(image, label.dataOffset() + 4, 6).trim();
				return new DasdLayout("ldl", volser, List.of(new Extent(1, 0, volume.trackCount() - 1,
						LDL_LABEL_BLOCK + 1, "LNX1 " + volser)));
			}
		}
		return new DasdLayout("unlabelled", "", List.of());
	}

	/** The Linux partitions in the VTOC that the CCHHR at {@code pointer} starts with a format-4 DSCB. */
	private static List<Extent> vtoc(CkdVolume volume, byte[] label, int pointer) throws FsException {
		long vtocTrack = CkdTrack.trackOf(u16(label, pointer), u16(label, pointer + 2), volume.heads());
		byte[] f4 = dscbs(volume, vtocTrack).stream().findFirst().orElseThrow(
				() -> new FsException(Errno.EIO, volume.name() + ": no VTOC at track " + vtocTrack));
		if ((f4[DSCB_KEY + FORMAT_ID] & 0xFF) != FORMAT4) {
			throw new FsException(Errno.EIO, volume.name() + ": the VTOC does not start with a format-4 DSCB");
		}
		long[] vtocExtent = extent(volume, f4, DSCB_KEY + FIRST_EXTENT);
		if (vtocExtent[1] - vtocExtent[0] > volume.trackCount()) {
			throw new FsException(Errno.EIO, volume.name() + ": VTOC extent " + vtocExtent[0] + "-" + vtocExtent[1]);
		}
		List<Extent> extents = new ArrayList<>();
		for (long t = vtocExtent[0]; t <= vtocExtent[1]; t++) {
			for (byte[] dscb : dscbs(volume, t)) {
				if ((dscb[DSCB_KEY + FORMAT_ID] & 0xFF) != FORMAT1) {
					continue;
				}
				String name = Ebcdic.decode(dscb, 0, DSCB_KEY).trim();
				Matcher m = LINUX_NAME.matcher(name);
				if (m.matches()) {
					long[] e = extent(volume, dscb, DSCB_KEY + FIRST_EXTENT);
					extents.add(new Extent(Integer.parseInt(m.group(2)), (int) e[0], (int) e[1], 0, name));
				}
			}
		}
		return extents;
	}

	/** The DSCBs on a track: records with a 44-byte key and 96 bytes of data, key and data together. */
	private static List<byte[]> dscbs(CkdVolume volume, long track) throws FsException {
		if (track < 0 || track >= volume.trackCount()) {
			throw new FsException(Errno.EIO, volume.name() + ": VTOC track " + track + " is not on the volume");
		}
		CkdTrack t = volume.track((int) track);
		List<byte[]> dscbs = new ArrayList<>();
		for (CkdTrack.Record r : t.dataRecords()) {
			if (r.keyLength() == DSCB_KEY && r.dataLength() == DSCB_DATA) {
				byte[] dscb = new byte[DSCB_KEY + DSCB_DATA];
				System.arraycopy(t.image, r.dataOffset() - DSCB_KEY, dscb, 0, dscb.length);
				dscbs.add(dscb);
			}
		}
		return dscbs;
	}

	/** An extent (type, sequence, lower CCHH, upper CCHH) as its first and last track. */
	private static long[] extent(CkdVolume volume, byte[] b, int at) throws FsException {
		long low = CkdTrack.trackOf(u16(b, at + 2), u16(b, at + 4), volume.heads());
		long high = CkdTrack.trackOf(u16(b, at + 6), u16(b, at + 8), volume.heads());
		if (b[at] == 0 || high < low || high >= volume.trackCount()) {
			throw new FsException(Errno.EIO, volume.name() + ": bad extent: tracks " + low + "-" + high);
		}
		return new long[] { low, high };
	}

	private static int u16(byte[] b, int at) {
		return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
	}
}
