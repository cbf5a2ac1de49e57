# syntax=docker/dockerfile:1
# One image recipe for every Parley service, chosen with APP (a name in services.json):
#   docker build --build-arg APP=messaging -t parley/messaging .
# Every stage but the last line is the same for all services: turbo prune keeps the services of
# services.json and the packages they use, which are installed and built once; the images differ only in
# APP. Building all five (docker compose build) installs and compiles the workspace once, and the images
# share every layer but the last, on disk and in a registry.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS prune
WORKDIR /repo
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm install --global --no-audit --no-fund turbo@2.11.9
COPY . .
RUN turbo prune $(node -p "require('./services.json').services.map((s) => s.workspace).join(' ')") \
      --docker --out-dir /pruned \
 && cp services.json tsconfig.base.json /pruned/full/ \
 && mkdir -p /pruned/full/scripts && cp scripts/container-entry.mjs /pruned/full/scripts/

FROM ${NODE_IMAGE} AS build
WORKDIR /repo
# Dependencies first (only package.json files and the pruned lockfile), so code changes reuse this layer;
# npm's download cache is a build cache mount, kept between builds.
COPY --from=prune /pruned/json/ ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --no-audit --no-fund --prefer-offline
COPY --from=prune /pruned/full/ ./
# turbo's cache is a build cache mount too: a rebuild compiles only the packages whose sources changed.
RUN --mount=type=cache,target=/repo/.turbo/cache,sharing=locked \
    npx turbo run build $(node -p "require('./services.json').services.map((s) => '--filter=' + s.workspace).join(' ')") \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
WORKDIR /repo
# Writable places for state a service keeps on disk (a generated signing key, embedded PGlite), owned by
# the unprivileged user the service runs as. A new named volume mounted there starts with this ownership.
RUN mkdir -p /var/lib/parley/keys /var/lib/parley/data && chown -R node:node /var/lib/parley
COPY --from=build --chown=node:node /repo ./
USER node
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=6 \
  CMD ["node", "scripts/container-entry.mjs", "--healthcheck"]
CMD ["node", "scripts/container-entry.mjs"]
# The service this image runs: the only layer that differs between the five.
ARG APP
RUN test -n "${APP}" || (echo "set --build-arg APP=<service from services.json>" >&2; exit 1)
ENV NODE_ENV=production APP=${APP}
