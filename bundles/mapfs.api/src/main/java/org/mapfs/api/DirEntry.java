package org.mapfs.api;

/** One name in a directory listing, with the type and inode number readdir reports for it. */
public record DirEntry(String name, FileType type, long ino) {
}
