package org.mapfs.api;
public enum Errno { ENOENT }
