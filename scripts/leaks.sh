#!/usr/bin/env bash
# Fails when any container or network labelled stickylab.run is left behind.
set -euo pipefail
if ! docker info >/dev/null 2>&1; then
  echo "leaks: no Docker engine answers; nothing to check"
  exit 0
fi
containers=$(docker ps -aq --filter label=stickylab.run)
networks=$(docker network ls -q --filter label=stickylab.run)
if [[ -n "$containers$networks" ]]; then
  echo "leaks: stickylab left containers/networks behind:"
  docker ps -a --filter label=stickylab.run
  docker network ls --filter label=stickylab.run
  exit 1
fi
echo "leaks: no stickylab container or network left"
