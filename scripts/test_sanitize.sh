#!/usr/bin/env bash
# Builds amct with AddressSanitizer + UndefinedBehaviorSanitizer
# (-DAMCT_SANITIZE=ON, into ${ASAN_BUILD_DIR:-build-asan}) and runs the whole
# test suite under it. Called by .ci/run after the normal build and tests.
# Any sanitizer report fails the test that triggered it (UBSan does not
# recover; ASan/LSan exit non-zero). Options and the few third-party
# suppressions are in scripts/sanitizer/ and explained in docs/RELIABILITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
BUILD_DIR=${ASAN_BUILD_DIR:-build-asan}
# Benchmarks are not tests: not built here.
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DAMCT_SANITIZE=ON -DAMCT_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
source scripts/sanitizer/env.sh "$ROOT"
cd "$BUILD_DIR"
ctest --output-on-failure -j1 "$@"
