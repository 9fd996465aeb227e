package org.mapfs.shell;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON writer for the commands' {@code --json} output: maps (in their iteration order), lists,
 * strings, numbers, booleans and null. Written here so that the bundle depends on nothing but the API, OSGi and
 * Gogo.
 */
final class Json {
	private Json() {
	}

	static String write(Object value) {
		StringBuilder sb = new StringBuilder();
		write(value, sb);
		return sb.toString();
	}

	private static void write(Object value, StringBuilder sb) {
		if (value == null) {
			sb.append("null");
		} else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
			sb.append(value);
		} else if (value instanceof Double || value instanceof Float) {
			double d = ((Number) value).doubleValue();
			// JSON has no NaN or infinity
			sb.append(Double.isFinite(d) ? value.toString() : "null");
		} else if (value instanceof Map<?, ?> map) {
			sb.append('{');
			Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
			while (it.hasNext()) {
				Map.Entry<?, ?> e = it.next();
				string(String.valueOf(e.getKey()), sb);
				sb.append(':');
				write(e.getValue(), sb);
				if (it.hasNext()) {
					sb.append(',');
				}
			}
			sb.append('}');
		} else if (value instanceof List<?> list) {
			sb.append('[');
			for (int i = 0; i < list.size(); i++) {
				if (i > 0) {
					sb.append(',');
				}
				write(list.get(i), sb);
			}
			sb.append(']');
		} else {
			string(value.toString(), sb);
		}
	}

	/** A JSON string: quotes, backslashes and every control character escaped (RFC 8259, section 7). */
	private static void string(String s, StringBuilder sb) {
		sb.append('"');
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			switch (c) {
			case '"' -> sb.append("\\\"");
			case '\\' -> sb.append("\\\\");
			case '\n' -> sb.append("\\n");
			case '\r' -> sb.append("\\r");
			case '\t' -> sb.append("\\t");
			case '\b' -> sb.append("\\b");
			case '\f' -> sb.append("\\f");
			default -> {
				// U+2028/2029 are valid JSON but break JavaScript parsers that eval it: escaped too
				if (c < 0x20 || c == '\u2028' || c == '\u2029') {
					sb.append(String.format("\\u%04x", (int) c));
				} else {
					sb.append(c);
				}
			}
			}
		}
		sb.append('"');
	}
}
