#!/usr/bin/env bash
# Soak: MINUTES (default 10) of mixed load at a steady rate against one
# tractusd — paced table uploads (tractus-tablesim, with drops), home
# reports and clinic measures (tractus demo, repeatedly), and clinicians'
# queries (tractus progress / alerts / patient, and admin verify at the
# end). Reports errors (must be 0) and the server's resident memory after
# warm-up — the first third of the run, at least a minute, while RocksDB's
# memtables and block cache fill (capped at 8 and 16 MB here) and the kept
# progress views fill theirs (1 MB: every episode a demo changes is
# evaluated for alerts and kept) — warm-up lasts until both are 90 % full —
# and at the end (growth must stay under 5 %). The block cache figures come from the server's /metrics. An analyst exports anonymized datasets
# (CSV and FHIR, alternately) throughout.
# Usage: tests/reliability/soak.sh [MINUTES] [BIN_DIR]
set -uo pipefail
minutes=${1:-10}
bin=${2:-$(cd "$(dirname "$0")/../.." && pwd)/build/release}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  [[ -n ${server_pid:-} ]] && kill -9 "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
address=127.0.0.1:$(free_port)
metrics=127.0.0.1:$(free_port)
"$bin/services/tractusd" --listen="$address" --data_dir="$work/data" --log_level=warn \
  --rate_limit_qps=0 --block_cache_mb=16 --memtable_mb=8 --progress_cache_mb=1 \
  --metrics_listen="$metrics" \
  >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do grep -q '^tractusd listening' "$work/server.log" && break; sleep 0.1; done
rss() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
# Where the resident memory is: anonymous (heap, stacks) and file-backed
# (libraries, mapped files) kB, and the thread count.
breakdown() {
  echo "anon $(awk '/RssAnon/ {print $2}' "/proc/$server_pid/status") kB," \
       "file $(awk '/RssFile/ {print $2}' "/proc/$server_pid/status") kB," \
       "threads $(awk '/Threads/ {print $2}' "/proc/$server_pid/status")"
}
# A gauge from the server's /metrics.
gauge() {
  /usr/bin/python3 -c "import urllib.request,sys
for l in urllib.request.urlopen('http://$metrics/metrics').read().decode().splitlines():
    if l.startswith('$1 '): print(int(float(l.split()[1])))"
}
cache_cap=$((16 << 20))
views_cap=$((1 << 20))

admin_key=$work/data/bootstrap-admin.key
key=$work/clinician.key
errors=0
end=$(( $(date +%s) + minutes * 60 ))
"$bin/cli/tractus" --server="$address" --key_file="$admin_key" --clinician_key_out="$key" \
  --print_record=false demo >"$work/demo.log" || errors=$((errors + 1))
clinic=$(sed -n 's/^clinic *\(cl_[0-9a-f]*\).*/\1/p' "$work/demo.log")
episode=$(sed -n 's/^patient .*episode *\(ep_[0-9a-f]*\).*/\1/p' "$work/demo.log" | head -1)
patient=$(sed -n 's/^patient *\(pt_[0-9a-f]*\).*/\1/p' "$work/demo.log" | head -1)
analyst=$("$bin/cli/tractus" --server="$address" --key_file="$admin_key" \
  admin create-user analyst "Soak analyst" | awk '{print $1}')
"$bin/cli/tractus" --server="$address" --key_file="$admin_key" --key_out="$work/analyst.key" \
  admin create-key "$analyst" >/dev/null || errors=$((errors + 1))

