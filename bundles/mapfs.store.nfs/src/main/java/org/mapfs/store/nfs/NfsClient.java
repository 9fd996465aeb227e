package org.mapfs.store.nfs;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.mapfs.api.Errno;
import org.mapfs.api.FileAttributes;
import org.mapfs.api.FileType;
import org.mapfs.api.FsException;
import org.mapfs.api.FsPath;

/**
 * The NFS version 3 procedures (RFC 1813) over an {@link RpcClient}: arguments encoded, results decoded, an
 * nfsstat3 other than NFS3_OK turned into an {@link FsException} with its errno and the path it concerns.
 */
final class NfsClient {
	static final int PROGRAM = 100003;
	static final int VERSION = 3;
	/** Data per READ or WRITE at most, whatever the server offers: bounds what one reply may hold. */
	static final int MAX_IO = 1 << 20;
	/** Largest reply accepted: a READ of {@link #MAX_IO} bytes and its header. */
	static final int MAX_RECORD = MAX_IO + 64 * 1024;

	private static final int GETATTR = 1;
	private static final int SETATTR = 2;
	private static final int LOOKUP = 3;
	private static final int ACCESS = 4;
	private static final int READLINK = 5;
	private static final int READ = 6;
	private static final int WRITE = 7;
	private static final int CREATE = 8;
	private static final int MKDIR = 9;
	private static final int SYMLINK = 10;
	private static final int MKNOD = 11;
	private static final int REMOVE = 12;
	private static final int RMDIR = 13;
	private static final int RENAME = 14;
	private static final int LINK = 15;
	private static final int READDIRPLUS = 17;
	private static final int FSSTAT = 18;
	private static final int FSINFO = 19;
	private static final int PATHCONF = 20;
	private static final int COMMIT = 21;

	/** ACCESS3 bits. */
	static final int ACCESS_READ = 0x01;
	static final int ACCESS_MODIFY = 0x04;

	private static final int DIRCOUNT = 32 * 1024;
	private static final int MAXCOUNT = 128 * 1024;
	private static final int JUKEBOX_TRIES = 20;
	private static final long JUKEBOX_DELAY_MILLIS = 500;
	private static final int MAX_LINK_BYTES = FsPath.PATH_MAX;

	/** How CREATE treats an existing name (createmode3). */
	enum CreateMode {
		/** Replace nothing, refuse nothing: open an existing file. */
		UNCHECKED,
		/** NFS3ERR_EXIST if the name exists. */
		GUARDED,
		/** NFS3ERR_EXIST unless the name was created with this verifier: safe to send again. */
		EXCLUSIVE
	}

	/** WRITE's stable_how, in its protocol order. */
	enum Stable {
		UNSTABLE, DATA_SYNC, FILE_SYNC
	}

	/** An object and its attributes (null where the server sent none). */
	record Node(NfsHandle handle, FileAttributes attrs) {
	}

	/** A READ's data, a view of its reply, and whether it reached the end of the file. */
	record ReadResult(ByteBuffer data, boolean eof) {
	}

	record WriteResult(int count, Stable committed, long verifier) {
	}

	record Entry(String name, long fileid, NfsHandle handle, FileAttributes attrs) {
	}

	record FsInfo(int rtmax, int rtpref, int wtmax, int wtpref, long maxFileSize) {
	}

	record FsStat(long totalBytes, long freeBytes, long availableBytes, long totalFiles, long freeFiles,
			long availableFiles) {
	}

	record PathConf(int linkMax, int nameMax) {
	}

	private record Reply(NfsStatus status, XdrReader results) {
	}

	private final RpcClient rpc;
	private final RetryPolicy policy;

	NfsClient(RpcClient rpc) {
		this(rpc, rpc.policy());
	}

	private NfsClient(RpcClient rpc, RetryPolicy policy) {
		this.rpc = rpc;
		this.policy = policy;
	}

	/** The same client with another retry policy (a soft one while a store is being opened). */
	NfsClient withPolicy(RetryPolicy other) {
		return new NfsClient(rpc, other);
	}

