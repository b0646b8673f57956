#!/usr/bin/env bash
# Installs every build and test dependency from Debian 12 packages.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
PKGS=(build-essential cmake pkg-config
      libprotobuf-dev protobuf-compiler libdnnl-dev libjpeg62-turbo-dev libpng-dev
      nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
      libgtest-dev libgmock-dev libbenchmark-dev libonnx-dev
      chromium)
missing=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

# ONNX Runtime, the speed and correctness peer (npm; its install script would
# try a download that fails here, and the package ships its native binary).
if ! command -v node >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm
fi
ORT_DIR="$(dirname "$0")/../bench/ort"
if [ ! -f "$ORT_DIR/node_modules/onnxruntime-node/package.json" ]; then
  echo "setup: installing onnxruntime-node into bench/ort"
  (cd "$ORT_DIR" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null)
fi
