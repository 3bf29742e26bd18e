#!/bin/sh
# Install the locked dependencies when node_modules is missing or older than package-lock.json.
set -e
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[zhiping] installing dependencies (npm ci; better-sqlite3 compiles from source, ~2 min the first time)" >&2
  npm ci --no-audit --no-fund
fi
