# tiaokuai: one entry point for building, testing and linting every language.
#
#   make test     everything: Rust tests + lint, Python, C, Java (what CI runs)
#   make lint     fmt check, clippy -D warnings, rustdoc -D warnings, header drift, ruff, stubtest
#   make sample   audit the embedded sample model
#
# Each binding has its own Makefile (bindings-*/Makefile) with `test` and `lint`.

CARGO ?= cargo
BINDINGS := $(wildcard bindings-py/Makefile bindings-c/Makefile bindings-java/Makefile)

.PHONY: test test-rust lint lint-rust sample bench-build $(BINDINGS:%/Makefile=test-%) $(BINDINGS:%/Makefile=lint-%)

test: test-rust lint $(BINDINGS:%/Makefile=test-%)

test-rust:
	$(CARGO) test --workspace --all-targets
	$(CARGO) test --workspace --doc

lint: lint-rust $(BINDINGS:%/Makefile=lint-%)

lint-rust:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --quiet

test-%:
	$(MAKE) -C $* test

lint-%:
	$(MAKE) -C $* lint

sample:
	$(CARGO) run --quiet --release -p tiaokuai-cli -- audit
