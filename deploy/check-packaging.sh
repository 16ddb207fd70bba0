#!/usr/bin/env bash
# Checks the deployment files that can be checked on this machine:
# YAML parses (compose, Kubernetes), the systemd unit verifies, the flag
# file is accepted by tractusd, and — when nginx is installed — nginx -t on
# the proxy config. Prints what it checked and what it skipped.
# Usage: deploy/check-packaging.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build/release}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 - "$here" <<'PY'
import sys, yaml
root = sys.argv[1]
compose = yaml.safe_load(open(f"{root}/compose.yaml"))
assert set(compose["services"]) == {"tractusd", "nginx"}, compose["services"].keys()
docs = list(yaml.safe_load_all(open(f"{root}/k8s/tractusd.yaml")))
kinds = [d["kind"] for d in docs]
assert kinds == ["ConfigMap", "Service", "StatefulSet"], kinds
sts = docs[2]["spec"]
c = sts["template"]["spec"]["containers"][0]
assert c["readinessProbe"]["grpc"]["port"] == 50051 and c["livenessProbe"]["grpc"]
assert c["resources"]["requests"] and c["resources"]["limits"]
assert sts["volumeClaimTemplates"][0]["spec"]["accessModes"] == ["ReadWriteOnce"]
print("yaml: compose.yaml and k8s/tractusd.yaml parse and hold what they should")
PY

# The flag file: tractusd accepts every flag in it (data and port moved
# into a temp dir so nothing here is touched).
sed -e "s#/var/lib/tractus-backups#$work/backups#; s#/var/lib/tractus#$work#" \
    -e "s#0.0.0.0:50051#127.0.0.1:0#; s#0.0.0.0:9464#127.0.0.1:0#" \
    "$here/tractusd.flags" >"$work/tractusd.flags"
"$build/services/tractusd" --flagfile="$work/tractusd.flags" >"$work/out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q '^tractusd listening on' "$work/out" && break; sleep 0.1; done
grep -q '^tractusd listening on' "$work/out" || { cat "$work/out"; exit 1; }
kill -TERM "$pid"; wait "$pid"
echo "flags: tractusd starts and stops cleanly with deploy/tractusd.flags"

if command -v systemd-analyze >/dev/null; then
  sed "s#/usr/local/bin/tractusd#$build/services/tractusd#" "$here/systemd/tractusd.service" \
    >"$work/tractusd.service"
  # Only the unit's own problems count (the tractus user need not exist here).
  out=$(systemd-analyze verify "$work/tractusd.service" 2>&1 || true)
  if grep -v -e "User" -e "Group" -e "^$" <<<"$out" | grep -q .; then
    echo "$out"; exit 1
  fi
  echo "systemd: tractusd.service verifies"
else
  echo "systemd: skipped (no systemd-analyze)"
fi

if command -v nginx >/dev/null; then
  sed "s#server tractusd:50051#server 127.0.0.1:50051#" "$here/nginx/tractus.conf" >"$work/tractus.conf"
  printf 'pid %s/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n  access_log off;\n  include %s/tractus.conf;\n}\n' \
    "$work" "$work" >"$work/nginx.conf"
  nginx -t -c "$work/nginx.conf" -p "$work"
  echo "nginx: tractus.conf passes nginx -t"
else
  echo "nginx: skipped (nginx not installed; apt-get install nginx-light)"
fi
echo "not checked here: docker build (no Docker daemon or registry access), kubectl apply"
