# tiaokuai: one entry point for building, testing and linting every language.
#
#   make test     everything: Rust tests + lint, Python, C, Java (what CI runs)
#   make lint     fmt check, clippy -D warnings, rustdoc -D warnings, header drift, ruff, stubtest
#   make sample   audit the embedded sample model
#
# Each binding has its own Makefile (bindings-*/Makefile) with `test` and `lint`.

CARGO ?= cargo
BINDINGS := $(patsubst %/Makefile,%,$(wildcard bindings-py/Makefile bindings-c/Makefile bindings-java/Makefile))
TEST_BINDINGS := $(BINDINGS:%=test-%)
LINT_BINDINGS := $(BINDINGS:%=lint-%)

.PHONY: test test-rust lint lint-rust sample $(TEST_BINDINGS) $(LINT_BINDINGS)

test: test-rust lint $(TEST_BINDINGS)

test-rust:
	$(CARGO) test --workspace --all-targets
	$(CARGO) test --workspace --doc

lint: lint-rust $(LINT_BINDINGS)

lint-rust:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --quiet

# Static pattern rules: GNU make applies no implicit rule to a .PHONY target.
$(TEST_BINDINGS): test-%:
	$(MAKE) -C $* test

$(LINT_BINDINGS): lint-%:
	$(MAKE) -C $* lint

sample:
	$(CARGO) run --quiet --release -p tiaokuai-cli -- audit
