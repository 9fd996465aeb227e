# shellcheck shell=bash
# Helpers of bench/run-peers.sh: logging, timing, caches, mounting and unmounting each file system.
# Sourced, not run. Expects WORK, REPO and the size variables of run-peers.sh.

log()  { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
warn() { log "WARNING: $*"; }
die()  { log "ERROR: $*"; exit 1; }

now_ns() { date +%s%N; }
# seconds between two now_ns values, 3 decimals
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }

# Flushes dirty data and empties the page, dentry and inode caches.
drop_caches() {
  timeout -k 5 300 sync || warn "sync did not finish within 300 s"
  echo 3 > /proc/sys/vm/drop_caches || warn "could not drop caches"
}

is_mounted() { awk -v m="$1" '$2 == m { f = 1 } END { exit !f }' /proc/mounts; }

# mount points under a folder, deepest first
mounts_under() {
  awk -v p="$1" 'index($2, p "/") == 1 || $2 == p { print $2 }' /proc/mounts | awk '{ print length($0) "\t" $0 }' |
    sort -rn | cut -f2-
}

# ids of processes that have the exact argument $1 on their command line (the daemon of one mount point)
pids_with_arg() {
  local d pid
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
    # the exact argument, or an option ending in it (mountpoint=/x/mnt)
    if tr '\0' '\n' 2>/dev/null < "$d/cmdline" |
      awk -v m="$1" '$0 == m || (length($0) > length(m) && substr($0, length($0) - length(m)) == "=" m) { f = 1 } END { exit !f }'
    then echo "$pid"; fi
  done
}

# the FUSE connection of a mount point (its minor device number), for /sys/fs/fuse/connections/N/abort
fuse_conn() { awk -v m="$1" '$5 == m { split($3, d, ":"); print d[2]; exit }' /proc/self/mountinfo; }

# Unmounts $1 whatever it takes, and waits until the daemons serving it are gone.
unmount_robust() {
  local m=$1 pids p i conn
  pids=$(pids_with_arg "$m")
  if is_mounted "$m"; then
    timeout -k 5 60 umount "$m" 2>/dev/null ||
      timeout -k 5 30 fusermount3 -u "$m" 2>/dev/null ||
      timeout -k 5 30 fusermount -u "$m" 2>/dev/null || {
        warn "unmount of $m failed (busy or hung): aborting its FUSE connection and detaching it lazily"
        conn=$(fuse_conn "$m")
        if [[ -n $conn && -w /sys/fs/fuse/connections/$conn/abort ]]; then echo 1 > "/sys/fs/fuse/connections/$conn/abort"; fi
        timeout -k 5 30 umount -l "$m" || warn "lazy unmount of $m failed"
      }
  fi
  # the daemons exit by themselves once unmounted; give them a while, then end them by id
  for ((i = 0; i < 150; i++)); do
    local alive=""
    for p in $pids; do kill -0 "$p" 2>/dev/null && alive+=" $p"; done
    [[ -z $alive ]] && return 0
    sleep 0.1
  done
  for p in $pids; do kill -0 "$p" 2>/dev/null && { warn "daemon $p of $m still running after unmount: SIGTERM"; kill "$p"; }; done
  sleep 2
  for p in $pids; do kill -0 "$p" 2>/dev/null && { warn "daemon $p of $m still running: SIGKILL"; kill -9 "$p"; }; done
  return 0
}

# ------------------------------------------------------------------------------------ the file systems
# Each takes LOWER UPPER WORKDIR MNT. "plain" has no mount: its repository is built in MNT directly.

fs_label() {
  case $1 in
    plain) echo "plain dir" ;;
    overlay) echo "overlayfs (kernel)" ;;
    fuse-overlayfs) echo "fuse-overlayfs" ;;
    unionfs) echo "unionfs-fuse" ;;
    mergerfs) echo "mergerfs" ;;
    mapfs) echo "MapFS" ;;
    mapfs-volatile) echo "MapFS volatile" ;;
    *) echo "$1" ;;
  esac
}

fs_version() {
  case $1 in
    plain) findmnt -n -o FSTYPE -T "$WORK" 2>/dev/null || echo "?" ;;
    overlay) echo "kernel $(uname -r)" ;;
    fuse-overlayfs) dpkg-query -W -f='${Version}' fuse-overlayfs 2>/dev/null ;;
    unionfs) dpkg-query -W -f='${Version}' unionfs-fuse 2>/dev/null ;;
    mergerfs) dpkg-query -W -f='${Version}' mergerfs 2>/dev/null ;;
    mapfs | mapfs-volatile) (cd "$REPO" && git describe --always --dirty 2>/dev/null) || echo "?" ;;
  esac
}

# Mounts; returns non-zero when the mount did not come up within MOUNT_TIMEOUT seconds.
fs_mount() {
  local fs=$1 lower=$2 upper=$3 work=$4 mnt=$5 rc=0
  case $fs in
    plain) return 0 ;;
    overlay)
      timeout -k 5 "$MOUNT_TIMEOUT" mount -t overlay overlay \
        -o "lowerdir=$lower,upperdir=$upper,workdir=$work${OVERLAY_OPTS:+,$OVERLAY_OPTS}" "$mnt" >>"$LOG" 2>&1 || rc=$? ;;
    fuse-overlayfs)
      timeout -k 5 "$MOUNT_TIMEOUT" fuse-overlayfs -o "lowerdir=$lower,upperdir=$upper,workdir=$work" "$mnt" >>"$LOG" 2>&1 || rc=$? ;;
    unionfs)
      # copy-on-write mode: the upper branch read-write, the repository read-only
      timeout -k 5 "$MOUNT_TIMEOUT" unionfs -o cow "$upper=RW:$lower=RO" "$mnt" >>"$LOG" 2>&1 || rc=$? ;;
    mergerfs)
      # not copy-on-write: it writes into the repository's files (RO only keeps new files out of that
      # branch) and renaming a repository directory fails (EROFS); only a reference for the read paths
      timeout -k 5 "$MOUNT_TIMEOUT" mergerfs -o "category.create=ff" "$upper=RW:$lower=RO" "$mnt" >>"$LOG" 2>&1 || rc=$? ;;
    mapfs | mapfs-volatile)
      # mapfs-volatile: copy-ups are not flushed to disk (as fuse-overlayfs does, and overlayfs's volatile option)
      local extra=""
      [[ $fs == mapfs-volatile ]] && extra=",volatile"
      MAPFS_NO_BUILD=1 timeout -k 5 "$MOUNT_TIMEOUT" "$REPO/mapfs" mount \
        -o "lowerdir=$lower,upperdir=$upper,workdir=$work$extra" "$mnt" >>"$LOG" 2>&1 || rc=$? ;;
    *) die "unknown file system $fs" ;;
  esac
  local i
  for ((i = 0; i < 100; i++)); do
    is_mounted "$mnt" && return 0
    ((rc != 0)) && break
    sleep 0.1
  done
  warn "$fs: mount of $mnt failed (exit $rc): $(tail -n 5 "$LOG" | tr '\n' ' ')"
  return 1
}

fs_unmount() { [[ $1 == plain ]] || unmount_robust "$2"; }

# Installs the Debian packages of the peers that are missing, and says what it installs.
ensure_packages() {
  local want=("$@") missing=() p
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get: install them yourself"
  log "installing with apt-get: ${missing[*]}"
  timeout 300 apt-get update -qq >&2 || warn "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq "${missing[@]}" >&2 ||
    warn "apt-get install ${missing[*]} failed"
}
