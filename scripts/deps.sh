#!/usr/bin/env bash
# Install what ioc needs on Debian 12, skipping what is already there.
#   scripts/deps.sh          packages to build and run (make run)
#   scripts/deps.sh test     plus what the tests need (make test)
# Debian packages via apt-get; browser packages via npm from the committed package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

want=(build-essential pkg-config libh2o-evloop-dev libssl-dev libjansson-dev libsqlite3-dev sqlite3
      libsodium-dev libunistring-dev libgeos-dev zlib1g-dev libmosquitto-dev libxlsxwriter-dev libminizip-dev
      libexpat1-dev libvips-dev libexif-dev libcurl4-openssl-dev nodejs npm curl)
if [ "${1:-}" = test ]; then
    want+=(clang libfuzzer-14-dev libclang-rt-14-dev libcmocka-dev clang-format cppcheck chromium fonts-dejavu-core
           prometheus gdal-bin mosquitto mosquitto-clients nginx)
fi

missing=()
for p in "${want[@]}"; do
    # nodejs/npm may come from elsewhere (nodesource); a working command is enough.
    case $p in
    nodejs) command -v node >/dev/null && continue ;;
    npm) command -v npm >/dev/null && continue ;;
    esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing ${missing[*]}"
    SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Browser-side packages: installed from the lock file when node_modules is missing or older.
if [ -f package-lock.json ]; then
    if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        echo "deps: npm ci"
        npm ci --no-audit --no-fund --loglevel=error
    fi
fi
