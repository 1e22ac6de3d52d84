# mmb images: one program, three ways to ship it. Build one target at a time (`make image-build` builds all):
#   docker build --target debian -t mmb-debian:latest .   gcc, dynamically linked, on Debian slim
#   docker build --target static -t mmb-static:latest .   gcc -static, FROM scratch
#   docker build --target wasm   -t mmb-wasm:latest   .   wasm32-wasi module, FROM scratch, ENTRYPOINT ["/mmb.wasm"]
# Build args: BASE_IMAGE (every Debian stage; default debian:bookworm-slim), CC (native compiler: gcc or clang).
# The compile commands and flags come from build.mk, the same as `make build`.
#
# Stage order matters: the legacy builder (DOCKER_BUILDKIT=0) builds every stage up to the target, so the
# native stages come first and the Wasm toolchain (clang, lld, wasi-libc) is only built for --target wasm.

ARG BASE_IMAGE=debian:bookworm-slim

# ---- native build: gcc (or --build-arg CC=clang) ----
FROM ${BASE_IMAGE} AS native-build
# the legacy builder's cache is made of intermediate images; this label lets `make hard-reset` prune only ours
LABEL mmb.build-stage=native
ARG CC=gcc
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends make libc6-dev "${CC}" \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY mmb.c build.mk ./
RUN mkdir -p /out \
 && make -f build.mk CC_NATIVE="${CC}" OUT=/out/mmb-debian mmb-debian \
 && make -f build.mk CC_NATIVE="${CC}" OUT=/out/mmb-static mmb-static \
 && /out/mmb-debian 8 0.01 && /out/mmb-static 8 0.01

# ---- debian: the dynamic binary on the Debian base it was built on ----
FROM ${BASE_IMAGE} AS debian
COPY --from=native-build /out/mmb-debian /usr/local/bin/mmb
ENTRYPOINT ["/usr/local/bin/mmb"]

# ---- static: the static binary alone ----
FROM scratch AS static
COPY --from=native-build /out/mmb-static /mmb
ENTRYPOINT ["/mmb"]

# ---- wasm build: clang for wasm32-wasi from Debian's packages (the WASI SDK's parts) ----
FROM ${BASE_IMAGE} AS wasm-build
LABEL mmb.build-stage=wasm
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      make clang lld wasi-libc libclang-rt-14-dev-wasm32 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY mmb.c build.mk ./
RUN mkdir -p /out && make -f build.mk OUT=/out/mmb.wasm mmb-wasm

# ---- wasm: the module alone, as a normal host-platform image (runwasi shims load it from the rootfs) ----
FROM scratch AS wasm
COPY --from=wasm-build /out/mmb.wasm /mmb.wasm
ENTRYPOINT ["/mmb.wasm"]
