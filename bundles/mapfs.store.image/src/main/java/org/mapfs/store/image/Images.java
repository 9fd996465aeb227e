package org.mapfs.store.image;

import java.nio.file.Path;

import org.mapfs.api.FsException;

/**
 * Opens an image file or block device: a Hercules DASD image (by its header: plain or compressed CKD, compressed
 * FBA) or a linear image (bare, partitioned, plain FBA), and finds the container around its file systems.
 */
final class Images {
	private Images() {
	}

	/** {@code trackBudget}: memory for cached DASD tracks. */
	static Container open(Path image, long trackBudget) throws FsException {
		return open(FileDevice.open(image), trackBudget);
	}

	/** Finds what {@code file} holds; the container then owns it (it is closed here if that fails). */
	static Container open(BlockDevice file, long trackBudget) throws FsException {
		try {
			DasdHeader header = DasdHeader.read(file);
			if (header == null) {
				return Container.of(file);
			}
			String name = file.name();
			return switch (header.kind()) {
				case DasdHeader.CKD -> Container.of(new CkdVolume(name, header, new CkdImage(file, header),
						trackBudget), file);
				case DasdHeader.CCKD -> Container.of(new CkdVolume(name, header, new CckdImage(file,
						header.trackSize(), cylinders -> cylinders * header.heads(),
						(track, format) -> CkdTrack.nullTrack(track, header.heads(), format)), trackBudget), file);
				default -> Container.of(new FbaImage(name, new CckdImage(file,
						CckdImage.TRACK_HEADER + FbaImage.GROUP,
						sectors -> (sectors + FbaImage.GROUP_SECTORS - 1) / FbaImage.GROUP_SECTORS,
						(group, format) -> FbaImage.nullGroup(group)), trackBudget), "cfba ");
			};
		} catch (FsException | RuntimeException e) {
			file.close();
			throw e;
		}
	}
}
