# mmb — build the benchmark program and its images, run the suite, run the tests.
# `make help` lists the targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# ---- tools (override on the command line, e.g. make image-build CTR="ctr -n k8s.io") ----
DOCKER      ?= docker
# CTR is the ctr command of the containerd to import into; `images import -` / `images rm` are appended.
# K3s's containerd needs root: as root `k3s ctr`, otherwise `sudo k3s ctr` (a minimal Debian has no sudo).
MMB_AS_ROOT := $(filter 0,$(shell id -u))
CTR         ?= $(if $(MMB_AS_ROOT),,sudo )k3s ctr
DOCKER_BUILD_FLAGS ?=
CC_NATIVE   ?= gcc
CC_WASM     ?= clang
JBANG       ?= $(shell command -v jbang 2>/dev/null)

# ---- the one set of optimisation flags every build of mmb.c uses (see docs/program.md "Build flags") ----
include build.mk

.PHONY: help jbang build bench report test test-unit test-soak clean image-build reset hard-reset

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'
	@echo "Variables: CTR=\"$(CTR)\" (image-build, reset: the ctr of K3s's containerd; sudo only when not root),"
	@echo "  BENCH_ARGS (extra flags of make bench), TEST_ARGS (make test), RESULTS (make report)."

jbang: ## Install JBang from Maven Central if it is not on PATH (prints its path)
	@$(call jbang_path)

# JBang on PATH, or the one scripts/install-jbang.sh installs (from Maven Central).
jbang_path = $(if $(JBANG),echo $(JBANG),scripts/install-jbang.sh)

# Tags (docs/testing.md): unit, e2e, measure, soak; docker and browser say what a test needs.
test: build ## Run every test, soak and measure in their short forms (~12 min); ends with "N passed, N failed"
	@jbang=$$($(call jbang_path)) && "$$jbang" --quiet tests/TestRunner.java $(TEST_ARGS)

test-unit: ## Run the fast tests (tag unit): no long runs, no Docker
	@$(MAKE) --no-print-directory test TEST_ARGS="--include-tag unit $(TEST_ARGS)"

test-soak: build ## Run the soak and measure tests in full (a 10-minute trial, 100 trials, 100 pods; ~20 min)
	@$(MAKE) --no-print-directory test TEST_ARGS="--include-tag soak --include-tag measure --full $(TEST_ARGS)"

# The demo suite on this machine: local backend, short trials (bench_local.yaml), then the summary. An
# environment whose runtime is not installed here is skipped (the meta script's exit 3): not a failure here.
bench: build ## Run the suite here (local backend, bench_local.yaml, ~2–3 min) and print the summary
	@jbang=$$($(call jbang_path)) && export JBANG_LAUNCHER="$$jbang" && \
	  { "$$jbang" metaorchestrator.java --config bench_local.yaml --overwrite $(BENCH_ARGS); status=$$?; } && \
	  if [ $$status -eq 3 ]; then echo "make bench: runtimes that are not installed here were skipped (see Notes)"; exit 0; fi; \
	  exit $$status

# The summary and report.html of a saved results folder, again (nothing is run): make report RESULTS=results/initial_bm
RESULTS ?= results/demo
report: ## Write summary.* and report.html (charts) of a results folder again: RESULTS=results/demo
	@jbang=$$($(call jbang_path)) && "$$jbang" --quiet metaorchestrator.java report $(RESULTS)

clean: ## Remove build/ and local results of the tests
	rm -rf build

# ---- the benchmark program: local builds and images (flags and compile rules in build.mk) ----
BASE_IMAGE  ?= debian:bookworm-slim
MMB_IMAGES  := mmb-debian mmb-static mmb-wasm
# what `docker save | ctr images import` names them in containerd
MMB_CTR_REFS = $(foreach i,$(MMB_IMAGES),docker.io/library/$(i):latest)

build: $(MMB_BUILDS) ## Compile build/mmb-debian, build/mmb-static, build/mmb.wasm (flags from build.mk)

image-build: ## Build mmb-debian, mmb-static, mmb-wasm images and import them with CTR (K3s; sudo if not root)
	@command -v $(firstword $(DOCKER)) >/dev/null 2>&1 || { echo "$(firstword $(DOCKER)) not found: apt-get install docker.io" >&2; exit 1; }
	@if [ -z "$${DOCKER_BUILDKIT+set}" ] && ! $(DOCKER) buildx version >/dev/null 2>&1; then \
	  echo "(no docker buildx here: using the legacy builder, DOCKER_BUILDKIT=0)"; export DOCKER_BUILDKIT=0; fi; \
	for t in debian static wasm; do \
	  echo "== $(DOCKER) build --target $$t -t mmb-$$t:latest (BASE_IMAGE=$(BASE_IMAGE))"; \
	  $(DOCKER) build $(DOCKER_BUILD_FLAGS) --build-arg BASE_IMAGE=$(BASE_IMAGE) --target $$t -t mmb-$$t:latest . || exit 1; \
	done
	@echo "== $(DOCKER) save $(MMB_IMAGES:%=%:latest) | $(CTR) images import -"
	@set -o pipefail; $(DOCKER) save $(MMB_IMAGES:%=%:latest) | $(CTR) images import -

reset: ## Remove the three mmb images from Docker and from K3s (CTR)
	-$(DOCKER) rmi -f $(MMB_IMAGES:%=%:latest)
	-$(CTR) images rm $(MMB_CTR_REFS)

hard-reset: reset ## reset, and prune Docker's builder cache (BuildKit's, and the legacy builder's mmb stages)
	-$(DOCKER) builder prune -a -f
	-$(DOCKER) image prune -f --filter label=mmb.build-stage
