# Included by the root Makefile and each binding's: where cargo builds, and the environment
# every cargo build of the workspace runs in, the same whichever Makefile starts it (an
# environment variable a build script reads is part of what cargo compares: a build started
# with another would compile pyo3 and the Python extension again).

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)
CARGO ?= cargo
PYTHON ?= python3
TARGET_DIR := $(shell $(CARGO) metadata --format-version 1 --no-deps --manifest-path $(ROOT)/Cargo.toml 2>/dev/null \
                | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
ifeq ($(TARGET_DIR),)
TARGET_DIR := $(ROOT)/target
endif

# The Python extension is built as maturin builds it, an extension module (not linked to
# libpython), and pyo3 reads the configuration of the interpreter that runs the tests.
export PYO3_BUILD_EXTENSION_MODULE := 1
export PYO3_PYTHON := $(shell command -v $(PYTHON))
