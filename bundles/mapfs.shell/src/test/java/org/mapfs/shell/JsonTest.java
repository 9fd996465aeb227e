package org.mapfs.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {
	@Test
	void escapesQuotesBackslashesAndEveryControlCharacter() {
		assertEquals("\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0000\\u001f\\u2028 ü €\"",
				Json.write("a\"b\\c\n\r\t\b\f\u0000\u001f\u2028 ü €"));
	}

	@Test
	void writesNestedValuesInOrder() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("z", 1);
		map.put("a", Arrays.asList("x", null, true));
		map.put("n", 2.5);
		map.put("big", Long.MAX_VALUE);
		map.put("empty", List.of());
		assertEquals("{\"z\":1,\"a\":[\"x\",null,true],\"n\":2.5,\"big\":9223372036854775807,\"empty\":[]}",
				Json.write(map));
	}

	@Test
	void nanAndInfinityAreNull() {
		assertEquals("[null,null]", Json.write(List.of(Double.NaN, Double.POSITIVE_INFINITY)));
	}
}