	void close() {
		rpc.close();
	}

	// ---------------------------------------------------------------------------------------------------------
	// calls and status

	/** Calls a procedure; NFS3ERR_JUKEBOX (the file is not there yet, try later) is retried after a while. */
	private Reply invoke(int proc, String name, Consumer<XdrWriter> args) throws FsException {
		for (int attempt = 1;; attempt++) {
			XdrReader r = rpc.await(rpc.start(proc, "NFS " + name, policy, args));
			NfsStatus status = status(r);
			if (status != NfsStatus.JUKEBOX || attempt >= JUKEBOX_TRIES) {
				return new Reply(status, r);
			}
			try {
				Thread.sleep(JUKEBOX_DELAY_MILLIS);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new FsException(Errno.EIO, null, "NFS " + name + ": interrupted", e);
			}
		}
	}

	private static NfsStatus status(XdrReader r) throws FsException {
		int code = r.getInt("nfsstat3");
		NfsStatus s = NfsStatus.of(code);
		if (s == null) {
			throw r.malformed("nfsstat3 " + code);
		}
		return s;
	}

	/** The results of a call that succeeded; an error status is thrown as its errno. */
	private XdrReader ok(int proc, String name, FsPath subject, Consumer<XdrWriter> args) throws FsException {
		Reply reply = invoke(proc, name, args);
		return ok(reply.status, reply.results, name, subject);
	}

	private static XdrReader ok(NfsStatus status, XdrReader r, String name, FsPath subject) throws FsException {
		if (status != NfsStatus.OK) {
			throw new FsException(status.errno(), subject, "NFS " + name + ": " + status);
		}
		return r;
	}

	private static Consumer<XdrWriter> dirop(NfsHandle dir, String name, Consumer<XdrWriter> more) {
		return w -> {
			dir.encode(w);
			w.putString(name);
			more.accept(w);
		};
	}

	private static Node created(XdrReader r) throws FsException {
		NfsHandle h = r.getBoolean("handle_follows") ? NfsHandle.decode(r, "new handle") : null;
		FileAttributes attrs = Fattr.decodeOptional(r);
		Fattr.skipWcc(r);
		return new Node(h, attrs);
	}

	// ---------------------------------------------------------------------------------------------------------
	// procedures

	Node lookup(NfsHandle dir, String name, FsPath subject) throws FsException {
		XdrReader r = ok(LOOKUP, "LOOKUP", subject, dirop(dir, name, w -> {
		}));
		NfsHandle h = NfsHandle.decode(r, "object handle");
		return new Node(h, Fattr.decodeOptional(r));
	}

	FileAttributes getattr(NfsHandle fh, FsPath subject) throws FsException {
		return Fattr.decode(ok(GETATTR, "GETATTR", subject, fh::encode));
	}

	/** The ACCESS3 bits of {@code bits} the server grants to this client's credentials. */
	int access(NfsHandle fh, int bits, FsPath subject) throws FsException {
		XdrReader r = ok(ACCESS, "ACCESS", subject, w -> {
			fh.encode(w);
			w.putInt(bits);
		});
		Fattr.decodeOptional(r);
		return r.getInt("access");
	}

	String readlink(NfsHandle fh, FsPath subject) throws FsException {
		XdrReader r = ok(READLINK, "READLINK", subject, fh::encode);
		Fattr.decodeOptional(r);
		return r.getString(MAX_LINK_BYTES, "link target");
	}

	/** Sends a READ; its data is collected with {@link #finishRead}. */
	RpcCall startRead(NfsHandle fh, long offset, int count) throws FsException {
		return rpc.start(READ, "NFS READ", policy, w -> {
			fh.encode(w);
			w.putLong(offset).putInt(count);
		});
	}

	/** Waits for a READ's data: at most {@code asked} bytes. */
	ReadResult finishRead(RpcCall call, int asked, FsPath subject) throws FsException {
		XdrReader results = rpc.await(call);
		XdrReader r = ok(status(results), results, "READ", subject);
		Fattr.decodeOptional(r);
		int count = r.getUint("count", asked);
		boolean eof = r.getBoolean("eof");
		ByteBuffer data = r.getOpaqueView(asked, "data");
		if (data.remaining() != count) {
			throw r.malformed("count " + count + " but " + data.remaining() + " bytes of data");
		}
		return new ReadResult(data, eof);
	}

