#!/bin/sh
# Install the browser the web tests drive: Debian's chromium package.
# Playwright's own browser download is not used (it needs internet access that test
# machines may not have); the tests launch /usr/bin/chromium instead.
# Usage: sh tests/web/install_chromium.sh   (as root, or with sudo available)
set -eu
CHROMIUM="${KOLGRAPH_TEST_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    echo "chromium present: $CHROMIUM"
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "error: $CHROMIUM is missing and this user cannot install packages;" \
         "run 'apt-get install -y chromium' as root" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium fonts-liberation
"$CHROMIUM" --version
