package org.mapfs.store.image;

/**
 * One partition of a partitioned image: its number as Linux counts it (MBR logical partitions from 5), where it
 * starts and how long it is in bytes, its type as the table names it, and whether that type is a Linux file system.
 */
record Partition(int number, long start, long length, String type, boolean linux) {
}
