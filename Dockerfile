# One image recipe for every Parley service, chosen with APP (a name in services.json):
#   docker build --build-arg APP=messaging -t parley/messaging .
# turbo prune keeps only APP's workspace and the packages it uses, so each image installs and builds
# just what it runs.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS prune
ARG APP
WORKDIR /repo
RUN npm install --global --no-audit --no-fund turbo@2.11.9
COPY . .
RUN test -n "${APP}" || (echo "set --build-arg APP=<service from services.json>" >&2; exit 1) \
 && turbo prune "@parley/${APP}" --docker --out-dir /pruned \
 && cp services.json tsconfig.base.json /pruned/full/ \
 && mkdir -p /pruned/full/scripts && cp scripts/container-entry.mjs /pruned/full/scripts/

FROM ${NODE_IMAGE} AS build
ARG APP
WORKDIR /repo
# Dependencies first (only package.json files and the pruned lockfile), so code changes reuse this layer.
COPY --from=prune /pruned/json/ ./
RUN npm ci --no-audit --no-fund
COPY --from=prune /pruned/full/ ./
RUN npx turbo run build --filter="@parley/${APP}" \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ARG APP
ENV NODE_ENV=production APP=${APP}
WORKDIR /repo
# Writable places for state a service keeps on disk (a generated signing key, embedded PGlite), owned by
# the unprivileged user the service runs as.
RUN mkdir -p /var/lib/parley/keys /var/lib/parley/data && chown -R node:node /var/lib/parley
COPY --from=build --chown=node:node /repo ./
USER node
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=6 \
  CMD ["node", "scripts/container-entry.mjs", "--healthcheck"]
CMD ["node", "scripts/container-entry.mjs"]
