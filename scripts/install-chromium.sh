#!/bin/sh
# Install Debian's headless-capable Chromium for the report tests (tests/report/).
# Idempotent: does nothing when a chromium binary is already on the machine.
# Called by .ci/run; safe to run by hand (needs root or sudo for apt-get).
set -eu

for candidate in "${STORYLINT_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
        echo "install-chromium: $candidate already present: $("$candidate" --version 2>/dev/null || echo unknown version)"
        exit 0
    fi
done

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-chromium: need root or sudo to run apt-get" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-chromium: apt-get not found; install Chromium by hand and set STORYLINT_CHROMIUM" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# fonts-dejavu-core keeps text legible in screenshots on minimal images.
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
echo "install-chromium: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
