# mmb — build the benchmark program and its images, run the suite, run the tests.
# `make help` lists the targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# ---- tools (override on the command line, e.g. make image-build CTR="ctr -n k8s.io") ----
DOCKER      ?= docker
CTR         ?= sudo k3s ctr images import -
DOCKER_BUILD_FLAGS ?=
CC_NATIVE   ?= gcc
CC_WASM     ?= clang
JBANG       ?= $(shell command -v jbang 2>/dev/null)

# ---- the one set of optimisation flags every build of mmb.c uses (see README "Build flags") ----
include build.mk

.PHONY: help jbang build bench test test-unit clean image-build reset hard-reset

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

jbang: ## Install JBang from Maven Central if it is not on PATH (prints its path)
	@$(call jbang_path)

# JBang on PATH, or the one scripts/install-jbang.sh installs (from Maven Central).
jbang_path = $(if $(JBANG),echo $(JBANG),scripts/install-jbang.sh)

test: ## Run every test; ends with one line "N passed, N failed"
	@jbang=$$($(call jbang_path)) && "$$jbang" --quiet tests/TestRunner.java $(TEST_ARGS)

test-unit: ## Run the tests that need neither Docker nor long runs
	@$(MAKE) --no-print-directory test TEST_ARGS="--exclude-tag docker --exclude-tag slow"

clean: ## Remove build/ and local results of the tests
	rm -rf build
