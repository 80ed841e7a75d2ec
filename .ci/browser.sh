#!/usr/bin/env bash
# The playground (`tacc serve`) in a real browser: headless Debian Chromium driven by
# playwright-core (tests/browser). Run from anywhere after `cargo build --release`; installs
# Chromium with apt-get when it is missing (as root) and the test's one npm package.
# Screenshots land in target/artifacts/ (playground.png, playground-ids.png, playground-error.png).
set -euo pipefail
cd "$(dirname "$0")/.."
START=$SECONDS

if [ ! -x target/release/tacc ]; then
    echo "target/release/tacc is missing: run cargo build --release first" >&2
    exit 1
fi

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "$CHROMIUM is missing; install the Debian packages chromium and chromium-driver (as root)" >&2
        exit 1
    fi
    echo "installing chromium and chromium-driver (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium chromium-driver fonts-dejavu-core > target/apt-chromium.log 2>&1 \
        || { cat target/apt-chromium.log >&2; exit 1; }
fi
for tool in node npm; do
    command -v "$tool" > /dev/null || { echo "$tool is missing (Node 20 or later)" >&2; exit 1; }
done
echo "browser: $("$CHROMIUM" --version 2> /dev/null | sed -n 1p); node $(node --version)"

(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error > /dev/null)

mkdir -p target/artifacts
CHROMIUM="$CHROMIUM" node tests/browser/playground.test.mjs
echo "browser test done in $((SECONDS - START)) s; screenshots in target/artifacts/"
