#!/usr/bin/env bash
# Make sure the browser tests have what they need: Debian's Chromium and its driver for the
# walkthrough, Node.js with npm to install axe-core (pinned in package-lock.json) for the
# accessibility checks (docs/accessibility.md), and poppler's pdftoppm for a picture of the
# gift tags PDF. Installs Debian packages only when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
  missing+=(chromium chromium-driver)
fi
if ! command -v node >/dev/null 2>&1; then
  missing+=(nodejs)
fi
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi
# pdftoppm turns the first page of the gift tags PDF into a screenshot.
if ! command -v pdftoppm >/dev/null 2>&1; then
  missing+=(poppler-utils)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "The browser tests need: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing ${missing[*]} (Debian packages)..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

# axe-core, exactly as the lock file pins it; installed again when the lock file changes.
if ! [ -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/axe-core ]; then
  echo "Installing axe-core from package-lock.json (npm ci)..." >&2
  npm ci --no-audit --no-fund >&2
  touch node_modules/axe-core
fi
