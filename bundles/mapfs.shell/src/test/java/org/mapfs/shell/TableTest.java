package org.mapfs.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TableTest {
	@Test
	void columnsCanBeLeftOutOfEitherForm() {
		Table t = Table.withHeader().column("name").textColumn("shown").jsonColumn("hidden").row("a", "x y", 1)
				.row("longer", null, 2);
		assertEquals("""
				NAME    SHOWN
				a       x y
				longer  -
				""", t.text());
		assertEquals("[{\"name\":\"a\",\"hidden\":1},{\"name\":\"longer\",\"hidden\":2}]", Json.write(t.data()));
	}

	@Test
	void anEmptyTableIsItsHeaderOrNothing() {
		assertEquals("ID\n", Table.withHeader().column("id").text());
		assertEquals("", Table.withoutHeader().column("id").text());
		assertEquals("[]", Json.write(Table.withHeader().column("id").data()));
	}
}
