package org.mapfs.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Named values of one thing: for people a line per name with the values aligned, for scripts a JSON object. */
final class Fields implements Output {
	private final Map<String, Object> values = new LinkedHashMap<>();

	Fields put(String name, Object value) {
		values.put(name, value);
		return this;
	}

	@Override
	public String text() {
		List<String[]> lines = new ArrayList<>();
		values.forEach((name, value) -> lines.add(new String[] { name, Text.cell(value) }));
		return Text.aligned(lines);
	}

	@Override
	public Map<String, Object> data() {
		return values;
	}
}
