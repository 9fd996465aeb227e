#!/usr/bin/env python3
"""Differential test of a MapFS FUSE mount, from another process, with ordinary syscalls (Python's os module).

  differential.py build SEED DIR            fill DIR with a random repository
  differential.py run SEED MOUNT PLAIN OPS  the same random operations on MOUNT and on PLAIN (a copy of the
                                            repository); every operation must succeed or fail with the same
                                            errno; then the trees must be equal
  differential.py compare MOUNT PLAIN       the trees must be equal (content, type, mode, owner, link counts,
                                            symlink targets, user xattrs, which names are one file)
Exit status 0 when all is equal; 1 with the difference and the log of operations otherwise.
"""
import hashlib
import os
import random
import stat
import sys

NAMES = ["a", "b", "c", "etc", "bin", "lib", "data.bin", "x.conf"]


def build(rnd, root, depth=0):
    for _ in range(2 + rnd.randrange(4)):
        p = os.path.join(root, rnd.choice(NAMES))
        if os.path.lexists(p):
            continue
        kind = rnd.randrange(10)
        if kind < 4 and depth < 3:
            os.mkdir(p, 0o755)
            build(rnd, p, depth + 1)
        elif kind < 9:
            with open(p, "wb") as f:
                f.write(rnd.randbytes(rnd.randrange(3000)))
            os.chmod(p, rnd.choice([0o644, 0o755]))
            if rnd.randrange(4) == 0:
                os.setxattr(p, "user.tag", rnd.randbytes(5))
        else:
            os.symlink(rnd.choice(["../a", "/etc/passwd"]), p)


def entries(root):
    """Directories (the root first), regular files and symlinks below root, relative, never through a symlink."""
    dirs, files, links = [""], [], []
    for top, ds, fs in os.walk(root):
        rel = os.path.relpath(top, root)
        rel = "" if rel == "." else rel
        for n in ds + fs:
            q = os.path.join(rel, n)
            m = os.lstat(os.path.join(root, q)).st_mode
            (links if stat.S_ISLNK(m) else dirs if stat.S_ISDIR(m) else files).append(q)
    return sorted(dirs), sorted(files), sorted(links)


def outcome(fn):
    try:
        fn()
        return "ok"
    except OSError as e:
        return errnoname(e.errno)


def errnoname(n):
    import errno
    return errno.errorcode.get(n, str(n))


def write(path, off, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        os.pwrite(fd, data, off)
    finally:
        os.close(fd)


def truncate(path, size):
    fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW)
    try:
        os.ftruncate(fd, size)
    finally:
        os.close(fd)


