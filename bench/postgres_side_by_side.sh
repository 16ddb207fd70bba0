#!/usr/bin/env bash
# Tractus next to PostgreSQL 15 on the same generated data, on this machine,
# like for like: the same work, the same concurrency, the same durability.
#   - telemetry: the realistic sessions Tractus ingests (16 tables, each
#     chunk acknowledged once fsynced) vs 16 pgbench clients inserting one
#     chunk of the same size per transaction, synchronous_commit=on (and,
#     for reference, one bulk COPY of every sample, which is not durable
#     chunk by chunk);
#   - one episode's progress: GetEpisodeProgress of random episodes vs the
#     same figures in SQL (weekly medians with percentile_cont, regr_slope
#     of daily pain, baseline and latest) for random episodes, both at 32
#     clients (Tractus's closed-loop clients, pgbench -c 32) and at 1, with
#     nothing else running on either;
#   - cohort responder rate over the large network: Tractus's
#     GetCohortOutcomes vs SQL over the same observations.
# What the SQL leaves out, which Tractus does on every call: authentication,
# the role and scope check, rate limits, the audit entry (synced), the rest
# of the progress view (trend with its interval, MCID band, adherence,
# sessions, alerts, similar patients) and disclosure control of cohort
# figures. PostgreSQL runs from a temp dir as the postgres user on a
# loopback port and is stopped at the end. Not part of CI.
#   bench/postgres_side_by_side.sh            # 10,000 / 100,000 patients
#   PATIENTS=2000 COHORT_PATIENTS=20000 SECONDS_PER_RUN=10 bench/postgres_side_by_side.sh
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
  --seconds="${SECONDS_PER_RUN:-10}" --telemetry_sessions="${TELEMETRY_SESSIONS:-1024}" \
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
# baseline and latest, of a random episode per transaction, driven by
# pgbench at 32 clients and at 1 (as Tractus's progress clients are).
psql_ -c "\"CREATE TABLE ep AS SELECT row_number() OVER (ORDER BY episode_id) AS n, episode_id
  FROM (SELECT DISTINCT episode_id FROM observations) e; CREATE UNIQUE INDEX ON ep (n);
  ANALYZE ep;\""
neps=$(psql_ -At -c "'SELECT count(*) FROM ep'")
cat > "$work/progress.sql" <<'SQL'
\set n random(1, :neps)
SELECT instrument, day / 7 AS week,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY value) AS median,
    regr_slope(value, day) OVER (PARTITION BY instrument) * 7 AS slope_per_week,
    first_value(value) OVER (PARTITION BY instrument ORDER BY min(day)) AS baseline,
    last_value(value) OVER (PARTITION BY instrument ORDER BY max(day)
      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS latest
  FROM observations WHERE episode_id = (SELECT episode_id FROM ep WHERE n = :n)
  GROUP BY instrument, day / 7, value, day ORDER BY instrument, week;
SQL
chmod a+r "$work/progress.sql"
# pgbench at $1 clients running $2 for SECONDS_PER_RUN: "tps p50_ms p99_ms"
# from its per-transaction log (latency in microseconds, column 3).
pgbench_() {
  local clients=$1 script=$2 tag=$3; shift 3
  rm -f "$work"/sock/log."$tag"*
  (cd "$work" && su postgres -c "$pg_bin/pgbench -n -h 127.0.0.1 -p $port -c $clients \
    -j $(( clients < 2 ? 1 : 2 )) -T ${SECONDS_PER_RUN:-10} -f $script $* -l \
    --log-prefix=$work/sock/log.$tag postgres" > "$work/pgbench.$tag.out" 2>&1)
  local tps
  tps=$(awk '/^tps = / { print $3 }' "$work/pgbench.$tag.out")
  cat "$work"/sock/log."$tag"* | awk '{ print $3 / 1000 }' | sort -g |
    awk -v tps="$tps" '{ a[NR] = $1 } END { printf "%s %.3f %.3f\n", tps, a[int(NR * 0.5) + 1], a[int(NR * 0.99) + 1] }'
}
read -r pg_prog_qps pg_prog_p50 pg_prog_p99 < <(pgbench_ 32 "$work/progress.sql" p32 -D neps="$neps")
read -r pg_prog1_qps pg_prog1_p50 _ < <(pgbench_ 1 "$work/progress.sql" p1 -D neps="$neps")

# Telemetry at Tractus's durability: each chunk (as many samples as a
# realistic chunk) its own synchronously committed transaction, 16 clients.
# The rows are generated by the server, so PostgreSQL is spared the wire.
chunk=$(t telemetry_samples_per_chunk)
psql_ -c "\"CREATE TABLE telemetry_tx (session bigint, t_ms bigint, measured_dn int, target_dn int,
  angle_decideg int, flags int); CREATE INDEX ON telemetry_tx (session, t_ms);\""
