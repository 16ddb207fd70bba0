#!/usr/bin/env bash
# Builds Tractus and runs the whole test suite with ctest: a release build,
# the same under ASan + UBSan, then the libFuzzer targets for 15 s each
# (clang; fuzz/run.sh runs them longer).
#   deploy/test.sh                          all three presets
#   TRACTUS_PRESET=release deploy/test.sh   one preset (release, debug, asan, fuzz)
# Installs missing Debian packages first (needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
presets=${TRACTUS_PRESET:-release asan fuzz}

deploy/install-deps.sh
for preset in $presets; do
  echo "=== $preset: build and test ==="
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done
