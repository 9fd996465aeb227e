package org.mapfs.store.nfs;

import java.io.IOException;

/**
 * A peer that broke the protocol (a record over the limit, a reply to a call never made, a malformed header):
 * unlike a lost connection it is not cured by sending again, so the calls it concerns fail with EIO at once.
 */
final class ProtocolFault extends IOException {
	private static final long serialVersionUID = 1L;

	ProtocolFault(String message) {
		super(message);
	}
}
