package org.mapfs.shell;

/**
 * An error the operator can fix (an unknown mount, a mount that is not active, a bad path or option). Gogo shows
 * its one-line message; it has no stack trace, since it never points at a bug.
 */
final class CommandException extends Exception {
	private static final long serialVersionUID = 1L;

	CommandException(String message) {
		super(message, null, false, false);
	}
}
