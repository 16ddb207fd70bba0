#!/usr/bin/env bash
# Tractus next to PostgreSQL 15 on the same generated data, on this machine:
#   - telemetry: the realistic sessions Tractus ingests (16 tables, WAL
#     synced) vs binary-free CSV COPY into a table indexed by (session, time);
#   - one episode's progress: Tractus's GetEpisodeProgress p50 (32 clients)
#     vs the same figures in SQL (weekly medians with percentile_cont, the
#     regr_slope of daily pain, baseline and latest) for random episodes;
#   - cohort responder rate over the large network: Tractus's
#     GetCohortOutcomes vs SQL over the same observations.
# PostgreSQL runs from a temp dir as the postgres user on a loopback port
# and is stopped at the end. Not part of CI.
#   bench/postgres_side_by_side.sh            # 10,000 / 100,000 patients
#   PATIENTS=2000 COHORT_PATIENTS=20000 bench/postgres_side_by_side.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
pg_bin=/usr/lib/postgresql/15/bin
if [[ ! -x $pg_bin/initdb ]]; then
  echo "installing PostgreSQL 15 (Debian)"
  apt-get install -y -qq postgresql-15 >/dev/null
fi
cmake --preset release >/dev/null
cmake --build --preset release --target outcomes_bench tractusd >/dev/null

work=$(mktemp -d /tmp/tractus-pg.XXXXXX)
chmod 755 "$work"
port=${PG_PORT:-54329}
cleanup() {
  if [[ -f $work/pg/postmaster.pid ]]; then
    su postgres -c "$pg_bin/pg_ctl -D $work/pg -m fast stop" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== Tractus (build/release/bench/outcomes_bench)"
build/release/bench/outcomes_bench --patients="${PATIENTS:-10000}" \
  --cohort_patients="${COHORT_PATIENTS:-100000}" --runs="${RUNS:-3}" \
  --seconds="${SECONDS_PER_RUN:-10}" --telemetry_sessions="${TELEMETRY_SESSIONS:-64}" \
  --results="$work/tractus.txt" --emit_dir="$work/data"
chmod -R a+rX "$work/data"
t() { awk -v k="$1" '$1 == k { print $2 }' "$work/tractus.txt"; }

echo "== PostgreSQL 15 (initdb in $work/pg, 127.0.0.1:$port)"
install -d -o postgres -g postgres "$work/pg" "$work/sock"
su postgres -c "$pg_bin/initdb -D $work/pg -A trust -U postgres" >/dev/null
su postgres -c "$pg_bin/pg_ctl -D $work/pg -l $work/pg/log -w -o \
  '-p $port -k $work/sock -c listen_addresses=127.0.0.1 -c shared_buffers=512MB \
   -c max_wal_size=4GB -c synchronous_commit=on' start" >/dev/null
psql_() { su postgres -c "psql -X -q -h 127.0.0.1 -p $port -d postgres -v ON_ERROR_STOP=1 $*"; }
# Milliseconds one SQL statement takes, as psql's \timing reports it.
timed_ms() {
  printf '\\timing on\n%s\n' "$1" | su postgres -c "psql -X -q -h 127.0.0.1 -p $port -d postgres \
    -v ON_ERROR_STOP=1 -o /dev/null" | awk '/^Time:/ { ms = $2 } END { print ms }'
}

psql_ -c "\"CREATE TABLE telemetry (session int, t_ms bigint, measured_dn int, target_dn int,
  angle_decideg int, flags int); CREATE INDEX ON telemetry (session, t_ms);
  CREATE TABLE observations (episode_id text, instrument int, day int, value double precision);
  CREATE INDEX ON observations (episode_id, instrument, day);\""
copy_tel_ms=$(timed_ms "COPY telemetry FROM '$work/data/telemetry.csv' WITH (FORMAT csv);")
copy_obs_ms=$(timed_ms "COPY observations FROM '$work/data/observations.csv' WITH (FORMAT csv);")
psql_ -c "'VACUUM ANALYZE'"

