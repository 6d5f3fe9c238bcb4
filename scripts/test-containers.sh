#!/usr/bin/env bash
# The container test of the production stack: builds the project's images from its Dockerfiles,
# makes a certificate with ssl/make-cert.sh and a .env.production with scripts/generate-env.sh,
# starts docker-compose.production.yml with docker-compose on podman, and runs
# backend/test/containers/production-stack.containers.ts against it over HTTPS, with the Ollama
# emulator on the host standing in for Ollama; then backend/test/containers/deploy.containers.ts
# deploys new versions of it with scripts/deploy-production.sh. Everything it starts is removed at
# the end.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

usage() {
  cat <<'HELP'
Usage: scripts/test-containers.sh [--keep] [--help]

Needs podman (with runc), docker-compose, debootstrap and openssl; run as root.
  --keep   leave the stack running at the end (for a look around); remove it later with the
           `down -v` command printed at the end
Environment: TEST_HTTP_PORT (18080), TEST_HTTPS_PORT (18443), TEST_OLLAMA_PORT (18434) on the
host; CONTAINERS_SOCKET, the podman API socket (a private one by default).
Exit codes: 0 passed, 1 failed, 2 bad usage.
HELP
}
keep=false
case ${1:-} in
  -h|--help) usage; exit 0 ;;
  --keep) keep=true ;;
  '') ;;
  *) usage >&2; exit 2 ;;
esac

started=$(date +%s)
source "$(dirname "$0")/lib.sh"
prepare
# shellcheck source=containers/lib.sh
source "$root/scripts/containers/lib.sh"

http_port=${TEST_HTTP_PORT:-18080}
https_port=${TEST_HTTPS_PORT:-18443}
ollama_port=${TEST_OLLAMA_PORT:-18434}
id=$(openssl rand -hex 3)
project=ragtest-$id
tag=test-$id
work=$(mktemp -d "${TMPDIR:-/tmp}/ragtest-$id.XXXX")
# Private /24s for this run, so runs on one machine do not collide.
net_a=$((RANDOM % 50 + 200)) net_b=$((RANDOM % 250 + 1))
internal_subnet=10.$net_a.$net_b.0/24 nginx_ip=10.$net_a.$net_b.250 internal_range=10.$net_a.$net_b.0/25
egress_subnet=10.$((net_a + 1)).$net_b.0/24

compose_args=(--env-file "$work/.env.production" -p "$project" -f "$root/docker-compose.production.yml" -f "$work/docker-compose.test.yml")
export RAG_ENV_FILE="$work/.env.production" TLS_DIR="$work/ssl"

cleanup() {
  local rc=$?
  [ -n "${CONTAINERS_PUMP_PID:-}" ] && kill "$CONTAINERS_PUMP_PID" 2>/dev/null
  if [ "$keep" = true ]; then
    log "left running; remove with: RAG_ENV_FILE=$RAG_ENV_FILE TLS_DIR=$TLS_DIR DOCKER_HOST=$DOCKER_HOST docker-compose ${compose_args[*]} down -v"
    return
  fi
  log "removing the stack, its volumes and networks, and this run's images"
  docker-compose "${compose_args[@]}" -f "$root/docker-compose.monitoring.yml" down -v --remove-orphans >/dev/null 2>&1 || true
  local image
  for image in backend nginx; do
    podman rmi "onprem-rag/$image:$tag" "onprem-rag/$image:$tag-next" "onprem-rag/$image:$tag-broken" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
  containers_engine_stop
  exit "$rc"
}
trap cleanup EXIT

containers_engine_start
containers_base_images
containers_standins
containers_build_args

log "building the project's images (tag $tag)"
build_started=$(date +%s)
podman build -q --network host --format docker "${BUILD_ARGS[@]}" -f backend/Dockerfile -t "onprem-rag/backend:$tag" . >/dev/null
podman build -q --network host --format docker "${BUILD_ARGS[@]}" -f nginx/Dockerfile -t "onprem-rag/nginx:$tag" . >/dev/null
podman build -q --network host --format docker -t onprem-rag/chroma:1.0.5 chroma >/dev/null
log "images built in $(($(date +%s) - build_started)) s"
for image in "onprem-rag/backend:$tag" "onprem-rag/nginx:$tag" onprem-rag/chroma:1.0.5; do
  printf '# figure: image %s %s MB\n' "$image" "$(($(podman image inspect --format '{{.Size}}' "$image") / 1000000))"
done

log "making the certificate and .env.production with the project's scripts"
bash ssl/make-cert.sh --host localhost --host 127.0.0.1 --dir "$work/ssl" >/dev/null
bash scripts/generate-env.sh --output "$work/.env.production" \
  --set "RAG_VERSION=$tag" --set SERVER_NAME=localhost --set BIND_ADDRESS=127.0.0.1 \
  --set "HTTP_PORT=$http_port" --set "HTTPS_PORT=$https_port" \
  --set "INTERNAL_SUBNET=$internal_subnet" --set "NGINX_IP=$nginx_ip" --set "INTERNAL_DYNAMIC_RANGE=$internal_range" \
  --set "OLLAMA_HOST=http://host.docker.internal:$ollama_port" --set OLLAMA_TIMEOUT_MS=10000 \
  --set UPLOAD_MAX_FILE_MB=4 --set UPLOAD_MAX_FILES=2 --set INGEST_RETRY_MAX_DELAY_MS=1000 \
  --set RATE_CHAT_PER_MINUTE=0 >/dev/null

# Test only: podman writes `host-gateway` literally, so the host is named by the egress network's
# gateway, which is where a server on the host listening on 0.0.0.0 answers; and the networks carry
# the IPAM option podman reports, so docker-compose can `up` over the running stack (deploys do).
containers_host_override "$work/docker-compose.test.yml" "$egress_subnet" "$internal_subnet" "$internal_range" api worker

docker-compose "${compose_args[@]}" config -q
containers_health_pump "$project"

compose_json=$(printf '%s\n' "${compose_args[@]}" | node -e 'console.log(JSON.stringify(require("fs").readFileSync(0, "utf8").trim().split("\n")))')
export NODE_EXTRA_CA_CERTS="$work/ssl/ca.crt" \
  RAG_COMPOSE_ARGS="$compose_json" RAG_PROJECT="$project" RAG_MONITORING_FILE="$root/docker-compose.monitoring.yml" \
  RAG_BASE_URL="https://localhost:$https_port" RAG_HTTP_URL="http://localhost:$http_port" \
  RAG_TLS_HOSTPORT="127.0.0.1:$https_port" RAG_CA_FILE="$work/ssl/ca.crt" \
  RAG_EMULATOR_PORT="$ollama_port" RAG_UPLOAD_MAX_FILE_MB=4 RAG_UPLOAD_MAX_FILES=2 \
  RAG_VERSION_TAG="$tag" RAG_COMPOSE_FILES="$root/docker-compose.production.yml:$work/docker-compose.test.yml"
# One file after the other (node --test would order them by name): the deploy test takes over the
# stack the first one brought up and filled.
for file in production-stack deploy; do
  node --test --test-timeout=900000 "backend/test/containers/$file.containers.ts"
done

printf '# figure: container test took %s s in all\n' "$(($(date +%s) - started))"
