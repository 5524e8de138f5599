# Maillage — every target installs what it needs on a fresh Debian/Ubuntu machine
# (scripts/install-deps.sh: Debian packages, npm packages, tauri-driver; Rust crates come with cargo).
#   make run       start the desktop application
#   make test      every test: Rust (core, CLI, desktop shell), UI (types, Vitest on the real core), end-to-end (real window)
#   make bench     performance figures, as JSON
#   make package   the .deb of the desktop application
#   make fuzz      10 minutes of fuzzing of the bundle reader
SHELL := /bin/bash
CARGO ?= cargo
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: run run-cli test test-ui test-e2e bench bench-core bench-desktop package fuzz fmt lint

run:
	scripts/run-desktop.sh

# The command line on a demo store, for machines without a display.
run-cli:
	scripts/install-deps.sh build
	$(CARGO) build --locked --release -p maillage-cli
	@db=target/demo/maillage.sqlite3; if [ ! -f $$db ]; then \
	  ./target/release/maillage --db $$db init --facilitator "Animatrice de démonstration" && \
	  ./target/release/maillage --db $$db demo --territory "Cité éducative de Valmont"; fi; \
	./target/release/maillage --db $$db stats

test:
	scripts/test.sh

# The interface's type checks and component tests (against the real core: `maillage serve`).
test-ui:
	scripts/install-deps.sh desktop
	scripts/ui-build.sh
	$(CARGO) build --locked -p maillage-cli
	cd ui && npm run check --silent && npm test --silent

# Only the end-to-end tests of the real window (under Xvfb).
test-e2e:
	scripts/e2e.sh

bench: bench-core bench-desktop

bench-core:
	scripts/install-deps.sh build
	$(CARGO) run --locked --release -p maillage-bench

bench-desktop:
	scripts/bench-desktop.sh

package:
	scripts/package.sh

# New inputs go to target/, the committed seeds stay as they are.
fuzz:
	rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	mkdir -p target/fuzz-corpus/bundle_reader
	$(CARGO) +nightly fuzz run bundle_reader target/fuzz-corpus/bundle_reader fuzz/corpus/bundle_reader -- -max_total_time=600 -rss_limit_mb=2048 -timeout=10

fmt:
	$(CARGO) fmt --all

lint:
	scripts/install-deps.sh desktop
	$(CARGO) fmt --all --check
	scripts/ui-build.sh
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	cd ui && npm run check --silent
