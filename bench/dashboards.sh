#!/usr/bin/env bash
# bench/dashboards.sh — how fast a dashboard of 12 panels is fully drawn in headless Chromium, with
# the demo's synthetic indicator values (not part of make test).
#
#   bench/dashboards.sh [LOADS [DASHBOARD]]   default 10 loads, dashboard cchc-tong-quan (12
#                                             panels: text, 8 numbers, a line over 36 months, a
#                                             choropleth and a ranked table of the 95 communes)
#
# Starts build/iocd --demo with demo.indicator_values on (≈ 2.2 M rows written at its first start)
# on an ephemeral port, signs in as the leader, and times navigation → every panel drawn (the
# dashboard view's data-state="ready", no panel left "loading"): once with the server's caches
# cold, then LOADS cold loads (a new browser context each: no HTTP cache) and LOADS warm ones (the
# same page, back to the list and into the dashboard again). Prints p50 and p90 of each, and the
# requests a load makes. Needs build/iocd, node_modules and /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund --loglevel=error
[ -x build/iocd ] || { echo "bench/dashboards.sh: build/iocd missing: run make" >&2; exit 1; }
npm run --silent build >/dev/null
exec node bench/dashboards.mjs "$@"
