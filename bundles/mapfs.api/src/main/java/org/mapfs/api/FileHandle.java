package org.mapfs.api;

/**
 * A file opened through a {@link Mount}. It stays valid across copy-up: every handle of a file, opened before or
 * after the private copy was made, reads and writes the same data.
 */
public interface FileHandle extends FileData {
	/** fstat: the attributes of the open file, also after it was unlinked (then with nlink 0). */
	FileAttributes stat() throws FsException;
}
