#!/usr/bin/env bash
# Installs what Tractus needs to build, test and run on Debian 12, and nothing
# that is already there. Safe to run any number of times. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev librocksdb-dev libspdlog-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev libjemalloc-dev libboost-math-dev
  clang-14 libclang-rt-14-dev xxd
  python3-grpcio python3-protobuf python3-yaml python3-scipy python3-numpy
  tzdata prometheus-cpp-dev nginx-light
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# npm runs `buf lint` in the test suite. Some images ship Node.js with npm
# bundled (package nodejs); only a machine without npm gets Debian's.
if ! command -v npm >/dev/null 2>&1; then missing+=(nodejs npm); fi

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
