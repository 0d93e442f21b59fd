#!/usr/bin/env bash
# busy: runs a command and prints its wall time and the CPU time the whole
# machine spent busy meanwhile (user, nice, system, irq, softirq from
# /proc/stat), in ms of one core. On a Docker host that counts the engine's
# daemons, runc, fuse-overlayfs and the containers, which the command's own
# rusage does not: it is how the engine's cost of `stickylab up` or of a
# replay through a Docker lab was measured. Run it on a quiet machine.
#
#   scripts/busy.sh bin/stickylab replay --url URL --ca CA -n 600 -c 8 --json
set -euo pipefail
[[ $# -gt 0 ]] || { echo "usage: scripts/busy.sh COMMAND [ARG...]" >&2; exit 2; }
. "$(dirname "$0")/lib.sh"
read -r u0 s0 i0 < <(busy_split)
t0=$(date +%s%N)
status=0
"$@" || status=$?
t1=$(date +%s%N)
read -r u1 s1 i1 < <(busy_split)
echo "busy: wall $(( (t1 - t0) / 1000000 )) ms; busy $(( u1 - u0 + s1 - s0 + i1 - i0 )) core-ms (user $(( u1 - u0 )), system $(( s1 - s0 )), irq $(( i1 - i0 )))" >&2
exit "$status"
