#!/usr/bin/env bash
# Independent checks of export releases, apart from the exporter's code:
#   check.sh load DIR...   load CSV releases through their own load scripts
#                          into DuckDB (load_releases.mjs) and PostgreSQL 15
#                          (a throwaway cluster), check each column's type
#                          against the data dictionary, row counts against
#                          the manifest, and UNION ALL the releases
#   check.sh fhir DIR      validate a FHIR release (validate_fhir.mjs)
# Installs the pinned npm packages into tools/exportcheck/node_modules on
# first use, and PostgreSQL 15 from Debian if it is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# One install at a time (ctest runs checks in parallel), finished when the
# marker names this package-lock: a half-done install is never used.
marker=$here/node_modules/.tractus-installed
want=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
(
  flock 9
  if [[ ! -f $marker || $(cat "$marker") != "$want" ]]; then
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" >"$marker"
  fi
) 9>"$here/.install.lock"
mode=$1
shift

if [[ $mode == fhir ]]; then
  exec node "$here/validate_fhir.mjs" "$1"
fi
[[ $mode == load ]] || { echo "usage: check.sh load DIR... | check.sh fhir DIR" >&2; exit 2; }
dirs=()
for d in "$@"; do dirs+=("$(cd "$d" && pwd)"); done
node "$here/load_releases.mjs" "${dirs[@]}"

# PostgreSQL: a cluster of its own in a temp dir on a private socket.
pg_bin=/usr/lib/postgresql/15/bin
if [[ ! -x $pg_bin/initdb ]]; then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get install -y -qq postgresql-15 >/dev/null
fi
work=$(mktemp -d)
as_pg=()
if [[ $(id -u) -eq 0 ]]; then  # initdb refuses root
  chown postgres: "$work"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
"${as_pg[@]}" "$pg_bin/initdb" -D "$work/pg" -A trust -U postgres >/dev/null
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-k $work -c listen_addresses='' -c fsync=off" start >/dev/null
psql=(psql -X -q -h "$work" -U postgres -v ON_ERROR_STOP=1 -d postgres)

declare -A tables=()
for i in "${!dirs[@]}"; do
  dir=${dirs[$i]}
  (cd "$dir" && "${psql[@]}" -f load_postgresql.sql)
  # The dictionary's types, as PostgreSQL names them, against the loaded table's.
  while IFS= read -r table; do
    tables[$table]=1
    want=$(python3 - "$dir/data_dictionary.csv" "$table" <<'PY'
import csv, sys
names = {"TEXT": "text", "INTEGER": "integer", "DOUBLE PRECISION": "double precision", "BOOLEAN": "boolean"}
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["file"] == sys.argv[2] + ".csv"]
print("\n".join(f'{r["column"]} {names[r["type"]]}' for r in rows))
PY
)
    got=$("${psql[@]}" -At -F ' ' -c "SELECT column_name, data_type FROM information_schema.columns
                                      WHERE table_name = '$table' ORDER BY ordinal_position")
    if [[ $got != "$want" ]]; then
      echo "load_releases postgresql: $dir $table: columns differ from the dictionary" >&2
      diff <(echo "$want") <(echo "$got") >&2 || true
      exit 1
    fi
    rows=$("${psql[@]}" -At -c "SELECT count(*) FROM \"$table\"")
    listed=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(next(o["count"] for o in m["output"] if o["url"]==sys.argv[2]))' "$dir/manifest.json" "$table.csv")
    if [[ $rows != "$listed" ]]; then
      echo "load_releases postgresql: $dir $table: $rows rows loaded, manifest says $listed" >&2
      exit 1
    fi
    "${psql[@]}" -c "ALTER TABLE \"$table\" RENAME TO \"${table}_$i\""
  done < <(python3 -c 'import csv,sys; print("\n".join(dict.fromkeys(r["file"][:-4] for r in csv.DictReader(open(sys.argv[1])))))' "$dir/data_dictionary.csv")
done
summary=()
for table in "${!tables[@]}"; do
  union=""
  for i in "${!dirs[@]}"; do union+="${union:+ UNION ALL }SELECT * FROM \"${table}_$i\""; done
  n=$("${psql[@]}" -At -c "SELECT count(*) FROM ($union) AS u")
  summary+=("$table $n")
done
echo "load_releases postgresql: UNION ALL of ${#dirs[@]} releases: ${summary[*]}"
