# tiaokuai: one entry point for building, testing and linting every language.
#
#   make test     everything: Rust tests + lint, Python, C, Java (what CI runs)
#   make lint     fmt check, clippy -D warnings, rustdoc -D warnings, header drift, ruff, stubtest
#   make sample   audit the embedded sample model
#   make compare  tiaokuai against NetworkX, rustworkx, PostgreSQL and flat arrays, in one run
#                 (SCALE=district|city|national, default city; SKIP=networkx,postgresql to leave some out;
#                 writes its part of docs/benchmarks.md). Installs what it needs first (compare-deps): the
#                 PostgreSQL 15 server with apt-get when initdb is missing (sudo unless root), and a venv
#                 (COMPARE_VENV, default target/compare-venv) with benches/compare/requirements.txt and maturin
#   make compare-cases  `tiaokuai cases` against the same analysis in pandas at city scale (issue #15;
#                 CASES=the log's cases, default 2500000 (about 10 M event rows); pandas goes into the same venv)
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

# One selection of packages, targets and features for every cargo build that `make test` runs
# (the Rust tests, clippy, and the libraries the C, Java and Python tests load from target/debug).
# Cargo resolves features per invocation: a build of one package (`-p tiaokuai-c`) leaves out
# what the test targets' dev-dependencies enable (criterion turns on serde's `alloc`, proptest
# getrandom's `std`), so it would compile the library and half its dependencies a second time.
# With one selection they are compiled once; the C tests' panic hooks (`test-hooks`, never in the
# header nor in a release build) are in every debug build of the C library made here, and so is
# the header's regeneration (`header`: the C lint fails when it changed the committed one).
# The doc-tests and rustdoc take the same features (`--doc` cannot be mixed with
# `--all-targets`): without them cargo resolves another feature set (tiaokuai-c without
# cbindgen) and compiled the library and its dependencies again (155 s in a fresh clone).
CARGO_FEATURES := --features tiaokuai-c/test-hooks,tiaokuai-c/header
CARGO_SEL := --workspace --all-targets $(CARGO_FEATURES)
# The environment of every cargo build (pyo3's, for the Python extension in that build).
include mk/cargo.mk

.PHONY: test test-rust test-bindings lint lint-rust sample fuzz-smoke compare compare-deps compare-cases dist $(TEST_BINDINGS) $(LINT_BINDINGS)

test: test-rust lint test-bindings fuzz-smoke

test-rust:
	$(CARGO) build $(CARGO_SEL)
	$(CARGO) test $(CARGO_SEL)
	$(CARGO) test --workspace $(CARGO_FEATURES) --doc

lint: lint-rust $(LINT_BINDINGS)

lint-rust:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy $(CARGO_SEL) -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace $(CARGO_FEATURES) --no-deps --quiet

# Every cargo-fuzz target for FUZZ_SECONDS (default 10) over its seeds (fuzz/README.md); needs nightly
# or RUSTC_BOOTSTRAP. The seeds carry the known shapes; longer runs are `fuzz/run.sh long`.
FUZZ_SECONDS ?= 10
fuzz-smoke:
	fuzz/run.sh smoke $(FUZZ_SECONDS)

# Static pattern rules: GNU make applies no implicit rule to a .PHONY target. Each binding's
# Makefile builds what its tests load with CARGO_BUILD_ARGS: here the shared selection above, which
# test-rust has built already, so their builds find everything fresh.
$(TEST_BINDINGS): test-%:
	$(MAKE) -C $* -j1 test CARGO_BUILD_ARGS="$(CARGO_SEL)"

$(LINT_BINDINGS): lint-%:
	$(MAKE) -C $* lint CARGO_BUILD_ARGS="$(CARGO_SEL)"

# The bindings' suites run side by side: the C tests (valgrind, the sanitizer builds), pytest with
# the notebooks and the JUnit run are each mostly one thread, so two at once keep both cores busy.
# Each suite's output is printed whole when it ends. Everything else in this file runs in order,
# also under `make -j`: the steps share target/ and each builds on the one before.
ifndef TIAOKUAI_PARALLEL
.NOTPARALLEL:
endif
test-bindings:
	$(MAKE) --no-print-directory -j2 --output-sync=recurse TIAOKUAI_PARALLEL=1 $(TEST_BINDINGS)

# Release artefacts, built once per target (x86_64 and aarch64, glibc 2.17), and their smoke tests.
dist:
	CARGO=$(CARGO) PYTHON=$(PYTHON) CARGO_FEATURES="$(CARGO_FEATURES)" packaging/dist.sh

sample:
	$(CARGO) run --quiet --release -p tiaokuai-cli -- audit

# Not part of `test`: a benchmark run of a few minutes at city scale (national: allow half an hour, NetworkX
# needs some 11 GB; SKIP=networkx leaves it out).
compare: compare-deps
	$(COMPARE_PY) benches/compare/run.py --build --scale $(SCALE) $(if $(SKIP),--skip $(SKIP)) \
		--command "make compare SCALE=$(SCALE)$(if $(SKIP), SKIP=$(SKIP))"

# What `make compare` needs on a fresh Debian machine. The server: the Debian package, only when no initdb is
# found where benches/compare/postgres.py looks (apt-get, through sudo unless root; python3-venv likewise when
# the interpreter cannot make a venv). The Python peers go into a venv of their own, never the system's.
COMPARE_VENV ?= target/compare-venv
COMPARE_PY := $(COMPARE_VENV)/bin/python
PG_BINDIR ?= /usr/lib/postgresql/15/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q

compare-deps:
	@if [ ! -x $(PG_BINDIR)/initdb ] && ! { command -v pg_config >/dev/null && [ -x "$$(pg_config --bindir)/initdb" ]; }; then \
		echo "compare-deps: installing the PostgreSQL 15 server (apt-get install postgresql-15)"; \
		$(SUDO) apt-get update -q && $(APT_INSTALL) postgresql-15; \
	fi
	@if [ ! -x $(COMPARE_PY) ]; then \
		$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
			echo "compare-deps: installing python3-venv"; $(SUDO) apt-get update -q && $(APT_INSTALL) python3-venv; }; \
		echo "compare-deps: creating $(COMPARE_VENV)"; $(PYTHON) -m venv $(COMPARE_VENV); \
	fi
	$(COMPARE_PY) -m pip install --quiet --disable-pip-version-check -r benches/compare/requirements.txt \
		-r benches/cases/requirements.txt "$$(grep '^maturin==' bindings-py/requirements-dev.txt)"

# Not part of `test`: `tiaokuai cases` and pandas side by side on a city log: 2.5 M cases, about
# 10 M event rows, the benchmark's size (a few minutes; pandas peaks near 4 GB). CASES=250000 for
# a quick run, where the model's load, paid by both sides once, weighs more (docs/benchmarks.md).
CASES ?= 2500000
compare-cases: compare-deps
	$(CARGO) build --release -p tiaokuai-cli
	$(COMPARE_PY) benches/cases/pandas_cases.py --city --cases $(CASES) --tiaokuai target/release/tiaokuai
