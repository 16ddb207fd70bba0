#!/usr/bin/env bash
# Builds in release mode and runs the benchmarks, printing one table with
# the machine at the top. Not part of CI's pass/fail (ctest runs a tiny
# smoke of ingest_bench only).
#   bench/run.sh                 # 60 s per figure, median of 3 runs
#   SECONDS_PER_RUN=10 RUNS=1 bench/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cmake --preset release >/dev/null
cmake --build --preset release --target ingest_bench >/dev/null
echo "Tractus benchmarks  $(date -u +%Y-%m-%dT%H:%M:%SZ)  $(git rev-parse --short HEAD 2>/dev/null || echo '')"
echo "kernel $(uname -r); memory $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
build/release/bench/ingest_bench --seconds="${SECONDS_PER_RUN:-60}" --runs="${RUNS:-3}" \
  --streams="${STREAMS:-16}" --chunk_samples="${CHUNK_SAMPLES:-1000}" --window="${WINDOW:-8}"
