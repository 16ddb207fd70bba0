#!/usr/bin/env bash
# Builds Tractus and runs the whole test suite with ctest, first as a
# release build, then under ASan + UBSan.
#   deploy/test.sh                          both presets
#   TRACTUS_PRESET=release deploy/test.sh   one preset (release, debug, asan)
# Installs missing Debian packages first (needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
presets=${TRACTUS_PRESET:-release asan}

deploy/install-deps.sh
for preset in $presets; do
  echo "=== $preset: build and test ==="
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done
