# Maillage — every target installs what it needs on a fresh Debian/Ubuntu machine.
#   make run     start Maillage
#   make test    every test
#   make bench   performance figures (JSON)
SHELL := /bin/bash
CARGO ?= cargo
export PATH := $(HOME)/.cargo/bin:$(PATH)
DEMO_DB ?= $(CURDIR)/target/demo/maillage.sqlite3

.PHONY: run test bench fmt lint deps-build cli-demo test-core

deps-build:
	@scripts/install-deps.sh build

run: deps-build
	$(CARGO) build --release -p maillage-cli
	@if [ ! -f "$(DEMO_DB)" ]; then \
	  ./target/release/maillage --db "$(DEMO_DB)" init --facilitator "Animatrice de démonstration" && \
	  ./target/release/maillage --db "$(DEMO_DB)" demo --territory "Cité éducative de Valmont"; fi
	./target/release/maillage --db "$(DEMO_DB)" stats
	@echo "Essayez : ./target/release/maillage --db $(DEMO_DB) search coopération"

test: deps-build test-core

test-core:
	$(CARGO) test --workspace --locked

bench: deps-build
	$(CARGO) run --release --locked -p maillage-bench

fmt:
	$(CARGO) fmt --all

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
