#!/usr/bin/env bash
# MapFS JMH benchmarks: builds bench/jmh/target/benchmarks.jar (and the bundles it needs) and runs it, each MapFS
# operation beside the same operation on a plain directory. Prints JMH's result table at the end.
#
#   bench/jmh/run.sh                 all benchmarks, modest settings (1 fork, 2 x 1 s warm-up, 3 x 1 s measured)
#   bench/jmh/run.sh Lookup          only benchmarks matching a regexp; any other JMH option passes through,
#   bench/jmh/run.sh -f 3 -i 10      e.g. more forks/iterations for figures to quote (java -jar ... -h lists them)
#
# Environment: MAPFS_BENCH_DIR=<folder> puts the benchmark trees there (default: java.io.tmpdir), to measure a
# given disk; MAPFS_BENCH_OFFLINE=1 builds with mvn -o; MAPFS_BENCH_SKIP_BUILD=1 runs the jar as it is.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
jar="$here/target/benchmarks.jar"
result="$here/target/jmh-result.txt"

if [[ "${MAPFS_BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  offline=()
  [[ "${MAPFS_BENCH_OFFLINE:-0}" == 1 ]] && offline=(-o)
  (cd "$root" && mvn -B -q "${offline[@]}" -pl bench/jmh -am package -DskipTests)
fi

jvm_args=()
[[ -n "${MAPFS_BENCH_DIR:-}" ]] && jvm_args=(-jvmArgsAppend "-Dmapfs.bench.dir=$MAPFS_BENCH_DIR")

mkdir -p "$(dirname "$result")"
java -jar "$jar" "${jvm_args[@]}" -rf text -rff "$result" "$@"
echo
echo "== MapFS vs plain directory (mapfs = through the mount, plain* = java.nio on a plain folder) =="
cat "$result"
