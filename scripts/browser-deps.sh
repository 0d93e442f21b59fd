#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (internal/browser,
# internal/dashboard) when it is missing: scripts/deps.sh for one package.
set -euo pipefail
exec "$(dirname "$0")/deps.sh" chromium:chromium
