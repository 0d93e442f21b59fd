#!/usr/bin/env bash
# Installs Debian's Chromium for the browser test (internal/browser) when it
# is missing, and says what it did. Needs root or sudo for apt-get.
set -euo pipefail

for name in chromium chromium-browser; do
	if path=$(command -v "$name"); then
		echo "browser-deps: $name already installed at $path ($("$path" --version 2>/dev/null || echo 'version unknown'))"
		exit 0
	fi
done

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null; then
		echo "browser-deps: chromium is missing and installing it needs root (apt-get install -y chromium)" >&2
		exit 1
	fi
	sudo="sudo"
fi

echo "browser-deps: chromium not found; installing Debian's chromium with apt-get"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
echo "browser-deps: installed $(command -v chromium) ($(chromium --version 2>/dev/null || echo 'version unknown'))"
