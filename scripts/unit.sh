#!/usr/bin/env bash
# Runs the Go tests of every package but the scenarios, printing what plain
# `go test` prints plus one "SKIP <package> <test>: <reason>" line per
# skipped test (internal/tools/testsum reads `go test -json`). Exits with go
# test's status. Extra arguments go to go test, e.g. scripts/unit.sh -run Foo
set -euo pipefail
cd "$(dirname "$0")/.."
GO="${GO:-go}"
tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
"$GO" build -o "$tools/testsum" ./internal/tools/testsum
mapfile -t pkgs < <("$GO" list ./... | grep -v /scenarios)
"$GO" test -json -count=1 "$@" "${pkgs[@]}" | "$tools/testsum"
