#!/usr/bin/env bash
# bench-lb: fakecdn against HAProxy in front of the same two backends, side by
# side, with a valid persistence cookie on every request (the hot path).
# Everything listens on 127.0.0.1; every process started here is stopped on exit.
# It runs ROUNDS rounds, each wrk against HAProxy and against fakecdn one
# after the other (the order alternating between rounds), and judges the
# median round: on a shared 2-core machine a neighbour's burst moves one
# 10-second sample by 20 %, and both proxies of a round share the minute.
# Knobs: DURATION (10s), THREADS (2), CONNS (32), ROUNDS (3), SERVER (fakecdn's --server: fast or net/http).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh # median

DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
ROUNDS=${ROUNDS:-3}
GO=${GO:-go}
SERVER=${SERVER:-fast}

install_tools() {
	command -v haproxy >/dev/null && command -v wrk >/dev/null && return
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	echo "bench-lb: installing haproxy and wrk from Debian packages"
	$sudo apt-get update -qq
	$sudo apt-get install -y haproxy wrk >/dev/null
}

work=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

wait_http() { # URL: wait up to 10s for any HTTP answer
	local i
	for i in $(seq 1 200); do
		curl -s -o /dev/null "$1" && return 0
		sleep 0.05
	done
	echo "bench-lb: $1 did not answer" >&2
	return 1
}

cookie_from() { # URL: the lbs value the LB sets on a fresh request
	curl -s -D - -o /dev/null "$1" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: lbs=\([^;]*\).*/\1/p' | head -n1
}

to_ms() { # wrk latency like 1.23ms / 512.00us / 1.01s -> milliseconds
	awk -v v="$1" 'BEGIN {
		n = v + 0
		if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n = n * 60000; else if (v ~ /s$/) n = n * 1000
		printf "%.3f", n }'
}

cpu_ticks() { # PID -> user+system CPU clock ticks so far
	awk '{print $14 + $15}' "/proc/$1/stat"
}

run_wrk() { # NAME URL COOKIE PID -> "rps p99ms cpu-us-per-request"
	local out="$work/wrk-$1.txt"
	local t0 t1
	t0=$(cpu_ticks "$4")
	wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H "Cookie: lbs=$3" "$2" >"$out"
	t1=$(cpu_ticks "$4")
	local rps p99 reqs
	rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
	reqs=$(awk '/requests in/ {print $1}' "$out")
	p99=$(awk '$1 == "99%" {print $2}' "$out")
	if grep -q "Non-2xx" "$out"; then
		echo "bench-lb: $1 answered non-2xx:" >&2
		cat "$out" >&2
		return 1
	fi
	echo "$rps $(to_ms "$p99") $(awk -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v n="$reqs" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')"
}

install_tools
mkdir -p bin
CGO_ENABLED=0 $GO build -trimpath -o bin/fakecdn ./cmd/fakecdn
$GO build -o "$work/benchbackend" ./fakecdn/internal/benchbackend

mapfile -t ports < <("$work/benchbackend" -free-ports 5)
B1=${ports[0]} B2=${ports[1]} HP=${ports[2]} FC=${ports[3]} FCA=${ports[4]}

"$work/benchbackend" -addr "127.0.0.1:$B1" -name s1 & pids+=($!)
"$work/benchbackend" -addr "127.0.0.1:$B2" -name s2 & pids+=($!)

cat >"$work/haproxy.cfg" <<CFG
global
	maxconn 4096
defaults
	mode http
	option http-keep-alive
	timeout connect 5s
	timeout client 30s
	timeout server 30s
frontend fe
	bind 127.0.0.1:$HP
	default_backend be
backend be
	balance random
	cookie lbs insert indirect nocache httponly
	server s1 127.0.0.1:$B1 cookie s1
	server s2 127.0.0.1:$B2 cookie s2
CFG
haproxy -db -f "$work/haproxy.cfg" & pids+=($!)
hpid=$!

