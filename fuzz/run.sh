#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 300) each and reports
# executions and crashes. Builds the `fuzz` preset (clang, ASan, UBSan,
# libFuzzer) first. Crash reproducers land in build/fuzz/fuzz/crashes/.
# Usage: fuzz/run.sh [SECONDS]
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
cmake --preset fuzz >/dev/null && cmake --build --preset fuzz || exit 1
out=build/fuzz/fuzz
mkdir -p "$out/crashes"
total_crashes=0
printf '%-16s %12s %10s %8s\n' target executions exec/s crashes
for name in key_codec stored_record telemetry observation export_filter; do
  log=$out/$name.log
  mkdir -p "$out/corpus_$name"
  "$out/${name}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$out/crashes/${name}-" "$out/corpus_$name" "fuzz/corpus/$name" \
    >"$log" 2>&1
  execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  rate=$(grep -oE 'exec/s: [0-9]+' "$log" | tail -1 | awk '{print $2}')
  crashes=$(ls "$out/crashes" 2>/dev/null | grep -c "^${name}-" || true)
  total_crashes=$((total_crashes + crashes))
  printf '%-16s %12s %10s %8s\n' "$name" "${execs:-0}" "${rate:-0}" "$crashes"
done
[[ $total_crashes -eq 0 ]]
