# tiaokuai: one entry point for building, testing and linting every language.
#
#   make test     everything: Rust tests + lint, Python, C, Java (what CI runs)
#   make lint     fmt check, clippy -D warnings, rustdoc -D warnings, header drift, ruff, stubtest
#   make sample   audit the embedded sample model
#   make compare  tiaokuai against NetworkX, rustworkx, PostgreSQL and flat arrays, in one run
#                 (SCALE=district|city|national, default city; SKIP=networkx,postgresql to leave some out;
#                 writes its part of docs/benchmarks.md; needs benches/compare/requirements.txt)
#   make fuzz-smoke  every fuzz target for 10 s (part of make test; FUZZ_SECONDS=N for longer)
#   make dist     every release artefact into dist/ (crates, sdist, wheels, C archives, CLI, JAR),
#                 each installed and smoke-tested in a clean place (packaging/dist.sh; CI runs it)
#
# Each binding has its own Makefile (bindings-*/Makefile) with `test` and `lint`.

CARGO ?= cargo
PYTHON ?= python3
SCALE ?= city
SKIP ?=
BINDINGS := $(patsubst %/Makefile,%,$(wildcard bindings-py/Makefile bindings-c/Makefile bindings-java/Makefile))
TEST_BINDINGS := $(BINDINGS:%=test-%)
LINT_BINDINGS := $(BINDINGS:%=lint-%)

.PHONY: test test-rust lint lint-rust sample fuzz-smoke compare dist $(TEST_BINDINGS) $(LINT_BINDINGS)

test: test-rust lint $(TEST_BINDINGS) fuzz-smoke

test-rust:
	$(CARGO) test --workspace --all-targets
	$(CARGO) test --workspace --doc

lint: lint-rust $(LINT_BINDINGS)

lint-rust:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --quiet

# Every cargo-fuzz target for FUZZ_SECONDS (default 10) over its seeds (fuzz/README.md); needs nightly
# or RUSTC_BOOTSTRAP. The seeds carry the known shapes; longer runs are `fuzz/run.sh long`.
FUZZ_SECONDS ?= 10
fuzz-smoke:
	fuzz/run.sh smoke $(FUZZ_SECONDS)

# Static pattern rules: GNU make applies no implicit rule to a .PHONY target.
$(TEST_BINDINGS): test-%:
	$(MAKE) -C $* test

$(LINT_BINDINGS): lint-%:
	$(MAKE) -C $* lint

# Release artefacts, built once per target (x86_64 and aarch64, glibc 2.17), and their smoke tests.
dist:
	CARGO=$(CARGO) PYTHON=$(PYTHON) packaging/dist.sh

sample:
	$(CARGO) run --quiet --release -p tiaokuai-cli -- audit

# Not part of `test`: a benchmark run of a few minutes at city scale (national: allow half an hour, NetworkX
# needs some 11 GB; SKIP=networkx leaves it out).
compare:
	$(PYTHON) benches/compare/run.py --build --scale $(SCALE) $(if $(SKIP),--skip $(SKIP)) \
		--command "make compare SCALE=$(SCALE)$(if $(SKIP), SKIP=$(SKIP))"
