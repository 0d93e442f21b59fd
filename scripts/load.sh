#!/usr/bin/env bash
# Runs a command while a bounded CPU hog keeps every core busy, then stops
# the hog whatever the command's result, and exits with the command's status.
# The hog is one busy loop per core (LOAD_PROCS, default nproc), each ended
# after LOAD_MAX at the latest (default 30m) even if this script is killed.
# Usage: scripts/load.sh COMMAND [ARG...]
set -euo pipefail
if [[ $# -eq 0 ]]; then
  echo "usage: scripts/load.sh COMMAND [ARG...]" >&2
  exit 2
fi
procs="${LOAD_PROCS:-$(nproc)}"
max="${LOAD_MAX:-30m}"
if ! [[ "$procs" =~ ^[1-9][0-9]*$ ]]; then
  echo "load: LOAD_PROCS must be a positive integer, got '$procs'" >&2
  exit 2
fi
pids=()
stop() {
  if ((${#pids[@]})); then
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    echo "load: stopped ${#pids[@]} busy loops"
    pids=()
  fi
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for ((i = 0; i < procs; i++)); do
  timeout "$max" bash -c 'while :; do :; done' &
  pids+=($!)
done
echo "load: ${procs} busy loops on $(nproc) cores (at most ${max}), pids ${pids[*]}"
status=0
"$@" || status=$?
exit "$status"
