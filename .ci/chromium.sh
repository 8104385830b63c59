#!/usr/bin/env bash
# Installs Debian's chromium (if missing) for the dashboard's end-to-end tests, which drive it with
# playwright-core (executablePath /usr/bin/chromium). Sourced by .ci/run.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
echo "$(/usr/bin/chromium --version 2>/dev/null || echo 'chromium: not runnable')"
