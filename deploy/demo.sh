#!/usr/bin/env bash
# The main job end to end on a fresh Debian 12 machine:
#   deploy/demo.sh        install what is missing, build, start tractusd on
#                         var/tractus-data, load the demo clinic through the
#                         gRPC API, let simulated decompression tables upload
#                         treatment sessions through the device gateway, and
#                         print one patient's record read back over gRPC.
#                         tractusd keeps running (127.0.0.1:50051).
#   deploy/demo.sh stop   stop that tractusd (SIGTERM: graceful).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
var=$root/var
pid_file=$var/tractusd.pid
listen=${TRACTUS_LISTEN:-127.0.0.1:50051}

stop_server() {
  if [[ -f $pid_file ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    local pid
    pid=$(cat "$pid_file")
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "tractusd (pid $pid) stopped"
  fi
  rm -f "$pid_file"
}

if [[ ${1:-} == stop ]]; then
  stop_server
  exit 0
fi

deploy/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target tractusd tractus tractus-tablesim

stop_server  # a server from an earlier run is replaced by the fresh build
mkdir -p "$var"
nohup build/release/services/tractusd --listen="$listen" --data_dir="$var/tractus-data" \
  >"$var/tractusd.log" 2>&1 &
echo $! >"$pid_file"
for _ in $(seq 1 100); do
  grep -q '^tractusd listening on ' "$var/tractusd.log" && break
  kill -0 "$(cat "$pid_file")" 2>/dev/null || { cat "$var/tractusd.log"; exit 1; }
  sleep 0.1
done
grep '^tractusd listening on ' "$var/tractusd.log"

bin=build/release/cli
# The first start wrote the bootstrap administrator's key (mode 0600); the
# demo makes a clinician for its clinic and keeps that key in var/.
admin_key=$var/tractus-data/bootstrap-admin.key
key=$var/clinician.key
"$bin/tractus" --server="$listen" --key_file="$admin_key" --clinician_key_out="$key" \
  --print_record=false demo | tee "$var/demo.log"
clinic_id=$(sed -n 's/^clinic *\(cl_[0-9a-f]*\).*/\1/p' "$var/demo.log")
patient_id=$(sed -n 's/^patient *\(pt_[0-9a-f]*\).*/\1/p' "$var/demo.log" | head -n 1)

echo
echo "--- four tables upload the course's treatment sessions (tractus-tablesim) ---"
"$bin/tractus-tablesim" --server="$listen" --key_file="$key" --clinic_id="$clinic_id" \
  --tables=4 --sessions=18 \
  --minutes=20 --spread_days=82 --drop_rate=0.2 --quiet

echo
echo "--- record read back over gRPC (tractus patient $patient_id) ---"
"$bin/tractus" --server="$listen" --key_file="$key" patient "$patient_id"

episode_id=$(sed -n 's/^patient *'"$patient_id"' *episode *\(ep_[0-9a-f]*\).*/\1/p' "$var/demo.log")
echo
echo "--- outcomes (tractus progress $episode_id --svg=var/progress.svg) ---"
"$bin/tractus" --server="$listen" --key_file="$key" --svg="$var/progress.svg" progress "$episode_id"
echo
echo "--- the clinic's patients by alert urgency (tractus alerts $clinic_id) ---"
"$bin/tractus" --server="$listen" --key_file="$key" alerts "$clinic_id"
echo
echo "--- who read what: the audit log (tractus admin audit --patient=$patient_id) ---"
"$bin/tractus" --server="$listen" --key_file="$admin_key" --patient="$patient_id" admin audit | tail -n 5

cat <<MSG

tractusd is still running on $listen (data: var/tractus-data, log: var/tractusd.log).
Keys: var/tractus-data/bootstrap-admin.key (administrator), var/clinician.key (clinician)
Try:  build/release/cli/tractus --server=$listen --key_file=var/clinician.key clinics
      build/release/cli/tractus --server=$listen --key_file=$admin_key admin users
      build/release/cli/tractus-tablesim --server=$listen --key_file=$admin_key --tables=8 --sessions=3
Stop: deploy/demo.sh stop
MSG
