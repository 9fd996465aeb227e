package org.mapfs.shell;

/**
 * What a command prints, kept as data so that the text for people and the JSON for scripts come from the same
 * values.
 */
interface Output {
	/** The text for people: aligned columns, one line per row, each line ending with a newline. */
	String text();

	/** The same values as JSON-shaped data: maps, lists, strings, numbers, booleans. */
	Object data();

	/** What the command prints: the text, or with {@code json} the data as one line of JSON. */
	default String render(boolean json) {
		return json ? Json.write(data()) + "\n" : text();
	}
}
