#!/usr/bin/env bash
# bench/web.sh — how fast the operator console draws in headless Chromium (not part of make test).
#
#   bench/web.sh [LOADS]        default 10 cold loads (new browser context each) and 10 warm
#
# Starts build/iocd --demo on an ephemeral port, measures navigation → 95 communes drawn (the
# page's performance mark "ioc:map-drawn"), bytes moved per load, and the search round trip; prints
# a table with p50 (and p90) of each. Needs build/iocd, node_modules and /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund --loglevel=error
[ -x build/iocd ] || { echo "bench/web.sh: build/iocd missing: run make" >&2; exit 1; }
npm run --silent build >/dev/null
exec node bench/web.mjs "$@"
