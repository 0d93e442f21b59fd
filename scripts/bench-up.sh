#!/usr/bin/env bash
# bench-up: how long the Docker runtime takes to bring the default topology
# (7 containers) up until every container answers /healthz, against plain
# docker commands starting the same 7 containers from the same images on the
# same kind of networks, in parallel (`&` and `wait`). Rounds alternate, so
# both sides see the same machine. Prints the medians, their ratio and the
# median of the runtime's Down.
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
cleanup() {
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
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# Same binaries for both sides: the runtime finds its images by the hash of
# these bytes, so nothing is rebuilt inside a timed round.
echo "bench-up: building binaries, images and the test binary"
CGO_ENABLED=0 $GO build -trimpath -buildvcs=false -o "$work/bin/" ./cmd/fakeapp ./cmd/fakecdn
$GO test -c -o "$work/dockerrt.test" ./lab/internal/dockerrt
export STICKYLAB_BIN_DIR="$work/bin" TESTCONTAINERS_RYUK_DISABLED=true
STICKYLAB_CHILD="dump=$work/plan" "$work/dockerrt.test"

lines() { mapfile -t "$1" < "$2"; }

# start_node RUN NODE: the plain-docker way to start one node: create on its
# first network, copy its files in, connect its second network, start, and
# poll its admin /healthz every 50 ms.
start_node() {
  local run=$1 node=$2 dir="$work/plan/$2" image args networks ports publish=() cid p port
  lines image "$dir/image"; lines args "$dir/args"; lines networks "$dir/networks"; lines ports "$dir/ports"
  for p in "${ports[@]}"; do publish+=(-p "127.0.0.1::${p%/tcp}"); done
  cid=$(docker create --name "sl-$run-$node" --label "stickylab.run=$run" \
    --network "sl-$run-${networks[0]}" --network-alias "$node" "${publish[@]}" "${image[0]}" "${args[@]}")
  if [[ -d "$dir/files" ]]; then tar -C "$dir/files" -c . | docker cp - "$cid:/" >/dev/null; fi
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
  t0=$(now_ms)
  for net in wan dc-east dc-west; do
    docker network create --label "stickylab.run=$run" "sl-$run-$net" >/dev/null &
  done
  wait
  for node in "$work"/plan/*; do start_node "$run" "$(basename "$node")" & done
  wait
  echo "$(( $(now_ms) - t0 ))" >>"$work/baseline.ms"
  t0=$(now_ms)
  remove_run "$run"
  echo "$(( $(now_ms) - t0 ))" >>"$work/baseline-down.ms"
  baseline_run=""
}

lab_round() {
  "$work/dockerrt.test" -test.run '^$' -test.bench '^BenchmarkUpDown$' -test.benchtime 1x >"$work/bench.out" 2>&1 || {
    cat "$work/bench.out" >&2; exit 1; }
  awk '/BenchmarkUpDown/ {for (i = 1; i < NF; i++) { if ($(i+1) == "up-ms") print $i >> "'"$work/up.ms"'"; if ($(i+1) == "down-ms") print $i >> "'"$work/down.ms"'" }}' "$work/bench.out"
}

for round in $(seq "$ROUNDS"); do
  lab_round
  baseline_round
  echo "round $round: up: lab $(tail -1 "$work/up.ms") ms, docker $(tail -1 "$work/baseline.ms") ms;" \
    "down: lab $(tail -1 "$work/down.ms") ms, docker $(tail -1 "$work/baseline-down.ms") ms"
done

up=$(median <"$work/up.ms"); base=$(median <"$work/baseline.ms")
down=$(median <"$work/down.ms"); base_down=$(median <"$work/baseline-down.ms")
echo
echo "median of $ROUNDS rounds, default topology (7 containers), until every /healthz answers:"
printf '  lab Up (dockerrt.Start)      %8.1f ms\n' "$up"
printf '  parallel docker commands     %8.1f ms\n' "$base"
printf '  ratio lab / docker           %8.2f  (target <= 1.5)\n' "$(awk -v a="$up" -v b="$base" 'BEGIN {print a / b}')"
printf '  lab Down                     %8.1f ms  (target <= 1000)\n' "$down"
printf '  docker rm -f + network rm    %8.1f ms\n' "$base_down"
