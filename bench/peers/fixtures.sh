# shellcheck shell=bash
# Fixtures of bench/run-peers.sh, built once per run and copied into each file system's fresh repository.
# Sourced, not run.
#
# Repository template ($WORK/template):
#   walk/dAA/dBB/fCCC   N_WALK files (20 x 10 dirs)           metadata walk
#   small/dAA/fCCC      N_APPEND files (20 dirs)              append (copy-up of small files)
#   ren/src/dAA/fCCC    N_RENAME files (10 dirs)              rename of a repository directory
#   big.bin             BIG_BYTES bytes of random data         sequential read, fio, first write
# Outside the repository:
#   $WORK/copysrc/src/dAA/fCCC   N_COPY files, a plain source for cp -r
#   $WORK/untar.tar              N_UNTAR files under t/
# Small files are 0..4 KiB of text, sizes spread evenly.

BLOB=""

# make_files DIR NDIRS PERDIR: NDIRS folders dAA of PERDIR files fCCC each
make_files() {
  local dir=$1 ndirs=$2 per=$3 a c n=0
  local d f
  for ((a = 0; a < ndirs; a++)); do
    printf -v d '%s/d%03d' "$dir" "$a"
    mkdir -p "$d"
    for ((c = 0; c < per; c++)); do
      printf -v f '%s/f%04d' "$d" "$c"
      printf '%s' "${BLOB:0:$(((a * 131 + c * 37) % 4097))}" > "$f"
      n=$((n + 1))
    done
  done
}

# splits a count into NDIRS folders (at least 1 file each); prints "ndirs per"
split_count() {
  local total=$1 ndirs=$2
  ((total < ndirs)) && ndirs=$total
  echo "$ndirs $(((total + ndirs - 1) / ndirs))"
}

build_fixtures() {
  local t=$WORK/template nd per a
  rm -rf "$t" "$WORK/copysrc" "$WORK/tarsrc" "$WORK/untar.tar"
  mkdir -p "$t"
  BLOB=$(head -c 3100 /dev/urandom | base64 -w0)
  BLOB=${BLOB:0:4096}

  # walk: 20 folders of 10 folders
  read -r nd per < <(split_count "$N_WALK" 200)
  local top=$(( nd < 20 ? nd : 20 )) sub=$(( (nd + 19) / 20 ))
  local w
  for ((a = 0; a < top; a++)); do printf -v w '%s/walk/d%02d' "$t" "$a"; make_files "$w" "$sub" "$per"; done
  read -r nd per < <(split_count "$N_APPEND" 20); make_files "$t/small" "$nd" "$per"
  read -r nd per < <(split_count "$N_RENAME" 10); make_files "$t/ren/src" "$nd" "$per"
  read -r nd per < <(split_count "$N_COPY" 50);   make_files "$WORK/copysrc/src" "$nd" "$per"
  read -r nd per < <(split_count "$N_UNTAR" 50);  make_files "$WORK/tarsrc/t" "$nd" "$per"
  tar -C "$WORK/tarsrc" -cf "$WORK/untar.tar" t
  rm -rf "$WORK/tarsrc"
  head -c "$BIG_BYTES" /dev/urandom > "$t/big.bin"

  # the real counts (the split rounds up)
  N_WALK=$(find "$t/walk" -type f | wc -l)
  N_APPEND=$(find "$t/small" -type f | wc -l)
  N_RENAME=$(find "$t/ren/src" -type f | wc -l)
  N_COPY=$(find "$WORK/copysrc/src" -type f | wc -l)
  N_UNTAR=$(tar -tf "$WORK/untar.tar" | grep -vc '/$')
  (cd "$t" && find small -type f | sort) > "$WORK/append.list"
  TEMPLATE_FILES=$(find "$t" -type f | wc -l)
}
