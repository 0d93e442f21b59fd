#!/usr/bin/env bash
# Removes what stickylab runs whose owner process is gone left behind, with
# `stickylab clean` (it judges each run's owner pid): live labs stay.
# Arguments go to stickylab clean: --all also removes live labs and images.
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${GO:-go}" run ./cmd/stickylab clean "$@"
