#!/bin/sh
# Install the browser-test dependency (playwright-core only; the browser is
# Debian's /usr/bin/chromium, nothing is downloaded but the npm package).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$here/node_modules/playwright-core" ]; then
    npm install --prefix "$here" --no-audit --no-fund
fi