# One episode's figures: weekly median pain, Theil-Sen's cousin regr_slope,
# baseline and latest, for 20 episodes; the median time.
episodes=$(psql_ -At -c "\"SELECT episode_id FROM observations WHERE instrument = 1 AND day = 0
  ORDER BY md5(episode_id) LIMIT 20\"")
progress_times=()
for e in $episodes; do
  progress_times+=("$(timed_ms "SELECT instrument, day / 7 AS week,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY value) AS median,
      regr_slope(value, day) OVER (PARTITION BY instrument) * 7 AS slope_per_week,
      first_value(value) OVER (PARTITION BY instrument ORDER BY min(day)) AS baseline,
      last_value(value) OVER (PARTITION BY instrument ORDER BY max(day)
        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS latest
    FROM observations WHERE episode_id = '$e'
    GROUP BY instrument, day / 7, value, day ORDER BY instrument, week;")")
done
pg_progress_ms=$(printf '%s\n' "${progress_times[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')

# The cohort's week-8 responder rate, per protocol, as Tractus defines it
# (docs/outcomes.md): baseline = the day-0 value (reported before the
# network's first session on day 1), the week's median of days 56..62,
# responder: >= 2 points or >= 30 % better.
cohort_sql="WITH base AS (SELECT episode_id, value AS baseline FROM observations
    WHERE instrument = 1 AND day = 0),
  week8 AS (SELECT episode_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY value) AS median
    FROM observations WHERE instrument = 1 AND day BETWEEN 56 AND 62 GROUP BY episode_id)
SELECT count(*), avg(CASE WHEN baseline - median >= 2
    OR (baseline > 0 AND (baseline - median) / baseline >= 0.3) THEN 1.0 ELSE 0.0 END)
  FROM base JOIN week8 USING (episode_id);"
cohort_ms=()
for _ in 1 2 3; do cohort_ms+=("$(timed_ms "$cohort_sql")"); done
pg_cohort_ms=$(printf '%s\n' "${cohort_ms[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[2] }')
pg_rate=$(psql_ -At -c "\"$cohort_sql\"" | cut -d'|' -f2)

tel_rows=$(t telemetry_samples)
awk -v tel_rows="$tel_rows" -v t_tel_s="$(t telemetry_seconds)" -v pg_tel_ms="$copy_tel_ms" \
    -v obs_ms="$copy_obs_ms" -v t_prog="$(t progress_p50_ms)" -v pg_prog="$pg_progress_ms" \
    -v t_coh="$(t cohort_seconds)" -v pg_coh_ms="$pg_cohort_ms" \
    -v t_rate="$(t cohort_responder_rate)" -v pg_rate="$pg_rate" -v eps="$(t cohort_episodes)" '
BEGIN {
  printf "\n%-46s %14s %14s %8s\n", "same data, same machine", "Tractus", "PostgreSQL 15", "ratio"
  tt = tel_rows / t_tel_s; pt = tel_rows / (pg_tel_ms / 1000)
  printf "%-46s %11.2f M/s %11.2f M/s %7.1fx\n", "telemetry samples stored (synced; indexed COPY)", tt / 1e6, pt / 1e6, tt / pt
  printf "%-46s %11.2f ms %11.2f ms %7.1fx\n", "one episode progress (Tractus p50 at 32 clients)", t_prog, pg_prog, pg_prog / t_prog
  printf "%-46s %12.2f s %12.2f s %7.1fx\n", "cohort responder rate, " eps " episodes", t_coh, pg_coh_ms / 1000, (pg_coh_ms / 1000) / t_coh
  printf "%-46s %14.4f %14.4f\n", "  week-8 responder rate", t_rate, pg_rate
  printf "%-46s %14s %11.2f s\n", "  (observations COPY into the indexed table)", "", obs_ms / 1000
}'
