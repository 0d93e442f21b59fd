#!/usr/bin/env bash
# Runs the Ginkgo scenarios on the runtime STICKYLAB_RUNTIME picks (auto:
# Docker when an engine answers, else local), writes a JUnit report and per-spec
# HAR and Markdown reports into artifacts/, and prints the wall time.
# Usage: scripts/scenarios.sh [LABEL-FILTER]
set -euo pipefail
cd "$(dirname "$0")/.."
labels="${1:-}"
export STICKYLAB_RUNTIME="${STICKYLAB_RUNTIME:-auto}"
export TESTCONTAINERS_RYUK_DISABLED="${TESTCONTAINERS_RYUK_DISABLED:-true}"
# Per-spec HAR and Markdown reports; a fresh folder each run.
export STICKYLAB_ARTIFACTS="${STICKYLAB_ARTIFACTS:-$PWD/artifacts/scenarios}"
rm -rf "$STICKYLAB_ARTIFACTS"
mkdir -p artifacts "$STICKYLAB_ARTIFACTS"
if ! ls scenarios/*_test.go >/dev/null 2>&1; then
  echo "scenarios: no scenarios yet"
  exit 0
fi
# --timeout guards against a hang; it is no speed claim (a loaded engine is slow).
# One static stickylab for every Ginkgo process: the Docker runtime builds its
# image from it, instead of each process linking its own copy.
if [[ -z "${STICKYLAB_BIN_DIR:-}" ]]; then
  export STICKYLAB_BIN_DIR="$PWD/artifacts/bin"
  CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$STICKYLAB_BIN_DIR/stickylab" ./cmd/stickylab
fi
args=(-p --procs=2 --timeout="${SCENARIOS_TIMEOUT:-1h}" --junit-report=junit.xml --output-dir=artifacts --no-color)
[[ -n "$labels" ]] && args+=("--label-filter=$labels")
start=$(date +%s%N)
status=0
go tool ginkgo "${args[@]}" ./scenarios || status=$?
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
printf 'scenarios: wall time %d.%01d s (STICKYLAB_RUNTIME=%s)\n' $((ms / 1000)) $(((ms % 1000) / 100)) "$STICKYLAB_RUNTIME"
exit "$status"