# Ingest: tables upload paced sessions until the end.
(
  round=0
  while (( $(date +%s) < end )); do
    "$bin/cli/tractus-tablesim" --server="$address" --key_file="$key" --clinic_id="$clinic" --tables=4 \
      --sessions=2 --minutes=10 --chunk_samples=200 --pace_ms=20 --drop_rate=0.1 \
      --seed=$((round += 1)) --quiet >>"$work/ingest.log" 2>&1 || echo "ingest error" >>"$work/errors"
  done
) &
pids+=($!)
# Home reports and clinic measures: a new demo clinic every round.
(
  seed=100
  while (( $(date +%s) < end )); do
    "$bin/cli/tractus" --server="$address" --key_file="$admin_key" --print_record=false \
      --seed=$((seed += 1)) demo \
      >/dev/null 2>&1 || echo "demo error" >>"$work/errors"
    sleep 2
  done
) &
pids+=($!)
# Exports: an analyst downloads a dataset every 20 s or so.
(
  n=0
  while (( $(date +%s) < end )); do
    format=csv; (( n % 2 )) && format=fhir
    "$bin/cli/tractus" --server="$address" --key_file="$work/analyst.key" --format=$format \
      --out="$work/export-$n" export >>"$work/export.log" 2>&1 || echo "export error" >>"$work/errors"
    rm -rf "$work/export-$n"
    n=$((n + 1))
    sleep 20
  done
) &
pids+=($!)
# Queries: a clinician refreshing views, about 5 per second.
(
  while (( $(date +%s) < end )); do
    "$bin/cli/tractus" --server="$address" --key_file="$key" progress "$episode" >/dev/null 2>&1 || echo "progress error" >>"$work/errors"
    "$bin/cli/tractus" --server="$address" --key_file="$key" alerts "$clinic" >/dev/null 2>&1 || echo "alerts error" >>"$work/errors"
    "$bin/cli/tractus" --server="$address" --key_file="$key" patient "$patient" >/dev/null 2>&1 || echo "patient error" >>"$work/errors"
    sleep 0.5
  done
) &
pids+=($!)

# Warm-up: at least a third of the run (and a minute), and until the block
# cache (which memtables are charged to) and the kept progress views are
# 90 % full — or half the run.
warmup=$(( minutes * 20 ))
(( warmup < 60 )) && warmup=60
sleep "$warmup"
half=$(( $(date +%s) + minutes * 10 ))
while { (( $(gauge tractus_rocksdb_block_cache_bytes) < cache_cap * 9 / 10 )) ||
        (( $(gauge tractus_progress_cache_bytes) < views_cap * 9 / 10 )); } &&
      (( $(date +%s) < half )); do
  sleep 5
done
cache_start=$(gauge tractus_rocksdb_block_cache_bytes)
views_start=$(gauge tractus_progress_cache_bytes)
rss_start=$(rss)
breakdown_start=$(breakdown)
while (( $(date +%s) < end )); do sleep 5; done
for p in "${pids[@]}"; do wait "$p"; done
pids=()
rss_end=$(rss)
breakdown_end=$(breakdown)
cache_end=$(gauge tractus_rocksdb_block_cache_bytes)
views_end=$(gauge tractus_progress_cache_bytes)
"$bin/cli/tractus" --server="$address" --key_file="$admin_key" admin verify >"$work/verify.log" || echo "verify error" >>"$work/errors"
[[ -f $work/errors ]] && errors=$((errors + $(wc -l <"$work/errors")))
kill -TERM "$server_pid"; wait "$server_pid" || errors=$((errors + 1))
server_pid=""

sessions=$(grep -oE 'sessions [0-9]+' "$work/ingest.log" | awk '{s += $2} END {print s + 0}')
samples=$(grep -oE 'samples acknowledged [0-9]+' "$work/ingest.log" | awk '{s += $3} END {print s + 0}')
growth=$(awk -v a="$rss_start" -v b="$rss_end" 'BEGIN {printf "%.1f", (b - a) * 100 / a}')
exports=$(grep -c '^episodes exported' "$work/export.log")
echo "soak ${minutes} min: sessions $sessions, samples $samples, exports $exports, errors $errors"
echo "server RSS after warm-up ${rss_start} kB, at the end ${rss_end} kB (growth ${growth} %)"
echo "after warm-up: $breakdown_start; at the end: $breakdown_end"
echo "block cache (with memtables) after warm-up $((cache_start >> 10)) kB, at the end $((cache_end >> 10)) kB of $((cache_cap >> 10)) kB"
echo "progress views after warm-up $((views_start >> 10)) kB, at the end $((views_end >> 10)) kB of $((views_cap >> 10)) kB"
[[ -f $work/errors ]] && sort "$work/errors" | uniq -c
[[ $errors -eq 0 ]] && awk -v g="$growth" 'BEGIN {exit !(g < 5)}'
