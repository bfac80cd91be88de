#!/usr/bin/env bash
# Make sure Debian's Chromium and its driver are installed for the browser walkthrough.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "The browser tests need Chromium: sudo apt-get install chromium chromium-driver" >&2
  exit 1
fi
echo "Installing Chromium and its driver (Debian packages)..." >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >&2
