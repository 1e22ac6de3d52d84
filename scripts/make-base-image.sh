#!/usr/bin/env bash
# make-base-image.sh — a Debian base image for the Dockerfile's BASE_IMAGE, made without any registry:
#   mmdebstrap --variant=minbase SUITE - | docker import - NAME
# Cached: does nothing when NAME already exists (FORCE=1 rebuilds it). Needs root, mmdebstrap and a Docker
# engine (scripts/start-dockerd.sh). Extra mmdebstrap arguments (e.g. a mirror) after the suite.
# Usage: scripts/make-base-image.sh [NAME [SUITE [MIRROR...]]]   (defaults mmb-base:bookworm bookworm)
set -euo pipefail
name=${1:-mmb-base:bookworm}
suite=${2:-bookworm}
shift $(($# > 2 ? 2 : $#))
docker=${DOCKER:-docker}

if [[ ${FORCE:-} != 1 ]] && $docker image inspect "$name" >/dev/null 2>&1; then
    echo "base image $name: exists (cached)"
    exit 0
fi
command -v mmdebstrap >/dev/null 2>&1 || { echo "mmdebstrap not found: apt-get install mmdebstrap" >&2; exit 1; }
echo "base image $name: mmdebstrap --variant=minbase $suite | $docker import"
set -o pipefail
mmdebstrap --quiet --variant=minbase "$suite" - "$@" | $docker import -c 'CMD ["bash"]' - "$name"
echo "base image $name: done"
