#!/usr/bin/env bash
# Builds Tractus and runs the whole test suite with ctest.
#   deploy/test.sh            release build + every test
#   TRACTUS_PRESET=asan deploy/test.sh   the same under ASan + UBSan
# Installs missing Debian packages first (needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${TRACTUS_PRESET:-release}

deploy/install-deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset"
