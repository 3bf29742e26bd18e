#!/bin/sh
# The demo: installs what it needs, builds, seeds demo enterprises and users, starts web + ingest + the
# simulated line, and prints the URL and logins. Nothing needs to be installed on the machine beyond Node.
set -e
cd "$(dirname "$0")/.."
sh scripts/ensure-deps.sh
# The classic compiler loads Vite through its CJS API; the deprecation notice it prints is not ours to act on.
VITE_CJS_IGNORE_WARNING=true npx remix build >/dev/null
exec node scripts/zhiping.mjs demo "$@"
