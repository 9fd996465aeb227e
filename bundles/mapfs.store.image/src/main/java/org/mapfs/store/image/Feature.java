package org.mapfs.store.image;

import java.util.ArrayList;
import java.util.List;

/**
 * The ext2/3/4 feature flags, with the names e2fsprogs gives them, in the three sets of the superblock: compat
 * (safe to ignore), incompat (must be understood to read) and ro_compat (must be understood to write).
 */
enum Feature {
	DIR_PREALLOC(Set.COMPAT, 0x1, "dir_prealloc"),
	IMAGIC_INODES(Set.COMPAT, 0x2, "imagic_inodes"),
	HAS_JOURNAL(Set.COMPAT, 0x4, "has_journal"),
	EXT_ATTR(Set.COMPAT, 0x8, "ext_attr"),
	RESIZE_INODE(Set.COMPAT, 0x10, "resize_inode"),
	DIR_INDEX(Set.COMPAT, 0x20, "dir_index"),
	LAZY_BG(Set.COMPAT, 0x40, "lazy_bg"),
	EXCLUDE_BITMAP(Set.COMPAT, 0x100, "snapshot_bitmap"),
	SPARSE_SUPER2(Set.COMPAT, 0x200, "sparse_super2"),
	FAST_COMMIT(Set.COMPAT, 0x400, "fast_commit"),
	STABLE_INODES(Set.COMPAT, 0x800, "stable_inodes"),
	ORPHAN_FILE(Set.COMPAT, 0x1000, "orphan_file"),

	COMPRESSION(Set.INCOMPAT, 0x1, "compression"),
	FILETYPE(Set.INCOMPAT, 0x2, "filetype"),
	RECOVER(Set.INCOMPAT, 0x4, "needs_recovery"),
	JOURNAL_DEV(Set.INCOMPAT, 0x8, "journal_dev"),
	META_BG(Set.INCOMPAT, 0x10, "meta_bg"),
	EXTENTS(Set.INCOMPAT, 0x40, "extent"),
	BIT64(Set.INCOMPAT, 0x80, "64bit"),
	MMP(Set.INCOMPAT, 0x100, "mmp"),
	FLEX_BG(Set.INCOMPAT, 0x200, "flex_bg"),
	EA_INODE(Set.INCOMPAT, 0x400, "ea_inode"),
	DIRDATA(Set.INCOMPAT, 0x1000, "dirdata"),
	CSUM_SEED(Set.INCOMPAT, 0x2000, "metadata_csum_seed"),
	LARGEDIR(Set.INCOMPAT, 0x4000, "large_dir"),
	INLINE_DATA(Set.INCOMPAT, 0x8000, "inline_data"),
	ENCRYPT(Set.INCOMPAT, 0x10000, "encrypt"),
	CASEFOLD(Set.INCOMPAT, 0x20000, "casefold"),

	SPARSE_SUPER(Set.RO_COMPAT, 0x1, "sparse_super"),
	LARGE_FILE(Set.RO_COMPAT, 0x2, "large_file"),
	HUGE_FILE(Set.RO_COMPAT, 0x8, "huge_file"),
	GDT_CSUM(Set.RO_COMPAT, 0x10, "uninit_bg"),
	DIR_NLINK(Set.RO_COMPAT, 0x20, "dir_nlink"),
	EXTRA_ISIZE(Set.RO_COMPAT, 0x40, "extra_isize"),
	HAS_SNAPSHOT(Set.RO_COMPAT, 0x80, "snapshot"),
	QUOTA(Set.RO_COMPAT, 0x100, "quota"),
	BIGALLOC(Set.RO_COMPAT, 0x200, "bigalloc"),
	METADATA_CSUM(Set.RO_COMPAT, 0x400, "metadata_csum"),
	REPLICA(Set.RO_COMPAT, 0x800, "replica"),
	READONLY(Set.RO_COMPAT, 0x1000, "read-only"),
	PROJECT(Set.RO_COMPAT, 0x2000, "project"),
	SHARED_BLOCKS(Set.RO_COMPAT, 0x4000, "shared_blocks"),
	VERITY(Set.RO_COMPAT, 0x8000, "verity"),
	ORPHAN_PRESENT(Set.RO_COMPAT, 0x10000, "orphan_present");

	/** The three feature words, at their superblock offsets. */
	enum Set {
		COMPAT(0x5C, "FEATURE_C"), INCOMPAT(0x60, "FEATURE_I"), RO_COMPAT(0x64, "FEATURE_R");

		final int offset;
		/** e2fsprogs' name prefix for a bit it has no name for. */
		final String unknownPrefix;

		Set(int offset, String unknownPrefix) {
			this.offset = offset;
			this.unknownPrefix = unknownPrefix;
		}
	}

	final Set set;
	final int mask;
	final String label;

	Feature(Set set, int mask, String label) {
		this.set = set;
		this.mask = mask;
		this.label = label;
	}

	/** The names of the bits set in one feature word, unknown bits as e2fsprogs prints them. */
	static List<String> names(Set set, int word) {
		List<String> names = new ArrayList<>();
		for (int bit = 0; bit < 32; bit++) {
			int mask = 1 << bit;
			if ((word & mask) == 0) {
				continue;
			}
			String name = set.unknownPrefix + bit;
			for (Feature f : values()) {
				if (f.set == set && f.mask == mask) {
					name = f.label;
				}
			}
			names.add(name);
		}
		return names;
	}
}
