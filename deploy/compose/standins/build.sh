#!/usr/bin/env bash
# Builds local stand-ins for the public images docker-compose.yml and the Dockerfile use, under the same
# tags, for machines that reach no container registry (only Debian's mirror and the npm registry).
#   node:20-bookworm-slim  Debian bookworm + this machine's Node.js and npm, user node (uid 1000)
#   postgres:16-bookworm   Debian's PostgreSQL behind an entrypoint that honours POSTGRES_USER/_PASSWORD/_DB
#   redis:7-bookworm       Debian's redis-server, working directory /data
#   caddy:2                Debian's Caddy
# Each image is built only when it is missing (podman keeps them), so later runs take seconds.
# Usage: deploy/compose/standins/build.sh [--force]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
podman=(podman --runtime runc)
build=("${podman[@]}" build --network host --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
force=${1:-}
cache=${PARLEY_STANDIN_CACHE:-/var/cache/parley-standins}
base=localhost/parley-standin/debian:bookworm
# The Debian mirror apt already uses on this machine.
mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
  | grep -E '^(URIs:|deb) ' | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n1 | tr -d ' ' || true)
mirror=${mirror:-http://deb.debian.org/debian}

missing() { [ "$force" = --force ] || ! podman image exists "$1"; }

if missing "$base"; then
  root="$cache/bookworm-minbase"
  if [ ! -x "$root/bin/sh" ] || [ "$force" = --force ]; then
    rm -rf "$root" && mkdir -p "$root"
    echo "debootstrap bookworm from $mirror" >&2
    debootstrap --variant=minbase bookworm "$root" "$mirror" >&2
    # Later apt-get calls inside the images use the same mirror.
    echo "deb $mirror bookworm main" >"$root/etc/apt/sources.list"
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  fi
  tar -C "$root" -c . | podman import - "$base"
fi

if missing docker.io/library/node:20-bookworm-slim; then
  ctx=$(mktemp -d)
  node_bin=$(readlink -f "$(command -v node)")
  npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
  cp "$node_bin" "$ctx/node"
  cp -a "$npm_dir" "$ctx/npm"
  # The machine's own certificate authorities (a TLS-inspecting egress proxy signs with one), so npm in
  # the image reaches the registry as npm on the machine does.
  mkdir -p "$ctx/ca" && cp /usr/local/share/ca-certificates/*.crt "$ctx/ca/" 2>/dev/null || true
  cat >"$ctx/Containerfile" <<EOT
FROM $base
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx && node --version && npm --version
CMD ["node"]
EOT
  "${build[@]}" -t docker.io/library/node:20-bookworm-slim "$ctx"
  rm -rf "$ctx"
fi

if missing docker.io/library/postgres:16-bookworm; then
  "${build[@]}" --build-arg BASE="$base" -t docker.io/library/postgres:16-bookworm -f "$here/postgres.Containerfile" "$here"
fi
if missing docker.io/library/redis:7-bookworm; then
  "${build[@]}" --build-arg BASE="$base" -t docker.io/library/redis:7-bookworm -f "$here/redis.Containerfile" "$here"
fi
if missing docker.io/library/caddy:2; then
  "${build[@]}" --build-arg BASE="$base" -t docker.io/library/caddy:2 -f "$here/caddy.Containerfile" "$here"
fi
