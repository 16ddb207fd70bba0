#!/usr/bin/env bash
# Lints the protos with buf's STANDARD rules. Usage: lint.sh [PROTO_DIR]
# Installs the pinned buf from npm into tools/buf/node_modules on first use.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
proto_dir=${1:-$here/../../proto}
if [[ ! -x $here/node_modules/.bin/buf ]]; then
  (cd "$here" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
"$here/node_modules/.bin/buf" lint "$proto_dir"
echo "buf lint: clean ($proto_dir)"
