package org.mapfs.shell;

import java.io.IOException;

/** What every command does with its result: print it for people or as JSON, or fail with one clear line. */
final class Commands {
	static final String JSON_HELP = "print the same data as JSON";

	private Commands() {
	}

	/** Makes a command's output; may fail with an error the operator can fix. */
	interface Result {
		Output make() throws IOException, CommandException;
	}

	/**
	 * Prints the result. The engine's and ConfigAdmin's errors (unknown mount, not active, no such file) become
	 * the one line Gogo shows, without a stack trace. Gogo gives each command's thread the session's output as
	 * System.out.
	 */
	static void print(boolean json, Result result) throws CommandException {
		try {
			System.out.print(result.make().render(json));
		} catch (IOException e) {
			throw new CommandException(e.getMessage());
		}
	}
}
