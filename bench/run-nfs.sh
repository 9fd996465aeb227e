#!/usr/bin/env bash
# NFS store benchmark: the same export read, in one run, by MapFS's NFS store (its own NFSv3 client, in Java) and by
# libnfs's command line tools (nfs-cat, nfs-ls -R), the independent NFSv3 client. nfs-ganesha serves the export in
# a private network namespace on loopback. Prints a Markdown table; see docs/BENCHMARKS.md.
#
# Usage: sudo bench/run-nfs.sh [--size SIZE] [--files N] [--runs N] [--work DIR]
#   --size SIZE   size of the file read sequentially (default 1G; head -c syntax: 256M)
#   --files N     files in the tree walked (default 20000, in directories of 100)
#   --runs N      rounds, MapFS and libnfs interleaved; the table shows the median and the range (default 5)
#   --work DIR    folder on a local disk for the export (default /var/tmp/mapfs-nfs-bench; removed afterwards)
# Both clients read the same export after one warm-up read each, so ganesha and the page cache serve both alike.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SIZE=1G FILES=20000 RUNS=5 WORK=/var/tmp/mapfs-nfs-bench
while [[ $# -gt 0 ]]; do
  case $1 in
    --size) SIZE=$2; shift ;;
    --files) FILES=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --work) WORK=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

