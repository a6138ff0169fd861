#!/usr/bin/env bash
# The browser tests drive the system Chromium through playwright-core, because
# `npx playwright install` cannot download browsers here; Debian's package can
# be installed instead. Does nothing when /usr/bin/chromium is already there.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "ensure-browser: /usr/bin/chromium is missing; the browser tests need it" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-browser: run as root, or install it first: apt-get install -y --no-install-recommends chromium" >&2
  exit 1
fi
echo "ensure-browser: running apt-get update" >&2
apt-get update -qq
echo "ensure-browser: running apt-get install -y --no-install-recommends chromium" >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "ensure-browser: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)" >&2
