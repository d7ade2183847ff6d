# One image for every service of wdt-k3-sync: extractor, loader, admin, ledger and the two simulators.
# Node 24 runs the TypeScript sources directly (type stripping), so nothing is compiled: the image
# is the workspace's sources plus its production dependencies.
#
# No `# syntax=` line: it makes BuildKit pull a frontend image from Docker Hub before building,
# which fails on hosts without Docker Hub (many sites have none, or only a mirror). Nothing here
# needs more than the frontend built into the engine. The one image pulled is NODE_IMAGE: point it
# at a mirror with `--build-arg NODE_IMAGE=…` (deploy/README.md).
#
#   docker build -t wdt-k3-sync .
#   docker run --env-file .env wdt-k3-sync node services/loader/src/main.ts
#   docker run --env-file .env -e SERVICE=loader wdt-k3-sync          # the same, through CMD
#
# docker-compose.yml gives each service its command. CI builds and runs this image on a real
# engine (pnpm test:deploy, deploy/README.md).

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS pnpm
# Must match package.json "packageManager" (check:deploy compares them).
ARG PNPM_VERSION=12.4.2
RUN npm install --global --no-audit --no-fund --loglevel=error pnpm@${PNPM_VERSION}

# Downloads every package of the lockfile into pnpm's store. Only the lockfile and the workspace
# file are copied, so this layer is rebuilt when dependencies change, not on every source edit.
FROM pnpm AS fetch
WORKDIR /fetch
COPY pnpm-lock.yaml pnpm-workspace.yaml .pnpmfile.mjs ./
RUN pnpm fetch --prod

# Installs the production dependencies of the services that run in containers (and the workspace
# packages they use) from that store, without the network. The local run (services/local-run) is a
# developer tool and stays out: it would pull the test kit in. Not `pnpm deploy`: it copies workspace packages
# into node_modules, and Node refuses to strip types from files under node_modules
# (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING) while our packages export src/index.ts. A
# workspace install keeps them as symlinks to packages/*, outside node_modules, exactly as in
# development (deploy/README.md shows the error).
FROM fetch AS build
WORKDIR /app
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .pnpmfile.mjs ./
COPY packages ./packages
COPY services ./services
COPY deploy/healthcheck.ts deploy/health-probe.ts deploy/refuse-demo-token.ts deploy/demo-token.ts ./deploy/
RUN pnpm install --offline --frozen-lockfile --prod \
      --filter-prod '{./services/extractor}...' --filter-prod '{./services/loader}...' \
      --filter-prod '{./services/admin}...' --filter-prod '{./services/ledger}...' \
      --filter-prod '{./services/cli}...' \
      --filter-prod '{./services/wdt-sim}...' --filter-prod '{./services/k3cloud-sim}...' \
      --filter-prod '{./services/alerter}...' --filter-prod '{./services/robot-sim}...' \
      --filter-prod '{./services/reconciler}...'

FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="wdt-k3-sync" \
      org.opencontainers.image.description="Moves WDT stock-out orders into Kingdee K3Cloud" \
      org.opencontainers.image.licenses="MIT"
ENV NODE_ENV=production
# V8's young generation sized for a service, not for the host's RAM: with Node 24's default on a
# large host a loader peaked ~100 MiB higher at the same speed (pnpm bench, loader and ceiling rows;
# README "Memory"). Override with NODE_OPTIONS in .env. The extractor and the loaders get theirs from
# compose (WORKER_NODE_OPTIONS, this flag by default; .env.example says when to cap the old generation).
ENV NODE_OPTIONS=--max-semi-space-size=8
WORKDIR /app
# Owned by root and read-only to the service user: the process cannot change its own code.
COPY --from=build /app ./
USER node
# Settings come from the environment at run time; no secret is baked into the image.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "deploy/healthcheck.ts"]
# exec: node becomes PID 1 and receives SIGTERM itself (each service shuts down gracefully on it).
CMD ["sh", "-c", "exec node services/${SERVICE:?set SERVICE to extractor, loader, admin, ledger, wdt-sim or k3cloud-sim, or give a command}/src/main.ts"]
