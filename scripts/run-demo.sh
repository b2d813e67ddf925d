#!/usr/bin/env bash
# make run: start iocd with the demo province (Đồng Nai) on SQLite at http://127.0.0.1:8080.
# Data lives in ./data-run (delete it to start over). Ctrl-C stops the server cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
LISTEN=${IOC_SERVER_LISTEN:-127.0.0.1:8080}
DATA=${IOC_SERVER_DATA_DIR:-./data-run}
echo "Starting iocd with the demo province on http://$LISTEN (data in $DATA)"
echo "Demo accounts are printed below and kept in $DATA/demo-accounts.txt (synthetic demo data)."
exec ./build/iocd --demo --listen "$LISTEN" --data "$DATA" --web-root build/web
