#!/usr/bin/env bash
# Whole-system benchmark: the same workloads, in one run, against a plain directory (the limit), the kernel's
# overlayfs, fuse-overlayfs, unionfs-fuse (cow) and MapFS (`./mapfs mount`), printed as Markdown tables
# with ratios to fuse-overlayfs and to the plain directory. See docs/BENCHMARKS.md.
#
# Usage: sudo bench/run-peers.sh [--quick] [--size SIZE] [--work DIR] [--fs LIST] [--timeout S]
#                                [--runs N] [--fio-runtime S] [--overlay-opts OPTS] [--out FILE] [--keep]
#   --quick            small sizes for development (64 MiB file, 2,000-file walk, 3 s fio, 1 run): under 2 minutes
#   --size SIZE        size of the big repository file (default 1G; dd/head syntax: 256M, 2G)
#   --work DIR         work folder on a local disk (default /var/tmp/mapfs-bench); the run uses a new folder in it
#                      and removes that at the end (and DIR too if it is then empty)
#   --fs LIST          comma-separated, in column order (default plain,overlay,fuse-overlayfs,unionfs,mapfs;
#                      also: mergerfs, which is not copy-on-write: it writes into the repository's files, and
#                      its rename of a repository directory fails; mapfs-volatile, MapFS with its copy-ups not
#                      flushed to disk, as fuse-overlayfs does)
#   --runs N           rounds over all file systems, interleaved, each on a fresh repository; the tables show
#                      the median and the range (default 3, --quick 1)
#   --timeout S        bound of each workload (default 180, --quick 60)
#   --fio-runtime S    seconds of each fio random-read run (default 5, --quick 3)
#   --overlay-opts O   extra options of the kernel overlayfs mount, e.g. redirect_dir=on (default none)
#   --out FILE         also write the tables (with the machine) to FILE
#   --keep             keep the work folder (for looking at the upper layers)
# Root is needed (mounts, drop_caches). Missing tools are installed with apt-get (it says which).
set -uo pipefail
ORIG_ARGS="$*"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
# shellcheck source=peers/lib.sh
source "$HERE/peers/lib.sh"
# shellcheck source=peers/fixtures.sh
source "$HERE/peers/fixtures.sh"

QUICK=0 BIG_SIZE="" WORK=/var/tmp/mapfs-bench FSLIST="plain,overlay,fuse-overlayfs,unionfs,mapfs"
WL_TIMEOUT="" FIO_RUNTIME="" OVERLAY_OPTS="" OUT="" KEEP=0 MOUNT_TIMEOUT=120 RUNS=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) QUICK=1 ;;
    --size) BIG_SIZE=$2; shift ;;
    --work) WORK=$2; shift ;;
    --fs) FSLIST=$2; shift ;;
    --timeout) WL_TIMEOUT=$2; shift ;;
    --fio-runtime) FIO_RUNTIME=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --overlay-opts) OVERLAY_OPTS=$2; shift ;;
    --out) OUT=$2; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (try --help)" ;;
  esac
  shift
done

if ((QUICK)); then
  : "${BIG_SIZE:=64M}" "${WL_TIMEOUT:=60}" "${FIO_RUNTIME:=3}" "${RUNS:=1}"
  N_WALK=2000 N_APPEND=200 N_RENAME=100 N_COPY=500 N_UNTAR=500
else
  : "${BIG_SIZE:=1G}" "${WL_TIMEOUT:=180}" "${FIO_RUNTIME:=5}" "${RUNS:=3}"
  N_WALK=20000 N_APPEND=2000 N_RENAME=1000 N_COPY=5000 N_UNTAR=5000
fi
_s=${BIG_SIZE%B}; BIG_BYTES=$(numfmt --from=iec "${_s%i}" 2>/dev/null) || die "bad --size $BIG_SIZE"
BIG_SIZE_LABEL=$(numfmt --to=iec-i --suffix=B "$BIG_BYTES")

