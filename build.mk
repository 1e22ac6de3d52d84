# build.mk — the one set of flags every build of mmb.c uses, and the rules that compile it.
# Included by the Makefile (`make build`) and used on its own by the Dockerfile
# (`make -f build.mk OUT=/out/mmb static`), so the local builds and the images compile alike.
# docs/program.md "Build flags and why the compiler matters" says why these flags.

# Native builds (debian = dynamic glibc, static = gcc -static): -O2 plus 64-byte loop alignment. Without
# -falign-loops=64 the hot j-loop lands wherever the rest of the binary puts it, and on this machine the same
# loop ran 1.7x faster in one link mode than the other; aligned, both run the same code at the same speed.
MMB_CFLAGS      := -O2 -falign-loops=64
# wasm32-wasi (clang from Debian with wasi-libc; the engines compile the module again, so no alignment flag)
MMB_WASM_CFLAGS := -O2
MMB_WASM_TARGET := --target=wasm32-wasi --sysroot=/usr
MMB_WARNINGS    := -Wall -Wextra

CC_NATIVE ?= gcc
CC_WASM   ?= clang
BUILD_DIR ?= build
# extra -D flags, e.g. MMB_EXTRA=-DMMB_CORRUPT_RESULT (tests only)
MMB_EXTRA ?=
# where the stand-alone targets (debian, static, wasm) write, for the Dockerfile
OUT       ?= $(BUILD_DIR)/mmb

# The Debian package that brings a missing tool.
mmb_need_native = command -v $(CC_NATIVE) >/dev/null 2>&1 || { echo "$(CC_NATIVE) not found: apt-get install $(if $(filter clang%,$(CC_NATIVE)),clang,gcc)" >&2; exit 1; }
mmb_need_static = { $(CC_NATIVE) -print-file-name=libc.a | grep -q / ; } || { echo "static libc not found: apt-get install libc6-dev" >&2; exit 1; }
mmb_wasm_pkgs   = clang lld wasi-libc libclang-rt-14-dev-wasm32
mmb_need_wasm   = command -v $(CC_WASM) >/dev/null 2>&1 || { echo "$(CC_WASM) not found: apt-get install $(mmb_wasm_pkgs)" >&2; exit 1; }; \
  command -v wasm-ld >/dev/null 2>&1 || { echo "wasm-ld not found: apt-get install lld" >&2; exit 1; }; \
  test -f /usr/lib/wasm32-wasi/libc.a || { echo "wasi-libc not found: apt-get install wasi-libc" >&2; exit 1; }; \
  test -f "$$($(CC_WASM) --target=wasm32-wasi -print-libgcc-file-name)" || { echo "wasm32 compiler runtime not found: apt-get install libclang-rt-14-dev-wasm32" >&2; exit 1; }

# The compile commands; MMB_FLAGS records in the program the flags it was built with (MMB_READY flags=...).
mmb_cc_debian = $(CC_NATIVE) $(MMB_CFLAGS) $(MMB_WARNINGS) $(MMB_EXTRA) -DMMB_FLAGS='"$(MMB_CFLAGS)"' -o $(1) mmb.c
mmb_cc_static = $(CC_NATIVE) $(MMB_CFLAGS) -static $(MMB_WARNINGS) $(MMB_EXTRA) -DMMB_FLAGS='"$(MMB_CFLAGS) -static"' -o $(1) mmb.c
mmb_cc_wasm   = $(CC_WASM) $(MMB_WASM_TARGET) $(MMB_WASM_CFLAGS) $(MMB_WARNINGS) $(MMB_EXTRA) -DMMB_FLAGS='"$(MMB_WASM_CFLAGS)"' -o $(1) mmb.c

MMB_BUILDS := $(BUILD_DIR)/mmb-debian $(BUILD_DIR)/mmb-static $(BUILD_DIR)/mmb.wasm

# Incremental: each build depends on mmb.c, build.mk and a file holding its compile command, which is
# rewritten only when the command changes (e.g. make build CC_NATIVE=clang), so a new compiler rebuilds.
mmb_differ = $(subst $(1),,$(2))$(subst $(2),,$(1))
$(BUILD_DIR)/.cmd-%: FORCE
	$(shell mkdir -p $(@D))$(if $(call mmb_differ,$(call mmb_cc_$*,OUT),$(file <$@)),$(file >$@,$(call mmb_cc_$*,OUT)))
.PHONY: FORCE
FORCE:

$(BUILD_DIR)/mmb-debian: mmb.c build.mk $(BUILD_DIR)/.cmd-debian
	@$(mmb_need_native)
	$(call mmb_cc_debian,$@)

$(BUILD_DIR)/mmb-static: mmb.c build.mk $(BUILD_DIR)/.cmd-static
	@$(mmb_need_native)
	@$(mmb_need_static)
	$(call mmb_cc_static,$@)

$(BUILD_DIR)/mmb.wasm: mmb.c build.mk $(BUILD_DIR)/.cmd-wasm
	@$(mmb_need_wasm)
	$(call mmb_cc_wasm,$@)

# Stand-alone targets for the Dockerfile: always compile to $(OUT).
.PHONY: mmb-debian mmb-static mmb-wasm
mmb-debian:
	@$(mmb_need_native)
	$(call mmb_cc_debian,$(OUT))
mmb-static:
	@$(mmb_need_native)
	@$(mmb_need_static)
	$(call mmb_cc_static,$(OUT))
mmb-wasm:
	@$(mmb_need_wasm)
	$(call mmb_cc_wasm,$(OUT))
