#!/usr/bin/env bash
# bench-up: how long the Docker runtime takes to bring the default topology
# (7 containers) up until every container answers /healthz, against plain
# docker commands starting the same 7 containers from the same image on the
# same kind of networks, in parallel (`&` and `wait`) — the engine's floor.
# Three sides per round, alternating so all see the same machine:
#   lab Up          dockerrt.Start in a Go benchmark (BenchmarkUpDown)
#   stickylab up    the built binary, from launch until it prints "Lab is up"
#                   (incident topology, 7 containers, HTTP edge), then Ctrl-C
#                   until the process has torn the lab down and exited
#   docker          the plain-docker floor, then docker rm -f + network rm
# Prints the medians, the ratios against the floor and the teardowns.
#
#   ROUNDS=5 scripts/bench-up.sh
set -euo pipefail

ROUNDS=${ROUNDS:-5}
GO=${GO:-go}
cd "$(dirname "$0")/.."

if ! docker info >/dev/null 2>&1; then
  echo "bench-up: no Docker engine answers; nothing to measure" >&2
  exit 1
fi
command -v curl >/dev/null || { echo "bench-up: needs curl" >&2; exit 1; }

work=$(mktemp -d)
baseline_run=""
cli_pid=""
cleanup() {
  if [[ -n "$cli_pid" ]]; then kill -INT "$cli_pid" 2>/dev/null || true; wait "$cli_pid" 2>/dev/null || true; fi
  if [[ -n "$baseline_run" ]]; then remove_run "$baseline_run"; fi
  rm -rf "$work"
}
remove_run() {
  local ids nets
  ids=$(docker ps -aq --filter "label=stickylab.run=$1")
  [[ -z "$ids" ]] || docker rm -f $ids >/dev/null
  nets=$(docker network ls -q --filter "label=stickylab.run=$1")
  [[ -z "$nets" ]] || docker network rm $nets >/dev/null
}
trap cleanup EXIT INT TERM

now_ms() { date +%s%3N; }
. scripts/lib.sh # busy_ms, median

# One binary for every side: the runtime finds its image by the hash of these
# bytes, so nothing is built inside a timed round. The CLI side runs this
# binary itself, the benchmark reads it from STICKYLAB_BIN_DIR.
echo "bench-up: building stickylab, its image and the test binary"
CGO_ENABLED=0 $GO build -trimpath -buildvcs=false -o "$work/bin/" ./cmd/stickylab
$GO test -c -o "$work/dockerrt.test" ./lab/internal/dockerrt
export STICKYLAB_BIN_DIR="$work/bin" TESTCONTAINERS_RYUK_DISABLED=true
STICKYLAB_CHILD="dump=$work/plan" "$work/dockerrt.test"

lines() { mapfile -t "$1" < "$2"; }