cat >"$work/fakecdn.yaml" <<CFG
role: dc
name: bench
seed: 1
members:
  - {name: s1, url: "http://127.0.0.1:$B1"}
  - {name: s2, url: "http://127.0.0.1:$B2"}
selection: random
persistence: cookie
cookie: {name: lbs, codec: f5-encrypted}
decision_headers: true
health: {path: /healthz, interval: 1s}
CFG
bin/fakecdn --config "$work/fakecdn.yaml" --addr "127.0.0.1:$FC" --admin-addr "127.0.0.1:$FCA" --access-log=false --server "$SERVER" 2>"$work/fakecdn.log" & pids+=($!)
fpid=$!

for u in "127.0.0.1:$B1" "127.0.0.1:$B2" "127.0.0.1:$HP" "127.0.0.1:$FC" "127.0.0.1:$FCA/healthz"; do
	wait_http "http://$u"
done

hc=$(cookie_from "http://127.0.0.1:$HP/")
fc=$(cookie_from "http://127.0.0.1:$FC/")
[ -n "$hc" ] && [ -n "$fc" ] || { echo "bench-lb: no lbs cookie (haproxy '$hc', fakecdn '$fc')" >&2; exit 1; }
echo "bench-lb: fakecdn --server $SERVER; wrk -t$THREADS -c$CONNS -d$DURATION --latency; cookies haproxy lbs=$hc, fakecdn lbs=$fc"

[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "bench-lb: ROUNDS must be a positive integer, got '$ROUNDS'" >&2; exit 2; }
printf "%-7s %-8s %12s %10s %12s\n" "round" "" "requests/s" "p99 ms" "CPU us/req"
for r in $(seq 1 "$ROUNDS"); do
	if ((r % 2)); then
		read -r h_rps h_p99 h_cpu < <(run_wrk haproxy "http://127.0.0.1:$HP/" "$hc" "$hpid")
		read -r f_rps f_p99 f_cpu < <(run_wrk fakecdn "http://127.0.0.1:$FC/" "$fc" "$fpid")
	else
		read -r f_rps f_p99 f_cpu < <(run_wrk fakecdn "http://127.0.0.1:$FC/" "$fc" "$fpid")
		read -r h_rps h_p99 h_cpu < <(run_wrk haproxy "http://127.0.0.1:$HP/" "$hc" "$hpid")
	fi
	echo "$r $h_rps $h_p99 $h_cpu $f_rps $f_p99 $f_cpu" >>"$work/rounds"
	awk -v r="$r" -v hr="$h_rps" -v hp="$h_p99" -v hc="$h_cpu" -v fr="$f_rps" -v fp="$f_p99" -v fc="$f_cpu" 'BEGIN {
		printf "%-7s %-8s %12.0f %10.3f %12.1f\n", r, "haproxy", hr, hp, hc
		printf "%-7s %-8s %12.0f %10.3f %12.1f   fakecdn/haproxy: throughput %.2fx, p99 %.2fx, CPU per request %.2fx\n", "", "fakecdn", fr, fp, fc, fr / hr, fp / hp, fc / hc
	}'
done

# CPU µs per request is the proxy process's own CPU time over the run: it
# moves less than requests/s when other work shares the machine. The verdict
# is each ratio's median over the rounds.
t=$(awk '{print $5 / $2}' "$work/rounds" | median)
l=$(awk '{print $6 / $3}' "$work/rounds" | median)
c=$(awk '{print $7 / $4}' "$work/rounds" | median)
awk -v rounds="$ROUNDS" -v t="$t" -v l="$l" -v c="$c" 'BEGIN {
	printf "fakecdn/haproxy, median of %d rounds: throughput %.2fx (target >= 0.70x), p99 %.2fx (target <= 1.50x), CPU per request %.2fx\n", rounds, t, l, c
	if (t < 0.7 || l > 1.5) print "bench-lb: below target"
}'
