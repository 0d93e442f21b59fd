#!/usr/bin/env bash
# Installs the Debian packages the lab uses, when missing, and says what it
# did: redis-server (the Redis session store: a child process on the local
# runtime, the source of the FROM scratch image on Docker), haproxy (bench-lb
# and the HAProxy tier) and chromium (the browser test). Needs root or sudo.
# Usage: scripts/deps.sh [PACKAGE:COMMAND ...]   (default: all three)
set -euo pipefail

# package:command pairs
wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=(redis-server:redis-server haproxy:haproxy chromium:chromium)
missing=()
for pair in "${wanted[@]}"; do
	pkg=${pair%%:*} cmd=${pair##*:}
	if path=$(command -v "$cmd"); then
		echo "deps: $pkg already installed ($path)"
	else
		missing+=("$pkg")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null; then
		echo "deps: ${missing[*]} missing and installing needs root (apt-get install -y ${missing[*]})" >&2
		exit 1
	fi
	sudo="sudo"
fi
echo "deps: installing Debian's ${missing[*]} with apt-get"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
echo "deps: installed ${missing[*]}"
