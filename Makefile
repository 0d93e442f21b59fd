# stickylab — a multi-datacenter sticky-session failure lab.
# Every target works on a fresh machine: Go tools come from go.mod's tool
# directive, system packages from Debian (see scripts/).

SHELL := /bin/bash
GO ?= go
BIN := bin
LABELS ?=
# The stories that apply a fault while traffic runs.
FAULT_LABELS := failover || partition || rotation || keepalive || incident
export TESTCONTAINERS_RYUK_DISABLED ?= true

.PHONY: help build test unit scenarios scenarios-under-load bench bench-lb bench-up bench-replay lint clean clean-all deps browser-deps leaks

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed 's/^## /  /'

## build: static binaries into bin/ (stickylab, the whole lab; fakeapp and fakecdn, its roles alone)
build:
	@mkdir -p $(BIN)
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN)/ ./cmd/...

## test: everything CI runs — lint, unit tests, the scenarios, the leak check
test: lint unit scenarios leaks

## unit: the Go tests of every package but the scenarios, with one SKIP line per skipped test and its reason (STICKYLAB_REQUIRE_DOCKER=1: Docker tests fail instead of skipping)
unit:
	@GO=$(GO) scripts/unit.sh

## scenarios: the Ginkgo scenarios (LABELS=incident runs one story; STICKYLAB_RUNTIME=auto|docker|local)
scenarios:
	@scripts/scenarios.sh "$(LABELS)"

## scenarios-under-load: the fault stories (failover, partition, rotation, keepalive, incident) while scripts/load.sh keeps every core busy
scenarios-under-load:
	@scripts/load.sh scripts/scenarios.sh "$(or $(LABELS),$(FAULT_LABELS))"

## bench: Go benchmarks of every package
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## bench-lb: fakecdn against HAProxy on the same backends, side by side (installs haproxy and wrk)
bench-lb:
	@scripts/bench-lb.sh

## bench-up: lab Up and `stickylab up` against the plain-docker floor, with teardowns, in the same run
bench-up:
	@scripts/bench-up.sh

## bench-replay: replay throughput and statistics speed on the local runtime
bench-replay:
	$(GO) test -run '^$$' -bench 'Replay|Summar|Diagnos' -benchmem ./lab/...

## deps: install Debian's redis-server, haproxy and chromium, when missing
deps:
	@scripts/deps.sh

## browser-deps: install Debian's chromium for the browser test, when missing
browser-deps:
	@scripts/browser-deps.sh

## lint: gofmt and go vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## leaks: fail if a container or network labelled stickylab.run is left
leaks:
	@scripts/leaks.sh

## clean: remove bin/, artifacts/ and the containers and networks of stickylab runs whose owner process is gone (live labs stay)
clean:
	rm -rf $(BIN) artifacts
	@GO=$(GO) scripts/clean-docker.sh

## clean-all: clean, and also remove live labs (another terminal's, a parallel test's) and stickylab's images
clean-all:
	rm -rf $(BIN) artifacts
	@GO=$(GO) scripts/clean-docker.sh --all