	/** Lets go of a READ or WRITE whose result is not needed any more. */
	void abandon(RpcCall call) {
		rpc.abandon(call);
	}

	/** Sends a WRITE of the remaining bytes of {@code data} (not moving its position). */
	RpcCall startWrite(NfsHandle fh, long offset, ByteBuffer data, Stable stable) throws FsException {
		return rpc.start(WRITE, "NFS WRITE", policy, w -> {
			fh.encode(w);
			w.putLong(offset).putInt(data.remaining()).putInt(stable.ordinal()).putOpaque(data);
		});
	}

	WriteResult finishWrite(RpcCall call, FsPath subject) throws FsException {
		XdrReader results = rpc.await(call);
		XdrReader r = ok(status(results), results, "WRITE", subject);
		Fattr.skipWcc(r);
		int count = r.getUint("count", MAX_IO);
		int committed = r.getInt("committed");
		if (committed < 0 || committed > 2) {
			throw r.malformed("stable_how " + committed);
		}
		return new WriteResult(count, Stable.values()[committed], r.getLong("verifier"));
	}

	/** COMMIT of the whole file; returns the server's write verifier. */
	long commit(NfsHandle fh, FsPath subject) throws FsException {
		XdrReader r = ok(COMMIT, "COMMIT", subject, w -> {
			fh.encode(w);
			w.putLong(0).putInt(0);
		});
		Fattr.skipWcc(r);
		return r.getLong("verifier");
	}

	/**
	 * CREATE: {@code attrs} for UNCHECKED and GUARDED, {@code verifier} for EXCLUSIVE (whose attributes are set
	 * with a SETATTR after it).
	 */
	Node create(NfsHandle dir, String name, CreateMode mode, Sattr attrs, long verifier, FsPath subject)
			throws FsException {
		return created(ok(CREATE, "CREATE", subject, dirop(dir, name, w -> {
			w.putInt(mode.ordinal());
			if (mode == CreateMode.EXCLUSIVE) {
				w.putLong(verifier);
			} else {
				attrs.encode(w);
			}
		})));
	}

	Node mkdir(NfsHandle dir, String name, Sattr attrs, FsPath subject) throws FsException {
		return created(ok(MKDIR, "MKDIR", subject, dirop(dir, name, attrs::encode)));
	}

	Node symlink(NfsHandle dir, String name, Sattr attrs, String target, FsPath subject) throws FsException {
		return created(ok(SYMLINK, "SYMLINK", subject, dirop(dir, name, w -> {
			attrs.encode(w);
			w.putString(target);
		})));
	}

	/** MKNOD of a device, fifo or socket; {@code rdev} in Linux's encoding. */
	Node mknod(NfsHandle dir, String name, FileType type, Sattr attrs, long rdev, FsPath subject)
			throws FsException {
		int ftype = switch (type) {
			case BLOCK_DEVICE -> 3;
			case CHAR_DEVICE -> 4;
			case SOCKET -> 6;
			case FIFO -> 7;
			default -> throw new FsException(Errno.EINVAL, subject, "MKNOD cannot make a " + type);
		};
		return created(ok(MKNOD, "MKNOD", subject, dirop(dir, name, w -> {
			w.putInt(ftype);
			attrs.encode(w);
			if (type == FileType.BLOCK_DEVICE || type == FileType.CHAR_DEVICE) {
				w.putInt(Fattr.major(rdev)).putInt(Fattr.minor(rdev));
			}
		})));
	}

	void remove(NfsHandle dir, String name, FsPath subject) throws FsException {
		ok(REMOVE, "REMOVE", subject, dirop(dir, name, w -> {
		}));
	}

	void rmdir(NfsHandle dir, String name, FsPath subject) throws FsException {
		ok(RMDIR, "RMDIR", subject, dirop(dir, name, w -> {
		}));
	}

