# syntax=docker/dockerfile:1
#
# GitHub Insights API: one image, three roles (see docs/deployment.md).
#   docker build -t github-insights-api .
#   docker run -p 4000:4000 --env-file .env github-insights-api                          # role "all"
#   docker run --env-file .env github-insights-api node dist/src/main.js worker            # another role
#   docker run --rm --env-file .env github-insights-api node dist/src/main.js migrate       # one-shot
#
# Base image: node:22-bookworm-slim (Node 22 LTS on Debian 12, glibc) rather than alpine (musl):
# - the lockfile's prebuilt native add-ons (msgpackr-extract under BullMQ, among others) are
#   tested here as glibc builds; on musl they need other prebuilds or a compiler toolchain;
# - the tests and CI run on Debian with glibc, so DNS resolution and OpenSSL behave in the
#   container as they did in the tests (TLS to RDS and ElastiCache);
# - the size difference (tens of MB) is small next to node_modules.

# ---- Stage 1: install everything, compile TypeScript --------------------------------------------
FROM node:22-bookworm-slim AS build
WORKDIR /app
ENV npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

# Dependencies first, so editing source does not invalidate this layer. Install scripts are skipped
# (as npm 11 does by default): every package here works from files shipped in the registry.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts

# The sources (.dockerignore keeps tests, local data, node_modules and git out of the context).
COPY . .
# tsc -p tsconfig.build.json -> dist/src/main.js and dist/migrations/*.js, then
# scripts/build-web.mjs (esbuild) -> dist/web/ (GraphiQL and the console; copied with dist/ below)
RUN npm run build

# ---- Stage 2: production dependencies and compiled output only ---------------------------------
FROM node:22-bookworm-slim AS runtime

# tini as PID 1. Node installs no default signal handlers when it is PID 1, so until main.ts has
# registered its own (during configuration and Secrets Manager look-ups at start-up) a SIGTERM or
# Ctrl-C would be ignored; tini forwards signals to node and reaps zombie processes. Once running,
# main.ts handles SIGTERM itself: stop accepting, drain HTTP/WebSocket/jobs, close connections,
# exit within SHUTDOWN_TIMEOUT_MS. (`docker run --init` or ECS `initProcessEnabled` do the same.)
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app
ENV NODE_ENV=production \
    PORT=4000 \
    npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

# Application files stay owned by root and read-only to the user the service runs as.
COPY --from=build /app/dist ./dist
COPY --from=build /app/schema ./schema
COPY scripts/health-check.js ./scripts/health-check.js

# The base image's unprivileged `node` user, by number so that runAsNonRoot checks can verify it.
USER 1000:1000

EXPOSE 4000

# Exits 0 only on HTTP 200 from /api/system/health ("ok" or "degraded"); "down" (503) is unhealthy.
# Only the api and all roles serve HTTP: run the worker and migrate roles with the check disabled.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/app/scripts/health-check.js"]

STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/main.js", "all"]
