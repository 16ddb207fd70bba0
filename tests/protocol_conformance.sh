#!/usr/bin/env bash
# ctest protocol_conformance: starts TRACTUSD (a device port beside the main
# one, as deployed) on a temporary data dir, generates Python stubs from the
# .proto files and runs protocol_conformance.py, which drives a table from
# docs/protocol.md alone.
# Usage: protocol_conformance.sh TRACTUSD PROTO_DIR PROTOCOL_MD
set -euo pipefail
tractusd=$1
proto_dir=$2
page=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/gen"
protoc -I"$proto_dir" --python_out="$work/gen" --grpc_out="$work/gen" \
  --plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin \
  "$proto_dir"/tractus/v1/*.proto "$proto_dir"/google/rpc/*.proto
"$tractusd" --listen=127.0.0.1:0 --device_listen=127.0.0.1:0 --data_dir="$work/data" \
  --sync_wal=false >"$work/server.log" 2>&1 &
server_pid=$!
address=""
devices=""
for _ in $(seq 1 100); do
  address=$(sed -n 's/^tractusd listening on //p' "$work/server.log")
  devices=$(sed -n 's/^tractusd devices on //p' "$work/server.log")
  [[ -n $address && -n $devices ]] && break
  sleep 0.1
done
[[ -n $address ]] || { cat "$work/server.log"; exit 1; }
cd "$work" && /usr/bin/python3 "$here/protocol_conformance.py" "$page" "$devices" "$address" \
  "$work/data/bootstrap-admin.key"