def step(rnd, plain, mount, log):
    dirs, files, links = entries(plain)
    subdirs = dirs[1:]
    non_dirs = files + links
    d = rnd.choice(dirs)
    fresh = os.path.join(d, rnd.choice(NAMES) + ("" if rnd.randrange(2) else "-%d" % rnd.randrange(3)))
    anyp = fresh if rnd.randrange(4) == 0 or not subdirs else rnd.choice(files if files and rnd.randrange(2) else subdirs)
    f = fresh if not files or rnd.randrange(5) == 0 else rnd.choice(files)
    target = rnd.choice(files if files and rnd.randrange(2) else dirs)
    op = rnd.randrange(14)
    if op <= 1:
        off, data = rnd.randrange(4000), rnd.randbytes(1 + rnd.randrange(2000))
        what, act = "write %s @%d" % (f, off), lambda r: write(os.path.join(r, f), off, data)
    elif op == 2:
        size = rnd.randrange(5000)
        what, act = "truncate %s %d" % (anyp, size), lambda r: truncate(os.path.join(r, anyp), size)
    elif op == 3:
        v = rnd.choice(non_dirs) if non_dirs else fresh
        what, act = "unlink " + v, lambda r: os.unlink(os.path.join(r, v))
    elif op == 4:
        what, act = "mkdir " + fresh, lambda r: os.mkdir(os.path.join(r, fresh), 0o750)
    elif op == 5:
        v = rnd.choice(subdirs) if subdirs and rnd.randrange(4) else fresh
        what, act = "rmdir " + v, lambda r: os.rmdir(os.path.join(r, v))
    elif op in (6, 7):
        if not non_dirs and not subdirs:
            return
        src = rnd.choice(subdirs) if subdirs and (rnd.randrange(3) == 0 or not non_dirs) else rnd.choice(non_dirs)
        dst = anyp if rnd.randrange(3) == 0 else fresh
        what, act = "rename %s %s" % (src, dst), lambda r: os.rename(os.path.join(r, src), os.path.join(r, dst))
    elif op == 8:
        t = rnd.choice(["../" + rnd.choice(NAMES), "/tmp"])
        what, act = "symlink %s -> %s" % (fresh, t), lambda r: os.symlink(t, os.path.join(r, fresh))
    elif op == 9:
        m = rnd.choice([0o600, 0o711, 0o4755])
        what, act = "chmod %s %o" % (target, m), lambda r: os.chmod(os.path.join(r, target), m)
    elif op == 10:
        value, remove = rnd.randbytes(1 + rnd.randrange(20)), rnd.randrange(3) == 0
        what = ("removexattr " if remove else "setxattr ") + target
        act = (lambda r: os.removexattr(os.path.join(r, target), "user.k")) if remove else (
            lambda r: os.setxattr(os.path.join(r, target), "user.k", value))
    elif op == 11:
        uid = 1000 + rnd.randrange(3)
        what, act = "chown %s %d" % (target, uid), lambda r: os.chown(os.path.join(r, target), uid, uid,
                                                                       follow_symlinks=False)
    elif op == 12:
        if not files:
            return
        e = rnd.choice(files)
        what, act = "link %s %s" % (e, fresh), lambda r: os.link(os.path.join(r, e), os.path.join(r, fresh),
                                                                 follow_symlinks=False)
    else:
        if not files:
            return
        e = rnd.choice(files)
        what, act = "read " + e, lambda r: open(os.path.join(r, e), "rb").read()
    a, b = outcome(lambda: act(plain)), outcome(lambda: act(mount))
    log.append("%s: %s" % (what, a))
    if a != b:
        fail("%s: plain %s, mapfs %s" % (what, a, b), log)


def tree(root):
    out, inodes = {}, {}
    for top, ds, fs in os.walk(root):
        for n in ds + fs:
            p = os.path.join(top, n)
            rel = os.path.relpath(p, root)
            s = os.lstat(p)
            line = "%o %d:%d n%d" % (s.st_mode, s.st_uid, s.st_gid, s.st_nlink)
            if stat.S_ISREG(s.st_mode):
                with open(p, "rb") as fh:
                    line += " %d %s" % (s.st_size, hashlib.sha256(fh.read()).hexdigest()[:16])
            if stat.S_ISLNK(s.st_mode):
                line += " -> " + os.readlink(p)
            else:
                for x in sorted(os.listxattr(p, follow_symlinks=False)):
                    if x.startswith("user."):
                        line += " %s=%s" % (x, os.getxattr(p, x, follow_symlinks=False).hex())
            if not stat.S_ISDIR(s.st_mode):
                inodes.setdefault(s.st_ino, []).append(rel)
            out[rel] = line
    groups = sorted(sorted(g) for g in inodes.values() if len(g) > 1)
    return out, groups


def compare(mount, plain, log):
    (a, ga), (b, gb) = tree(plain), tree(mount)
    diff = ["%s: plain %s | mapfs %s" % (k, a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    if ga != gb:
        diff.append("hard links: plain %s | mapfs %s" % (ga, gb))
    if diff:
        fail("trees differ:\n" + "\n".join(diff), log)


def fail(message, log):
    print(message)
    print("operations:\n" + "\n".join(log))
    sys.exit(1)


def main():
    cmd = sys.argv[1]
    if cmd == "build":
        build(random.Random(int(sys.argv[2])), sys.argv[3])
    elif cmd == "run":
        rnd, mount, plain, ops = random.Random(int(sys.argv[2])), sys.argv[3], sys.argv[4], int(sys.argv[5])
        log = []
        for _ in range(ops):
            step(rnd, plain, mount, log)
        compare(mount, plain, log)
        print("ok: %d operations" % len(log))
    elif cmd == "compare":
        compare(sys.argv[2], sys.argv[3], [])
        print("ok")
    else:
        sys.exit("usage: differential.py build|run|compare ...")


if __name__ == "__main__":
    main()
