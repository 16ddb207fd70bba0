#!/usr/bin/env bash
# Builds in release mode and runs the benchmarks, printing the tables with
# the machine at the top. Not part of CI's pass/fail (ctest runs tiny smoke
# runs of both binaries).
#   bench/run.sh                       # everything: ~45 min on 2 cores
#   SECONDS_PER_RUN=10 RUNS=1 bench/run.sh
#   ONLY=ingest bench/run.sh           # or ONLY=outcomes, ONLY=connections
# The PostgreSQL side-by-side is bench/postgres_side_by_side.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cmake --preset release >/dev/null
cmake --build --preset release --target ingest_bench outcomes_bench connections_bench tractusd \
  >/dev/null
echo "Tractus benchmarks  $(date -u +%Y-%m-%dT%H:%M:%SZ)  $(git rev-parse --short HEAD 2>/dev/null || echo '')"
echo "kernel $(uname -r); memory $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
seconds=${SECONDS_PER_RUN:-60}
runs=${RUNS:-3}
if [[ ${ONLY:-ingest} == ingest || -z ${ONLY:-} ]]; then
  # The matrix at a fifth of the time, then the target cell in full.
  build/release/bench/ingest_bench --seconds="$(awk -v s="$seconds" 'BEGIN { print (s / 5 > 2 ? s / 5 : 2) }')" \
    --runs="$runs" --streams=1,4,16 --chunk_samples=100,1000 --window="${WINDOW:-8}"
  build/release/bench/ingest_bench --seconds="$seconds" --runs="$runs" --streams=16 \
    --chunk_samples=1000 --window="${WINDOW:-8}" | tail -n +3
fi
if [[ ${ONLY:-outcomes} == outcomes || -z ${ONLY:-} ]]; then
  build/release/bench/outcomes_bench --runs="$runs" --seconds="$(awk -v s="$seconds" 'BEGIN { print s / 6 }')" \
    --patients="${PATIENTS:-10000}" --cohort_patients="${COHORT_PATIENTS:-100000}"
fi
if [[ ${ONLY:-connections} == connections || -z ${ONLY:-} ]]; then
  build/release/bench/connections_bench --seconds="$seconds" --streams="${STREAMS:-10,1000,10000}"
fi
