#!/usr/bin/env bash
# Test driver (ctest python_example): starts TRACTUSD on a free port with a
# temporary data dir, generates stubs, runs quickstart.py against it.
# Usage: run_example.sh TRACTUSD PROTO_DIR
set -euo pipefail
tractusd=$1
proto_dir=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" || true
  rm -rf "$work"
}
trap cleanup EXIT

"$here/gen_stubs.sh" "$proto_dir" "$work/gen"
"$tractusd" --listen=127.0.0.1:0 --data_dir="$work/data" >"$work/server.log" 2>&1 &
server_pid=$!
address=""
for _ in $(seq 1 100); do
  address=$(sed -n 's/^tractusd listening on //p' "$work/server.log")
  [[ -n $address ]] && break
  sleep 0.1
done
[[ -n $address ]] || { cat "$work/server.log"; exit 1; }
cd "$work" && /usr/bin/python3 "$here/quickstart.py" "$address" "$work/data/bootstrap-admin.key"
