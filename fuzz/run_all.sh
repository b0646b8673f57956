#!/usr/bin/env bash
# Builds the libFuzzer targets (clang; ASan + UBSan; AMCT_FUZZ=ON) into
# ${BUILD_DIR:-build-fuzz}, makes the seed corpora from the real assets and runs
# every target in turn, one process at a time, for FUZZ_RUNS executions each
# (default 1000000) or FUZZ_TIME seconds each when that is set.
# Usage: fuzz/run_all.sh [target ...]     (default: every fuzz_*.cc)
# Output: BUILD_DIR/fuzz_logs/<target>.log, crash inputs in
# BUILD_DIR/fuzz_artifacts/<target>/, a summary in BUILD_DIR/fuzz_summary.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
BUILD_DIR=${BUILD_DIR:-build-fuzz}
FUZZ_RUNS=${FUZZ_RUNS:-1000000}
FUZZ_TIME=${FUZZ_TIME:-}

CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAMCT_FUZZ=ON \
  -DAMCT_BUILD_TESTS=OFF -DAMCT_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD_DIR" --target fuzz_all -j"$(nproc)"
bash fuzz/make_seeds.sh "$BUILD_DIR"

# Longest input per target: big enough for the seeds' structure, small enough
# that one execution stays well under a millisecond or two.
max_len() {
  case "$1" in
    graphdef) echo 65536 ;;
    onnx) echo 16384 ;;
    tfrecord|example) echo 49152 ;;
    image) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in fuzz/fuzz_*.cc; do
    t=$(basename "$f" .cc)
    [ "$t" = fuzz_util ] || targets+=("${t#fuzz_}")
  done
fi

B="$(cd "$BUILD_DIR" && pwd)"
mkdir -p "$B/fuzz_logs"
summary="$B/fuzz_summary.txt"
: > "$summary"
failed=0
for t in "${targets[@]}"; do
  corpus="$B/fuzz_corpus/$t"
  artifacts="$B/fuzz_artifacts/$t/"
  mkdir -p "$corpus" "$artifacts"
  limit=(-runs="$FUZZ_RUNS")
  [ -n "$FUZZ_TIME" ] && limit=(-max_total_time="$FUZZ_TIME")
  echo "fuzz: $t ${limit[*]} -max_len=$(max_len "$t")"
  start=$(date +%s)
  rc=0
  # One in-process run (no -jobs: libFuzzer would fork and log to ./fuzz-N.log).
  # Leak checking stays on (libFuzzer's default with ASan); no suppressions.
  # -timeout is generous: this machine's processes can be paused for seconds.
  "$B/fuzz/fuzz_$t" "${limit[@]}" -max_len="$(max_len "$t")" \
    -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts" \
    "$corpus" "$B/seeds/$t" > "$B/fuzz_logs/$t.log" 2>&1 || rc=$?
  secs=$(( $(date +%s) - start ))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$B/fuzz_logs/$t.log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$B/fuzz_logs/$t.log" | tail -1 | grep -o '[0-9]*')
  line="$t: rc=$rc executions=${execs:-?} seconds=$secs coverage=${cov:-?} corpus=$(ls "$corpus" | wc -l)"
  echo "$line" | tee -a "$summary"
  if [ "$rc" -ne 0 ]; then
    failed=1
    grep -m3 -E 'ERROR|runtime error|SUMMARY' "$B/fuzz_logs/$t.log" || true
  fi
done
exit $failed
