package org.mapfs.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rows of values under named columns: for people an aligned table, for scripts a JSON array of objects keyed by
 * the column names. A column can be left out of either form, so that one row carries what both need (e.g. the
 * text of a rename is {@code from -> path}, while JSON has {@code path} and {@code from} apart).
 */
final class Table implements Output {
	private record Column(String name, boolean inText, boolean inJson) {
	}

	private final boolean header;
	private final List<Column> columns = new ArrayList<>();
	private final List<Object[]> rows = new ArrayList<>();

	private Table(boolean header) {
		this.header = header;
	}

	/** A table whose text starts with a line of the column names. */
	static Table withHeader() {
		return new Table(true);
	}

	/** A table whose text is the rows alone (like {@code git status --short}). */
	static Table withoutHeader() {
		return new Table(false);
	}

	Table column(String name) {
		columns.add(new Column(name, true, true));
		return this;
	}

	/** A column only people see. */
	Table textColumn(String name) {
		columns.add(new Column(name, true, false));
		return this;
	}

	/** A column only scripts see. */
	Table jsonColumn(String name) {
		columns.add(new Column(name, false, true));
		return this;
	}

	/** Adds a row: one value per column, in the order the columns were added. */
	Table row(Object... values) {
		if (values.length != columns.size()) {
			throw new IllegalArgumentException(values.length + " values for " + columns.size() + " columns");
		}
		rows.add(values.clone());
		return this;
	}

	@Override
	public String text() {
		List<String[]> lines = new ArrayList<>();
		if (header) {
			lines.add(columns.stream().filter(Column::inText).map(c -> c.name().toUpperCase(Locale.ROOT))
					.toArray(String[]::new));
		}
		for (Object[] row : rows) {
			List<String> cells = new ArrayList<>();
			for (int i = 0; i < columns.size(); i++) {
				if (columns.get(i).inText()) {
					cells.add(Text.cell(row[i]));
				}
			}
			lines.add(cells.toArray(String[]::new));
		}
		return Text.aligned(lines);
	}

	@Override
	public List<Map<String, Object>> data() {
		List<Map<String, Object>> list = new ArrayList<>();
		for (Object[] row : rows) {
			Map<String, Object> object = new LinkedHashMap<>();
			for (int i = 0; i < columns.size(); i++) {
				if (columns.get(i).inJson()) {
					object.put(columns.get(i).name(), row[i]);
				}
			}
			list.add(object);
		}
		return list;
	}
}