	void rename(NfsHandle fromDir, String fromName, NfsHandle toDir, String toName, FsPath subject)
			throws FsException {
		ok(RENAME, "RENAME", subject, dirop(fromDir, fromName, dirop(toDir, toName, w -> {
		})));
	}

	void link(NfsHandle fh, NfsHandle dir, String name, FsPath subject) throws FsException {
		ok(LINK, "LINK", subject, w -> {
			fh.encode(w);
			dirop(dir, name, x -> {
			}).accept(w);
		});
	}

	void setattr(NfsHandle fh, Sattr attrs, FsPath subject) throws FsException {
		ok(SETATTR, "SETATTR", subject, w -> {
			fh.encode(w);
			attrs.encode(w);
			w.putBoolean(false); // no guard on ctime
		});
	}

	/**
	 * All entries of a directory but {@code .} and {@code ..}, page by page (cookie and cookie verifier); a
	 * listing whose cookie the server stopped accepting is started once more from the beginning.
	 */
	List<Entry> readdirplus(NfsHandle dir, FsPath subject) throws FsException {
		for (int attempt = 1;; attempt++) {
			List<Entry> entries = new ArrayList<>();
			long cookie = 0;
			long verifier = 0;
			for (;;) {
				long c = cookie;
				long v = verifier;
				Reply reply = invoke(READDIRPLUS, "READDIRPLUS", w -> {
					dir.encode(w);
					w.putLong(c).putLong(v).putInt(DIRCOUNT).putInt(MAXCOUNT);
				});
				if (reply.status == NfsStatus.BAD_COOKIE && attempt == 1) {
					break;
				}
				XdrReader r = ok(reply.status, reply.results, "READDIRPLUS", subject);
				Fattr.decodeOptional(r);
				verifier = r.getLong("cookieverf");
				int page = 0;
				while (r.getBoolean("value_follows")) {
					long fileid = r.getLong("fileid");
					String name = r.getString(FsPath.NAME_MAX, "name");
					cookie = r.getLong("cookie");
					FileAttributes attrs = Fattr.decodeOptional(r);
					NfsHandle h = r.getBoolean("handle_follows") ? NfsHandle.decode(r, "entry handle") : null;
					page++;
					if (name.equals(".") || name.equals("..")) {
						continue;
					}
					try {
						FsPath.checkName(name);
					} catch (FsException e) {
						throw r.malformed("entry name: " + e.getMessage());
					}
					entries.add(new Entry(name, fileid, h, attrs));
				}
				if (r.getBoolean("eof")) {
					return entries;
				}
				if (page == 0) {
					throw r.malformed("a page without entries that is not the last");
				}
			}
		}
	}

	FsInfo fsinfo(NfsHandle root) throws FsException {
		XdrReader r = ok(FSINFO, "FSINFO", FsPath.ROOT, root::encode);
		Fattr.decodeOptional(r);
		int rtmax = r.getInt("rtmax");
		int rtpref = r.getInt("rtpref");
		r.getInt("rtmult");
		int wtmax = r.getInt("wtmax");
		int wtpref = r.getInt("wtpref");
		r.getInt("wtmult");
		r.getInt("dtpref");
		long maxFileSize = r.getLong("maxfilesize");
		return new FsInfo(rtmax, rtpref, wtmax, wtpref, maxFileSize);
	}

	FsStat fsstat(NfsHandle root) throws FsException {
		XdrReader r = ok(FSSTAT, "FSSTAT", FsPath.ROOT, root::encode);
		Fattr.decodeOptional(r);
		return new FsStat(r.getLong("tbytes"), r.getLong("fbytes"), r.getLong("abytes"), r.getLong("tfiles"),
				r.getLong("ffiles"), r.getLong("afiles"));
	}

	PathConf pathconf(NfsHandle root) throws FsException {
		XdrReader r = ok(PATHCONF, "PATHCONF", FsPath.ROOT, root::encode);
		Fattr.decodeOptional(r);
		return new PathConf(r.getInt("linkmax"), r.getInt("name_max"));
	}
}
