#!/bin/sh
# The whole test suite: typecheck, build, then unit, integration (real InfluxDB, Mosquitto, PostgreSQL)
# and end-to-end (real Chromium) tests. Services come from scripts/services.sh; what it started is stopped
# at the end unless ZP_KEEP_SERVICES=1. Extra arguments go to vitest (e.g. `npm test -- --project unit`).
set -e
cd "$(dirname "$0")/.."
sh scripts/ensure-deps.sh
sh scripts/services.sh up
if [ "${ZP_KEEP_SERVICES:-}" != "1" ]; then trap 'sh scripts/services.sh down' EXIT INT TERM; fi
. ./.services/env
echo "[zhiping] typecheck" >&2
npx tsc --noEmit
echo "[zhiping] build" >&2
# The classic compiler loads Vite through its CJS API; the deprecation notice it prints is not ours to act on.
VITE_CJS_IGNORE_WARNING=true npx remix build >/dev/null
npx vitest run "$@"
