#!/usr/bin/env bash
# Crash loop: simulated tables upload through tractus-tablesim while
# tractusd is killed with SIGKILL at random moments and restarted, KILLS
# times. Afterwards every acknowledged chunk, every finalized session and
# every console-pain observation must be present exactly once, and RocksDB
# must open without repair (a clean restart and graceful stop).
#
# Usage: tests/reliability/crash_loop.sh [KILLS] [BIN_DIR]
#   KILLS    default 50
#   BIN_DIR  directory holding services/tractusd and cli/tractus-tablesim
#            (default: build/release)
# Prints: kills, acknowledged, verified, lost (must be 0), duplicated (must
# be 0). Exit 0 only if nothing was lost or duplicated.
set -uo pipefail
kills=${1:-50}
bin=${2:-$(cd "$(dirname "$0")/../.." && pwd)/build/release}
tractusd=$bin/services/tractusd
tablesim=$bin/cli/tractus-tablesim
work=$(mktemp -d)
server_pid=""
sim_pid=""
cleanup() {
  [[ -n $sim_pid ]] && kill -9 "$sim_pid" 2>/dev/null
  [[ -n $server_pid ]] && kill -9 "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
address=127.0.0.1:$port
restarts=0

start_server() {
  local log=$work/server-$restarts.log
  "$tractusd" --listen="$address" --data_dir="$work/data" --sync_wal=true --log_level=warn \
    >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 200); do
    grep -q '^tractusd listening on ' "$log" && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "tractusd did not start:"; cat "$log"
  return 1
}

start_server || exit 1
# Tables upload as they treat (paced: a 10-minute session is 60 chunks at
# 15 ms, about 1 s), with enough sessions to span every kill (about 0.8 s
# apart with the restart) twice over.
sessions=$(( kills * 2 + 4 ))
"$tablesim" --server="$address" --key_file="$work/data/bootstrap-admin.key" \
  --clinician_key_out="$work/clinician.key" --tables=6 --sessions="$sessions" --minutes=10 \
  --chunk_samples=100 --pace_ms=15 --drop_rate=0.1 --duplicate_rate=0.02 --stop_rate=0.1 \
  --quiet --ledger="$work/ledger" >"$work/tablesim.out" 2>&1 &
sim_pid=$!
sleep 1  # let the tables enroll

done_kills=0
while (( done_kills < kills )) && kill -0 "$sim_pid" 2>/dev/null; do
  sleep "0.$(( RANDOM % 8 + 2 ))"
  kill -9 "$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null
  done_kills=$((done_kills + 1))
  restarts=$((restarts + 1))
  start_server || exit 1
done

wait "$sim_pid"
sim_status=$?
sim_pid=""
cat "$work/tablesim.out"

# RocksDB must open without repair: a graceful stop and a fresh start.
kill -TERM "$server_pid"; wait "$server_pid"
restarts=$((restarts + 1))
start_server || exit 1
verify=$("$tablesim" --server="$address" --key_file="$work/clinician.key" \
  --verify_ledger="$work/ledger")
verify_status=$?
kill -TERM "$server_pid"; wait "$server_pid"; server_status=$?
server_pid=""

acknowledged=$(sed -n 's/.*chunks acknowledged \([0-9]*\).*/\1/p' <<<"$verify")
verified=$(sed -n 's/.* verified \([0-9]*\).*/\1/p' <<<"$verify")
lost=$(sed -n 's/.* lost \([0-9]*\).*/\1/p' <<<"$verify")
duplicated=$(sed -n 's/.* duplicated \([0-9]*\).*/\1/p' <<<"$verify")
echo "$verify"
echo "kills $done_kills  acknowledged $acknowledged  verified $verified  lost $lost  duplicated $duplicated"
if (( done_kills < kills )); then
  echo "FAIL: the tables finished after $done_kills of $kills kills"
  exit 1
fi
# A loop that acknowledged nothing, or whose kills all fell before the first
# acknowledgement, would pass vacuously.
if [[ -z $acknowledged || $acknowledged -lt $((kills * 20)) ]]; then
  echo "FAIL: only ${acknowledged:-0} chunks acknowledged; the loop proved nothing"
  exit 1
fi
[[ $sim_status -eq 0 && $verify_status -eq 0 && $server_status -eq 0 && $lost == 0 && $duplicated == 0 ]]
