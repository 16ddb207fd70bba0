#!/usr/bin/env bash
# Generates Python stubs for tractus.v1 into OUT_DIR (default ./gen).
# Usage: gen_stubs.sh [PROTO_DIR] [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
proto_dir=${1:-$here/../../proto}
out=${2:-gen}
mkdir -p "$out"
protoc -I"$proto_dir" --python_out="$out" --grpc_out="$out" \
  --plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin \
  "$proto_dir"/tractus/v1/*.proto
