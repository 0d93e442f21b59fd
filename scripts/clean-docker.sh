#!/usr/bin/env bash
# Removes every container and network labelled stickylab.run.
set -euo pipefail
if ! docker info >/dev/null 2>&1; then exit 0; fi
ids=$(docker ps -aq --filter label=stickylab.run)
[[ -z "$ids" ]] || docker rm -f $ids >/dev/null
nets=$(docker network ls -q --filter label=stickylab.run)
[[ -z "$nets" ]] || docker network rm $nets >/dev/null
echo "clean: removed stickylab containers and networks"
