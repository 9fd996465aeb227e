package org.mapfs.shell;

import java.util.Comparator;
import java.util.List;

import org.mapfs.api.Entry;
import org.mapfs.api.FsPath;
import org.mapfs.api.admin.Change;
import org.mapfs.api.admin.LayerSpec;
import org.mapfs.api.admin.MountState;
import org.mapfs.api.admin.MountStats;
import org.mapfs.api.policy.Policy;
import org.mapfs.api.store.Store;
import org.mapfs.api.store.WritableStore;

/** What each inspecting command shows, made from the services' data; no service is called here. */
final class Views {
	private Views() {
	}

	static Table stores(List<Store> stores) {
		Table t = Table.withHeader().column("id").column("writable").column("location");
		stores.stream().sorted(Comparator.comparing(Store::id))
				.forEach(s -> t.row(s.id(), s instanceof WritableStore, String.valueOf(s.location())));
		return t;
	}

	static Table policies(List<Policy> policies) {
		Table t = Table.withHeader().column("name");
		policies.stream().map(Policy::name).sorted().forEach(t::row);
		return t;
	}

	static Table mounts(List<MountState> mounts) {
		Table t = Table.withHeader().column("name").column("state").column("policy").column("overlay")
				.column("layers").column("reason");
		mounts.stream().sorted(Comparator.comparing(MountState::name)).forEach(m -> t.row(m.name(),
				m.state().name(), m.policy(), m.overlay(), m.layers(), m.reason()));
		return t;
	}

	/** The map of a mount, top first: the overlay (read-write), then the repository layers (read-only). */
	static Table layers(MountState mount) throws CommandException {
		Table t = Table.withHeader().column("access").column("store").column("path").column("at");
		if (!mount.overlay().isBlank()) {
			addLayer(t, "rw", mount.overlay());
		}
		for (String layer : mount.layers()) {
			addLayer(t, "ro", layer);
		}
		return t;
	}

	private static void addLayer(Table t, String access, String spec) throws CommandException {
		LayerSpec layer = Layers.parse(spec);
		t.row(access, layer.storeId(), layer.root().toAbsoluteString(), layer.at().toAbsoluteString());
	}

	static Fields which(String mount, FsPath path, Entry entry) {
		return new Fields().put("mount", mount).put("path", path.toAbsoluteString()).put("layer", entry.layer())
				.put("placement", entry.placement().name()).put("meaning", meaning(entry))
				.put("type", entry.attributes().type().name());
	}

	private static String meaning(Entry entry) {
		return switch (entry.placement()) {
		case REPOSITORY -> "the repository's";
		case METADATA_COPY -> "metadata-only copy: private metadata, the repository's data";
		case OVERLAY -> "private: copied up or new";
		case UNKNOWN -> "the mount does not say";
		};
	}

	/**
	 * Changes as {@code git status --short} prints them ({@code M /etc/hosts}, {@code R /old -> /new}); JSON
	 * has the path and the rename's origin apart.
	 */
	static Table changes(List<Change> changes) {
		Table t = Table.withoutHeader().column("status").textColumn("entry").jsonColumn("kind")
				.jsonColumn("path").jsonColumn("from");
		for (Change c : changes) {
			String path = c.path().toAbsoluteString();
			String from = c.from() == null ? null : c.from().toAbsoluteString();
			t.row(status(c.kind()), from == null ? path : from + " -> " + path, c.kind().name(), path, from);
		}
		return t;
	}

	private static String status(Change.Kind kind) {
		return switch (kind) {
		case ADDED -> "A";
		case MODIFIED -> "M";
		case METADATA -> "m";
		case DELETED -> "D";
		case RENAMED -> "R";
		};
	}

	static Fields stats(String mount, MountStats s) {
		return new Fields().put("mount", mount).put("copyUps", s.copyUps()).put("bytesCopied", s.bytesCopied())
				.put("whiteouts", s.whiteouts()).put("openFiles", s.openFiles()).put("operations", s.operations())
				.put("operationsPerSecond", s.operationsPerSecond());
	}
}
