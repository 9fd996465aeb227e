package org.mapfs.frontend.nio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users and groups by name and number, from {@code /etc/passwd} and {@code /etc/group} (read again when they
 * change), as the JDK's Unix principals: a name that is all digits is taken as the number, an id without a name
 * shows as its number.
 */
final class Principals extends UserPrincipalLookupService {
	static final Principals LOOKUP = new Principals(Path.of("/etc/passwd"), Path.of("/etc/group"));

	/** A user; equal to the JDK's only in name and number, never as an object. */
	record User(int id, String name) implements UserPrincipal {
		@Override
		public String getName() {
			return name;
		}

		@Override
		public String toString() {
			return name;
		}
	}

	record Group(int id, String name) implements GroupPrincipal {
		@Override
		public String getName() {
			return name;
		}

		@Override
		public String toString() {
			return name;
		}
	}

	/** One of the two files as last read. */
	private record Table(FileTime modified, List<String[]> entries) {
	}

	private final Path passwd;
	private final Path group;
	private final Map<Path, Table> tables = new ConcurrentHashMap<>();

	Principals(Path passwd, Path group) {
		this.passwd = passwd;
		this.group = group;
	}

	User user(int uid) {
		String name = nameOf(passwd, uid);
		return new User(uid, name != null ? name : Integer.toString(uid));
	}

	Group group(int gid) {
		String name = nameOf(group, gid);
		return new Group(gid, name != null ? name : Integer.toString(gid));
	}

	@Override
	public UserPrincipal lookupPrincipalByName(String name) throws IOException {
		return new User(idOf(passwd, name), name);
	}

	@Override
	public GroupPrincipal lookupPrincipalByGroupName(String name) throws IOException {
		return new Group(idOf(group, name), name);
	}

	/** The number of a principal of any provider: ours carry it, others are looked up by name. */
	int uid(UserPrincipal p) throws IOException {
		return p instanceof User u ? u.id() : idOf(passwd, p.getName());
	}

	int gid(GroupPrincipal p) throws IOException {
		return p instanceof Group g ? g.id() : idOf(group, p.getName());
	}

	private List<String[]> entries(Path file) {
		try {
			FileTime modified = Files.getLastModifiedTime(file);
			Table t = tables.get(file);
			if (t == null || !t.modified().equals(modified)) {
				t = new Table(modified,
						Files.readAllLines(file).stream().map(l -> l.split(":")).filter(f -> f.length > 2).toList());
				tables.put(file, t);
			}
			return t.entries();
		} catch (IOException e) {
			return List.of();
		}
	}

	private String nameOf(Path file, int id) {
		String number = Integer.toString(id);
		return entries(file).stream().filter(f -> f[2].equals(number)).map(f -> f[0]).findFirst().orElse(null);
	}

	private int idOf(Path file, String name) throws UserPrincipalNotFoundException {
		for (String[] f : entries(file)) {
			if (f[0].equals(name)) {
				return Integer.parseInt(f[2]);
			}
		}
		if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
			return Integer.parseInt(name);
		}
		throw new UserPrincipalNotFoundException(name);
	}
}