cat > "$work/telemetry.sql" <<SQL
\\set s random(1, 1000000000000)
INSERT INTO telemetry_tx SELECT :s, g * 100, 3900 + g % 7, 4000, 50, 0
  FROM generate_series(1, $chunk) g;
SQL
chmod a+r "$work/telemetry.sql"
read -r pg_tel_tps _ _ < <(pgbench_ 16 "$work/telemetry.sql" tel)

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
    -v pg_tel_tps="$pg_tel_tps" -v chunk="$chunk" -v obs_ms="$copy_obs_ms" \
    -v t_qps="$(t progress_idle_qps)" -v t_p50="$(t progress_idle_p50_ms)" \
    -v t_p99="$(t progress_idle_p99_ms)" -v t1_qps="$(t progress_single_qps)" \
    -v t1_p50="$(t progress_single_p50_ms)" -v pg_qps="$pg_prog_qps" -v pg_p50="$pg_prog_p50" \
    -v pg_p99="$pg_prog_p99" -v pg1_qps="$pg_prog1_qps" -v pg1_p50="$pg_prog1_p50" \
    -v t_coh="$(t cohort_seconds)" -v pg_coh_ms="$pg_cohort_ms" \
    -v t_rate="$(t cohort_responder_rate)" -v pg_rate="$pg_rate" -v eps="$(t cohort_episodes)" '
BEGIN {
  printf "\n%-58s %16s %16s %8s\n", "same data, same machine, same concurrency", "Tractus", "PostgreSQL 15", "ratio"
  tt = tel_rows / t_tel_s; pt = pg_tel_tps * chunk
  printf "%-58s %12.2f M/s %12.2f M/s %7.1fx\n", "telemetry samples, 16 writers, each chunk synced", tt / 1e6, pt / 1e6, tt / pt
  bt = tel_rows / (pg_tel_ms / 1000)
  printf "%-58s %16s %12.2f M/s %7.1fx\n", "  (PostgreSQL: one bulk COPY, one commit at the end)", "", bt / 1e6, tt / bt
  printf "%-58s %12.0f q/s %12.0f q/s %7.1fx\n", "one episode progress, 32 clients: throughput", t_qps, pg_qps, t_qps / pg_qps
  printf "%-58s %6.2f / %5.2f ms %6.2f / %5.2f ms\n", "  p50 / p99", t_p50, t_p99, pg_p50, pg_p99
  printf "%-58s %12.0f q/s %12.0f q/s %7.1fx\n", "one episode progress, 1 client: throughput", t1_qps, pg1_qps, t1_qps / pg1_qps
  printf "%-58s %13.2f ms %13.2f ms\n", "  p50", t1_p50, pg1_p50
  printf "%-58s %14.2f s %14.2f s %7.1fx\n", "cohort responder rate, " eps " episodes", t_coh, pg_coh_ms / 1000, (pg_coh_ms / 1000) / t_coh
  printf "%-58s %16.4f %16.4f\n", "  week-8 responder rate", t_rate, pg_rate
  printf "%-58s %16s %14.2f s\n", "  (observations COPY into the indexed table)", "", obs_ms / 1000
  printf "\nThe SQL leaves out what Tractus does on every call: authentication, role and scope\n"
  printf "checks, rate limits, a synced audit entry, the rest of the progress view (trend\n"
  printf "interval, MCID band, adherence, sessions, alerts) and disclosure control.\n"
}'