if [[ "${MAPFS_NFS_BENCH_INSIDE:-}" != 1 ]]; then
  [[ $(id -u) -eq 0 ]] || { echo "run as root (network namespace, NFS server)" >&2; exit 1; }
  missing=()
  for c in ganesha.nfsd rpcbind nfs-cat nfs-ls; do command -v "$c" >/dev/null || missing+=("$c"); done
  if ((${#missing[@]})); then
    log "installing nfs-ganesha nfs-ganesha-vfs rpcbind libnfs-utils (missing: ${missing[*]})"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nfs-ganesha nfs-ganesha-vfs rpcbind \
      libnfs-utils >&2
  fi
  log "building the NFS store and its test classes (mvn -pl bundles/mapfs.store.nfs -am test-compile)"
  (cd "$ROOT" && mvn -B -q -pl bundles/mapfs.store.nfs -am install -DskipTests &&
    mvn -B -q -pl bundles/mapfs.store.nfs test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp) >&2
  rm -rf "$WORK" && mkdir -p "$WORK"
  trap 'rm -rf "$WORK"' EXIT
  # everything below runs in a private network and mount namespace: the server listens on its loopback only
  MAPFS_NFS_BENCH_INSIDE=1 unshare --net --mount --fork "$0" --size "$SIZE" --files "$FILES" --runs "$RUNS" \
    --work "$WORK"
  exit $?
fi

ip link set lo up
mount -t tmpfs tmpfs /run && mkdir -p /run/rpcbind /run/ganesha
export_dir="$WORK/export" state="$WORK/state"
mkdir -p "$export_dir/tree" "$state"
log "making the export: a $SIZE file and $FILES files in $((FILES / 100)) directories"
head -c "$SIZE" /dev/urandom > "$export_dir/big"
for ((d = 0; d < FILES / 100; d++)); do
  mkdir "$export_dir/tree/d$d"
  for ((f = 0; f < 100; f++)); do echo "$d $f" > "$export_dir/tree/d$d/f$f"; done
done
cat > "$WORK/ganesha.conf" <<EOF
NFS_CORE_PARAM { NFS_Port = 2049; MNT_Port = 20048; Protocols = 3; Enable_NLM = false; Enable_RQUOTA = false;
  Enable_UDP = false; mount_path_pseudo = true; }
NFSV4 { Graceless = true; Grace_Period = 0; RecoveryBackend = fs; RecoveryRoot = $state; }
EXPORT { Export_Id = 1; Path = $export_dir; Pseudo = /repo; Protocols = 3; Access_Type = RO;
  Squash = No_Root_Squash; SecType = sys; FSAL { Name = VFS; } }
EOF
rpcbind -f -w &
rpcbind_pid=$!
sleep 0.2
ganesha.nfsd -F -f "$WORK/ganesha.conf" -L "$WORK/ganesha.log" -p "$WORK/ganesha.pid" -N NIV_EVENT &
ganesha_pid=$!
trap 'kill $ganesha_pid $rpcbind_pid 2>/dev/null; wait 2>/dev/null' EXIT
for _ in $(seq 100); do rpcinfo -p 127.0.0.1 2>/dev/null | grep -q '100003 *3 *tcp' && break; sleep 0.1; done
rpcinfo -p 127.0.0.1 | grep -q '100003 *3 *tcp' || { log "ganesha did not start: $WORK/ganesha.log"; exit 1; }

cp="$ROOT/bundles/mapfs.store.nfs/target/test-classes:$ROOT/bundles/mapfs.store.nfs/target/classes:$(cat "$ROOT/bundles/mapfs.store.nfs/target/bench.cp")"
url=nfs://127.0.0.1/repo
now_ns() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
# the time of a command, in seconds
timed() { local a b; a=$(now_ns); "$@" > /dev/null; b=$(now_ns); secs "$a" "$b"; }

# MapFS: one JVM runs the rounds itself and prints "read SECONDS" and "walk SECONDS ENTRIES" lines, one per round,
# after a warm-up round (the JIT and the connection, as nfs-cat's process start is in its figure)
log "MapFS NFS store: $RUNS rounds after a warm-up"
java -cp "$cp" org.mapfs.store.nfs.NfsBench 127.0.0.1 /repo big tree "$RUNS" > "$WORK/mapfs.txt"
log "libnfs (nfs-cat, nfs-ls -R): a warm-up, then $RUNS rounds"
nfs-cat "$url/big" > /dev/null
entries=$(nfs-ls -R "$url/tree" | wc -l)
: > "$WORK/libnfs.txt"
for ((r = 0; r < RUNS; r++)); do
  echo "read $(timed nfs-cat "$url/big")" >> "$WORK/libnfs.txt"
  echo "walk $(timed nfs-ls -R "$url/tree") $entries" >> "$WORK/libnfs.txt"
done

# median and range of one workload's seconds in a result file
stat_of() {
  awk -v w="$1" '$1 == w { print $2 }' "$2" | sort -n | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f %.3f %.3f", m, v[1], v[NR] }'
}
bytes=$(stat -c %s "$export_dir/big")
mapfs_walk_entries=$(awk '$1 == "walk" { print $3; exit }' "$WORK/mapfs.txt")
read -r mr mr_lo mr_hi <<< "$(stat_of read "$WORK/mapfs.txt")"
read -r lr lr_lo lr_hi <<< "$(stat_of read "$WORK/libnfs.txt")"
read -r mw mw_lo mw_hi <<< "$(stat_of walk "$WORK/mapfs.txt")"
read -r lw lw_lo lw_hi <<< "$(stat_of walk "$WORK/libnfs.txt")"
mbs() { awk -v b="$bytes" -v s="$1" 'BEGIN { printf "%.0f", b / s / 1048576 }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", 100 * b / a }'; }

echo
echo "NFS store vs libnfs, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -r), nfs-ganesha $(dpkg-query -W -f='${Version}' nfs-ganesha 2>/dev/null), commit $(cd "$ROOT" && git rev-parse --short HEAD)"
echo "(median of $RUNS rounds, range in brackets; speed of MapFS as a share of libnfs's: target >= 80%)"
echo
echo "| workload | MapFS NFS store | libnfs | MapFS speed vs libnfs |"
echo "|---|---|---|---|"
echo "| sequential read, $SIZE | $(mbs "$mr") MB/s ($mr s) [$mr_lo-$mr_hi] | $(mbs "$lr") MB/s ($lr s) [$lr_lo-$lr_hi] | $(pct "$mr" "$lr") |"
echo "| metadata walk, $FILES files (MapFS: $mapfs_walk_entries entries with attributes; nfs-ls -R: $entries lines) | $mw s [$mw_lo-$mw_hi] | $lw s [$lw_lo-$lw_hi] | $(pct "$mw" "$lw") |"