# start_node RUN NODE: the plain-docker way to start one node: create on its
# first network with its files in its environment (as the runtime hands
# them), connect its second network, start, and poll its admin /healthz
# every 50 ms.
start_node() {
  local run=$1 node=$2 dir="$work/plan/$2" image args networks ports publish=() cid p port
  lines image "$dir/image"; lines args "$dir/args"; lines networks "$dir/networks"; lines ports "$dir/ports"
  for p in "${ports[@]}"; do publish+=(-p "127.0.0.1::${p%/tcp}"); done
  if [[ -f "$dir/env" ]]; then publish+=(--env-file "$dir/env"); fi
  cid=$(docker create --name "sl-$run-$node" --label "stickylab.run=$run" \
    --network "sl-$run-${networks[0]}" --network-alias "$node" "${publish[@]}" "${image[0]}" "${args[@]}")
  for p in "${networks[@]:1}"; do docker network connect --alias "$node" "sl-$run-$p" "$cid"; done
  docker start "$cid" >/dev/null
  touch "$work/started-$node"
  port=$(docker port "$cid" 8081/tcp | head -1); port=${port##*:}
  until curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz"; do sleep 0.05; done
}

baseline_round() {
  local run="bl$RANDOM$RANDOM" t0 node net
  baseline_run=$run
  rm -f "$work"/started-*
  t0=$(now_ms); c0=$(busy_ms)
  for net in wan dc-east dc-west; do
    docker network create --label "stickylab.run=$run" "sl-$run-$net" >/dev/null &
  done
  wait
  for node in "$work"/plan/*; do start_node "$run" "$(basename "$node")" & done
  wait
  echo "$(( $(now_ms) - t0 ))" >>"$work/baseline.ms"
  echo "$(( $(busy_ms) - c0 ))" >>"$work/baseline-cpu.ms"
  t0=$(now_ms); c0=$(busy_ms)
  remove_run "$run"
  echo "$(( $(now_ms) - t0 ))" >>"$work/baseline-down.ms"
  echo "$(( $(busy_ms) - c0 ))" >>"$work/baseline-down-cpu.ms"
  baseline_run=""
}

lab_round() {
  "$work/dockerrt.test" -test.run '^$' -test.bench '^BenchmarkUpDown$' -test.benchtime 1x >"$work/bench.out" 2>&1 || {
    cat "$work/bench.out" >&2; exit 1; }
  awk '/BenchmarkUpDown/ {for (i = 1; i < NF; i++) { if ($(i+1) == "up-ms") print $i >> "'"$work/up.ms"'"; if ($(i+1) == "down-ms") print $i >> "'"$work/down.ms"'" }}' "$work/bench.out"
}

# cli_round: `stickylab up` as a user runs it, its own state file so that
# no other lab's `stickylab ctl` is disturbed.
cli_round() {
  local t0 out="$work/cli.out"
  : >"$out"
  t0=$(now_ms)
  "$work/bin/stickylab" up -f examples/incident.yaml --runtime docker --tls=false \
    --state "$work/state.json" >"$out" 2>"$work/cli.err" &
  cli_pid=$!
  until grep -q "Lab is up" "$out"; do
    kill -0 "$cli_pid" 2>/dev/null || { cat "$work/cli.err" >&2; exit 1; }
    sleep 0.05
  done
  echo "$(( $(now_ms) - t0 ))" >>"$work/cli.ms"
  t0=$(now_ms)
  kill -INT "$cli_pid"
  wait "$cli_pid" || { cat "$work/cli.err" >&2; exit 1; }
  cli_pid=""
  echo "$(( $(now_ms) - t0 ))" >>"$work/cli-down.ms"
}

for round in $(seq "$ROUNDS"); do
  lab_round
  cli_round
  baseline_round
  echo "round $round: up: lab $(tail -1 "$work/up.ms") ms, stickylab $(tail -1 "$work/cli.ms") ms, docker $(tail -1 "$work/baseline.ms") ms;" \
    "down: lab $(tail -1 "$work/down.ms") ms, stickylab $(tail -1 "$work/cli-down.ms") ms, docker $(tail -1 "$work/baseline-down.ms") ms"
done

up=$(median <"$work/up.ms"); base=$(median <"$work/baseline.ms"); cli=$(median <"$work/cli.ms")
down=$(median <"$work/down.ms"); base_down=$(median <"$work/baseline-down.ms"); cli_down=$(median <"$work/cli-down.ms")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {print a / b}'; }
nodes=$(find "$work/plan" -mindepth 1 -maxdepth 1 -type d | wc -l)
echo
echo "median of $ROUNDS rounds, $nodes containers, until every /healthz answers:"
printf '  parallel docker commands (floor) %8.1f ms\n' "$base"
printf '  lab Up (dockerrt.Start)          %8.1f ms  ratio %.2f\n' "$up" "$(ratio "$up" "$base")"
printf '  stickylab up (whole process)     %8.1f ms  ratio %.2f  (target <= 1.2)\n' "$cli" "$(ratio "$cli" "$base")"
echo "teardown:"
printf '  docker rm -f + network rm        %8.1f ms\n' "$base_down"
printf '  lab Down                         %8.1f ms\n' "$down"
printf '  stickylab up: Ctrl-C to exit     %8.1f ms  (target <= 2000)\n' "$cli_down"
# What bounds the floor on this machine: the engine's CPU. Starting a
# container costs it (dockerd re-executing itself for the network hooks,
# runc, a fuse-overlayfs mount) about the same whatever the container runs,
# so a suite that starts K containers cannot take less than K times this
# over the machine's cores, however its labs are scheduled.
cpu_up=$(median <"$work/baseline-cpu.ms"); cpu_down=$(median <"$work/baseline-down-cpu.ms"); cores=$(nproc)
echo "engine CPU, the whole machine during the plain-docker rounds ($nodes containers, $cores cores):"
awk -v u="$cpu_up" -v d="$cpu_down" -v n="$nodes" -v c="$cores" 'BEGIN {
  printf "  up   %8.1f core-ms  %6.0f core-ms a container\n", u, u / n
  printf "  down %8.1f core-ms  %6.0f core-ms a container\n", d, d / n
  printf "  so at least %.0f ms of wall time per container started and removed, on %d busy cores\n", (u + d) / n / c, c }'