[[ $WL_TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "--timeout takes whole seconds"
[[ $FIO_RUNTIME =~ ^[1-9][0-9]*$ ]] || die "--fio-runtime takes whole seconds"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs takes a positive number"
[[ $(id -u) -eq 0 ]] || die "run as root (mounts, drop_caches)"
[[ $WORK == /* && $WORK != *[[:space:]]* && $WORK != / ]] || die "--work must be an absolute path without spaces"
WORK=${WORK%/}
IFS=',' read -r -a FSS <<< "$FSLIST"

# ------------------------------------------------------------------------------------------- prerequisites
pkgs=(fio)
for fs in "${FSS[@]}"; do
  case $fs in
    fuse-overlayfs) pkgs+=(fuse-overlayfs) ;;
    unionfs) pkgs+=(unionfs-fuse) ;;
    mergerfs) pkgs+=(mergerfs) ;;
    mapfs | mapfs-volatile) pkgs+=(fuse3) ;;
    plain|overlay) ;;
    *) die "unknown file system $fs (plain, overlay, fuse-overlayfs, unionfs, mergerfs, mapfs, mapfs-volatile)" ;;
  esac
done
ensure_packages "${pkgs[@]}"
for c in fio dd tar find timeout numfmt; do command -v "$c" >/dev/null || die "missing $c"; done

declare -A SKIP=()
for fs in "${FSS[@]}"; do
  case $fs in
    overlay) grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
               SKIP[$fs]="kernel has no overlay file system" ;;
    fuse-overlayfs) command -v fuse-overlayfs >/dev/null || SKIP[$fs]="fuse-overlayfs not installed" ;;
    unionfs) command -v unionfs >/dev/null || SKIP[$fs]="unionfs-fuse not installed" ;;
    mergerfs) command -v mergerfs >/dev/null || SKIP[$fs]="mergerfs not installed" ;;
    mapfs | mapfs-volatile)
      if ! "$REPO/mapfs" help 2>/dev/null | grep -qE '^[[:space:]]+mount([[:space:]]|$)'; then
        SKIP[$fs]="MapFS not measured: this checkout's ./mapfs has no 'mount' subcommand yet"
      fi ;;
  esac
done

# ------------------------------------------------------------------------------------- work folder, cleanup
[[ -z $(mounts_under "$WORK") ]] || die "something is mounted under $WORK already: $(mounts_under "$WORK" | tr '\n' ' ')"
mkdir -p "$WORK" || die "cannot create $WORK"
CREATED_WORK=$(mktemp -d "$WORK/run.XXXXXX") || die "cannot create a folder in $WORK"
WORK=$CREATED_WORK
LOG=$WORK/log
RESULTS=$WORK/results.tsv
: > "$RESULTS"

cleanup() {
  local rc=$? m
  trap - EXIT INT TERM
  for m in $(mounts_under "$WORK"); do
    log "cleanup: unmounting $m"
    unmount_robust "$m"
  done
  local left
  left=$(mounts_under "$WORK")
  if [[ -n $left ]]; then
    warn "mounts left behind, NOT removing $WORK: $left"
    rc=1
  elif ((KEEP)); then
    log "kept $WORK"
  else
    rm -rf "$WORK"
    rmdir "${WORK%/*}" 2>/dev/null || true
  fi
  if awk -v p="${WORK%/*}" 'index($2, p "/") == 1 { f = 1 } END { exit !f }' /proc/mounts; then
    warn "/proc/mounts still lists mounts under ${WORK%/*}"; rc=1
  else
    log "no mounts left under ${WORK%/*} (checked /proc/mounts)"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --------------------------------------------------------------------------------------------- the machine
machine_info() {
  local disk dev
  dev=$(findmnt -n -o SOURCE -T "$WORK")
  disk="$(findmnt -n -o FSTYPE -T "$WORK") on $dev"
  local rot
  rot=$(lsblk -dno ROTA "$dev" 2>/dev/null | head -1)
  [[ $rot == 0 ]] && disk+=" (non-rotational)"
  [[ $rot == 1 ]] && disk+=" (reported rotational; virtual disks often say so)"
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- cpu: $(nproc) x $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "- memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "- disk: $disk, work folder ${WORK%/*}"
  echo "- kernel: $(uname -r); $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
  echo "- java: $({ "${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 || echo none; } | head -1)"
  echo "- load average at the start: $LOAD_START"
  local fs
  for fs in "${FSS[@]}"; do echo "- $(fs_label "$fs"): $(fs_version "$fs")${SKIP[$fs]:+ -- ${SKIP[$fs]}}"; done
  echo "- sizes: big file $BIG_SIZE_LABEL, walk $N_WALK files, append $N_APPEND, copy-in $N_COPY, rename $N_RENAME," \
       "untar/rm $N_UNTAR, fio ${FIO_RUNTIME} s per run; each workload bounded by ${WL_TIMEOUT} s;" \
       "$RUNS round(s) over all file systems, interleaved, each on a fresh repository"
}

# ---------------------------------------------------------------------------------------------- workloads
# record FS KEY VALUE UNIT STATUS
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >> "$RESULTS"; }

# timed FS KEY CHECK COMMAND: runs COMMAND (a bash string) bounded by the timeout, records its time.
# CHECK (a bash string run afterwards, untimed) must succeed for the result to count.
timed() {
  local fs=$1 key=$2 check=$3 cmd=$4 t0 t1 rc=0
  t0=$(now_ns)
  timeout -k 10 "$WL_TIMEOUT" bash -c "$cmd" >"$WORK/step.log" 2>&1 || rc=$?
  t1=$(now_ns)
  cat "$WORK/step.log" >> "$LOG"
  local secs
  secs=$(elapsed "$t0" "$t1")
  if ((rc == 124 || rc == 137)); then
    warn "$fs $key: timed out after $WL_TIMEOUT s"; record "$fs" "$key" "$secs" s timeout; return 1
  elif ((rc != 0)); then
    warn "$fs $key: exit $rc: $(tail -n 3 "$WORK/step.log" | tr '\n' ' ')"; record "$fs" "$key" "$secs" s fail; return 1
  elif [[ -n $check ]] && ! timeout -k 5 "$WL_TIMEOUT" bash -c "$check" >>"$LOG" 2>&1; then
    warn "$fs $key: finished in $secs s but its result is wrong (check: $check)"; record "$fs" "$key" "$secs" s fail; return 1
  fi
  log "  $key: $secs s"
  record "$fs" "$key" "$secs" s ok
}

# fio_iops FS KEY JOBS FILE COLD: 4 KiB random reads (buffered, psync) for FIO_RUNTIME seconds.
# COLD=1: caches dropped before (disk latency, readahead); COLD=0: the file read once through the mount before,
# so the data is in memory somewhere (page cache of the mount or of the layer below): the cost per read call.
fio_iops() {
  local fs=$1 key=$2 jobs=$3 file=$4 cold=$5 out rc=0
  if ((cold)); then
    drop_caches
  else
    timeout -k 10 "$WL_TIMEOUT" cat "$file" > /dev/null 2>>"$LOG"
  fi
  out=$(timeout -k 10 "$((FIO_RUNTIME + WL_TIMEOUT))" fio --name=randread --filename="$file" --readonly \
        --rw=randread --bs=4k --ioengine=psync --numjobs="$jobs" --group_reporting --time_based \
        --runtime="$FIO_RUNTIME" --invalidate="$cold" --minimal 2>"$WORK/step.log") || rc=$?
  cat "$WORK/step.log" >> "$LOG"
  local iops
  iops=$(awk -F';' 'NR == 1 && $5 == 0 { print $8 }' <<< "$out")
  if ((rc == 124 || rc == 137)); then
    warn "$fs $key: fio timed out"; record "$fs" "$key" 0 iops timeout
  elif ((rc != 0)) || [[ -z $iops ]]; then
    warn "$fs $key: fio failed (exit $rc): $(tail -n 3 "$WORK/step.log" | tr '\n' ' ')"; record "$fs" "$key" 0 iops fail
  else
    log "  $key: $iops IOPS"; record "$fs" "$key" "$iops" iops ok
  fi
}

run_fs() {
  local fs=$1 d=$WORK/$fs lower upper wk mnt
  lower=$d/lower upper=$d/upper wk=$d/work mnt=$d/mnt
  log "== $(fs_label "$fs")"
  remove_fs_dir "$d" || return 1
  mkdir -p "$d"
  if [[ $fs == plain ]]; then
    # the repository is built where the workloads run
    timeout 900 cp -a "$WORK/template" "$mnt" || { warn "copying the repository failed"; return 1; }
  else
    timeout 900 cp -a "$WORK/template" "$lower" || { warn "copying the repository failed"; return 1; }
    mkdir -p "$upper" "$wk" "$mnt"
  fi

  local M=$mnt
  # cold walk: caches dropped, then a fresh mount
  drop_caches
  local t0 t1
  t0=$(now_ns)
  if ! fs_mount "$fs" "$lower" "$upper" "$wk" "$mnt"; then
    record "$fs" mount 0 s fail
    warn "$fs: mount failed, skipping its workloads"; fs_unmount "$fs" "$mnt"; remove_fs_dir "$d"; return 1
  fi
  t1=$(now_ns)
  [[ $fs == plain ]] || { record "$fs" mount "$(elapsed "$t0" "$t1")" s ok; log "  mount: $(elapsed "$t0" "$t1") s"; }

  local walk="find $M/walk -printf '%i %s %m %n %T@\n' | wc -l > $d/walk.count"
  local walk_ok="[[ \$(cat $d/walk.count) -eq $((N_WALK + $(find "$WORK/template/walk" -type d | wc -l))) ]]"
  timed "$fs" walk_cold "$walk_ok" "$walk"
  timed "$fs" walk_warm "$walk_ok" "$walk"

  drop_caches
  timed "$fs" seq_read "" "dd if=$M/big.bin of=/dev/null bs=1M status=none"

  fio_iops "$fs" rand_cold 1 "$M/big.bin" 1
  fio_iops "$fs" rand_warm 2 "$M/big.bin" 0

  drop_caches
  local last
  last=$(tail -n 1 "$WORK/append.list")
  timed "$fs" append "[[ \$(tail -c 6 $M/$last) == append ]]" \
    "while IFS= read -r f; do printf 'append' >> $M/\$f; done < $WORK/append.list"

  drop_caches
  timed "$fs" first_write "[[ \$(stat -c %s $M/big.bin) -eq $BIG_BYTES && -z \$(head -c 4096 $M/big.bin | tr -d '\\0') ]]" \
    "dd if=/dev/zero of=$M/big.bin bs=4k count=1 conv=notrunc status=none"

  drop_caches
  timed "$fs" copy_in "[[ \$(find $M/copyin -type f | wc -l) -eq $N_COPY ]]" "cp -r $WORK/copysrc/src $M/copyin"

  drop_caches
  timed "$fs" rename "[[ ! -e $M/ren/src && \$(find $M/ren/dst -type f | wc -l) -eq $N_RENAME ]]" "mv $M/ren/src $M/ren/dst"

  drop_caches
  mkdir -p "$M/untar"
  timed "$fs" untar "[[ \$(find $M/untar/t -type f | wc -l) -eq $N_UNTAR ]]" "tar -xf $WORK/untar.tar -C $M/untar"
  drop_caches
  timed "$fs" rm "[[ ! -e $M/untar/t ]]" "rm -rf $M/untar/t"

  sync
  fs_unmount "$fs" "$mnt"
  # the repository must be untouched
  if [[ $fs != plain ]]; then
    local n
    n=$(find "$lower" -type f | wc -l)
    if [[ $n -ne $TEMPLATE_FILES ]] || ! cmp -s -n 4096 "$lower/big.bin" "$WORK/template/big.bin" ||
       [[ $(tail -c 6 "$lower/$last") == append ]]; then
      warn "$fs changed its repository (files: $n, expected $TEMPLATE_FILES; or big.bin or small files written)$(
        [[ $fs == mergerfs ]] && echo "; expected: mergerfs is not copy-on-write")"
    fi
  fi
  remove_fs_dir "$d"
}

# removes a file system's folder, never while something is still mounted in it
remove_fs_dir() {
  local m
  for m in $(mounts_under "$1"); do unmount_robust "$m"; done
  if [[ -n $(mounts_under "$1") ]]; then warn "still mounted under $1: not removing it"; return 1; fi
  rm -rf "$1"
}

# --------------------------------------------------------------------------------------------------- main
START=$(now_ns)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "work folder $WORK; file systems: ${FSS[*]}; big file $BIG_SIZE_LABEL$( ((QUICK)) && echo ' (quick)')"
log "load average: $LOAD_START"
if [[ " ${FSS[*]} " =~ " mapfs"(-volatile)?" " && -z ${SKIP[mapfs]:-} ]]; then
  # a first mount of empty folders, not timed: ./mapfs mount builds what it needs here; the timed mounts then
  # run with MAPFS_NO_BUILD=1
  log "preparing MapFS (not timed): a first ./mapfs mount, which builds it if needed"
  mkdir -p "$WORK/prep/l" "$WORK/prep/u" "$WORK/prep/w" "$WORK/prep/m"
  if timeout -k 10 900 "$REPO/mapfs" mount -o "lowerdir=$WORK/prep/l,upperdir=$WORK/prep/u,workdir=$WORK/prep/w" \
       "$WORK/prep/m" >>"$LOG" 2>&1 && is_mounted "$WORK/prep/m"; then
    unmount_robust "$WORK/prep/m"
  else
    SKIP[mapfs]="MapFS not measured: ./mapfs mount failed (build or start); see its output below"
    SKIP[mapfs-volatile]=${SKIP[mapfs]}
    warn "${SKIP[mapfs]}"; tail -n 30 "$LOG" >&2
    unmount_robust "$WORK/prep/m"
  fi
  rm -rf "$WORK/prep"
fi
log "building the fixtures"
build_fixtures || die "building the fixtures failed"
MACHINE=$(machine_info)

for ((ROUND = 1; ROUND <= RUNS; ROUND++)); do
  ((RUNS > 1)) && log "=== round $ROUND of $RUNS"
  # each round starts one file system further on, so none always runs right after the same neighbour (whose
  # removed files and dirty pages the host's disk is still busy with)
  for ((i = 0; i < ${#FSS[@]}; i++)); do
    fs=${FSS[$(( (i + ROUND - 1) % ${#FSS[@]} ))]}
    if [[ -n ${SKIP[$fs]:-} ]]; then
      ((ROUND == 1)) && log "== $(fs_label "$fs"): skipped: ${SKIP[$fs]}"
      continue
    fi
    run_fs "$fs" || warn "$fs: aborted"
  done
done

ROWS="mount=mount (until ready)"
ROWS+=";walk_cold=metadata walk, cold: find + stat $N_WALK files"
ROWS+=";walk_warm=metadata walk, warm (second run)"
ROWS+=";seq_read=sequential read, $BIG_SIZE_LABEL (dd bs=1M, cold)"
ROWS+=";rand_cold=4 KiB random read, cold, fio 1 job, ${FIO_RUNTIME} s"
ROWS+=";rand_warm=4 KiB random read, warm, fio 2 jobs, ${FIO_RUNTIME} s"
ROWS+=";append=append to $N_APPEND repository files (copy-up)"
ROWS+=";first_write=first 4 KiB write into the $BIG_SIZE_LABEL file (copy-up)"
ROWS+=";copy_in=cp -r $N_COPY small files in"
ROWS+=";rename=mv a repository dir of $N_RENAME files"
ROWS+=";untar=untar $N_UNTAR files"
ROWS+=";rm=rm -rf of those $N_UNTAR files"
LABELS="" COLS=""
for fs in "${FSS[@]}"; do LABELS+="$fs=$(fs_label "$fs");"; COLS+="$fs "; done

TOTAL=$(elapsed "$START" "$(now_ns)")
{
  echo "Machine and run:"
  echo
  echo "$MACHINE"
  echo "- command: bench/run-peers.sh ${ORIG_ARGS:-}"
  echo "- total time: ${TOTAL%.*} s; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  awk -v fslist="$COLS" -v labels="$LABELS" -v rows="$ROWS" -v ref1=fuse-overlayfs -v ref2=plain \
      -v timeout="$WL_TIMEOUT" -v nruns="$RUNS" -f "$HERE/peers/table.awk" "$RESULTS"
  for fs in "${FSS[@]}"; do [[ -n ${SKIP[$fs]:-} ]] && { echo; echo "Note: $(fs_label "$fs"): ${SKIP[$fs]}."; }; done
} > "$WORK/report.md"
cat "$WORK/report.md"
[[ -n $OUT ]] && cp "$WORK/report.md" "$OUT" && log "report written to $OUT"
exit 0
