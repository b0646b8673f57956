#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite (unit + end-to-end on ../shared/assets).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j1 "$@"
