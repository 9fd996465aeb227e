package org.mapfs.shell;

import java.util.List;
import java.util.Locale;

/** How values look for people, shared by {@link Table} and {@link Fields}. */
final class Text {
	/** Between two columns. */
	private static final String GAP = "  ";

	private Text() {
	}

	/** A value as a cell: lists comma-separated, booleans yes/no, fractions with one decimal, null as "-". */
	static String cell(Object value) {
		if (value == null) {
			return "-";
		}
		if (value instanceof List<?> list) {
			return list.isEmpty() ? "-" : String.join(",", list.stream().map(String::valueOf).toList());
		}
		if (value instanceof Boolean b) {
			return b ? "yes" : "no";
		}
		if (value instanceof Double || value instanceof Float) {
			return String.format(Locale.ROOT, "%.1f", ((Number) value).doubleValue());
		}
		String s = value.toString();
		return s.isEmpty() ? "-" : s;
	}

	/** Lines of cells with every column as wide as its widest cell; the last cell is not padded. */
	static String aligned(List<String[]> lines) {
		int columns = lines.stream().mapToInt(l -> l.length).max().orElse(0);
		int[] width = new int[columns];
		for (String[] line : lines) {
			for (int i = 0; i < line.length; i++) {
				width[i] = Math.max(width[i], line[i].length());
			}
		}
		StringBuilder sb = new StringBuilder();
		for (String[] line : lines) {
			for (int i = 0; i < line.length; i++) {
				sb.append(line[i]);
				if (i < line.length - 1) {
					sb.append(" ".repeat(width[i] - line[i].length())).append(GAP);
				}
			}
			sb.append('\n');
		}
		return sb.toString();
	}
}
