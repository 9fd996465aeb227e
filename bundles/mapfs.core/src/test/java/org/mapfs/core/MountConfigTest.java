package org.mapfs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.mapfs.api.Errno;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;
import org.mapfs.api.admin.LayerSpec;

class MountConfigTest {
	private static Map<String, Object> props(String overlay, String... layers) {
		Map<String, Object> p = new HashMap<>();
		p.put("name", "demo");
		p.put("overlay", overlay);
		p.put("layers", layers);
		return p;
	}

	@Test
	void parsesLayersWithSubPathsAndPlacements() throws FsException {
		Map<String, Object> p = props("private:/upper", "site:/etc@/etc;ro", "golden");
		p.put("policy.options", List.of("metacopy=false"));
		MountConfig c = MountConfig.parse(p);
		assertEquals("private", c.overlay().storeId());
		assertEquals(FsPath.of("upper"), c.overlay().root());
		assertEquals(new LayerSpec("site:/etc@/etc;ro", "site", FsPath.of("etc"), FsPath.of("etc"), false),
				c.layers().get(0));
		assertEquals(FsPath.ROOT, c.layers().get(1).at());
		assertEquals("classic", c.policy());
		assertEquals(Map.of("metacopy", "false"), c.options());
		assertEquals(List.of("private", "site", "golden"), List.copyOf(c.storeIds()));
	}

	@Test
	void aReadOnlyViewHasNoOverlay() throws FsException {
		assertNull(MountConfig.parse(props("", "golden")).overlay());
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"private | golden;rw | a second writable layer",
			"private | :/etc | is not a store id",
			"private | golden:/../x | golden:/../x",
			"private | golden@/a/../b | golden@/a/../b",
			"private | golden;rx | neither ro nor rw",
			"private:/x@/y | golden | takes no '@/path'",
			"'' | '' | no layers" })
	void aMalformedConfigurationIsRefusedWithTheReason(String overlay, String layer, String reason) {
		FsException e = assertThrows(FsException.class,
				() -> MountConfig.parse(layer.isEmpty() ? props(overlay) : props(overlay, layer)));
		assertEquals(Errno.EINVAL, e.errno());
		assertTrue(e.getMessage().contains(reason), e.getMessage());
	}

	@Test
	void aPolicyOptionMustBeKeyEqualsValue() {
		Map<String, Object> p = props("private", "golden");
		p.put("policy.options", new String[] { "metacopy" });
		assertTrue(assertThrows(FsException.class, () -> MountConfig.parse(p)).getMessage().contains("KEY=VALUE"));
	}

	@Test
	void aMissingNameIsAnError() {
		Map<String, Object> p = props("private", "golden");
		p.remove("name");
		assertTrue(assertThrows(FsException.class, () -> MountConfig.parse(p)).getMessage().contains("'name'"));
	}
}
