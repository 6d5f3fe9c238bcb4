#!/usr/bin/env bash
# Deploys a version of the product with docker-compose.production.yml: pre-flight checks that stop
# early with a clear message (nothing changes when one fails), a backup, the images built with a
# version tag, start, healthchecks and a smoke test, and an automatic rollback to the previous
# images (and to the pre-deploy backup when the database schema changed) when any of that fails
# within the time limit. Every deploy and rollback is written to the deploy history.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/deploy-production.sh [deploy] [--version TAG] [options]
       scripts/deploy-production.sh rollback [options]      (short form: scripts/rollback.sh)
       scripts/deploy-production.sh preflight [options]     (only the checks; changes nothing)

  --version TAG        image tag to build and run (default: git describe, else a timestamp)
  --env-file FILE      settings and secrets (default $RAG_ENV_FILE, else .env.production; mode 600)
  --compose-file FILE  compose file(s), ':'-joined (default $COMPOSE_FILE, else
                       docker-compose.production.yml); COMPOSE_PROJECT_NAME names the stack
  --skip-build         the images of TAG are loaded already (docker load / podman load)
  --backup-dir DIR     where the pre-deploy backup goes (default backups/)
  --timeout SECONDS    healthchecks and smoke test must pass within this (default 300)
  --min-free-gb N      free disk needed where the data and images live (default 5)
  --cert-days N        certificates must stay valid this many more days (default 14)

Pre-flight: Docker engine (API >= 1.41, or Podman >= 4) and Compose (>= 1.29) answer; the env
file exists, has mode 600, sets every variable and holds strong secrets; server.crt and
server.key in TLS_DIR (default ssl/) match and stay valid for --cert-days; enough free disk;
ports HTTP_PORT/HTTPS_PORT (80/443) free or held by this deployment's nginx; Ollama answers
with OLLAMA_CHAT_MODEL and OLLAMA_EMBED_MODEL (from a container once the image is built).
Smoke test: the sign-in page over HTTPS, /ready green inside the api container, and one
question answered when SMOKE_API_KEY (an API key with the query scope) is set.
History: deploy-history.log (DEPLOY_HISTORY): time, who, action, version, previous, outcome.

Exit codes: 0 deployed (or rolled back on request), 1 the deploy failed and was rolled back,
2 bad usage, 3 a pre-flight check failed (nothing changed), 4 the rollback failed too (act now:
docs/runbook.md#failed-deploy).
EOF
}

action=deploy
case "${1:-}" in deploy|rollback|preflight) action=$1; shift ;; esac
version=""
env_file=${RAG_ENV_FILE:-.env.production}
compose_file=${COMPOSE_FILE:-docker-compose.production.yml}
skip_build=0
backup_dir=backups
timeout=300
min_free_gb=5
cert_days=14
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version=${2:?--version needs a tag}; shift 2 ;;
    --env-file) env_file=${2:?--env-file needs a file}; shift 2 ;;
    --compose-file) compose_file=${2:?--compose-file needs a file}; shift 2 ;;
    --skip-build) skip_build=1; shift ;;
    --backup-dir) backup_dir=${2:?--backup-dir needs a folder}; shift 2 ;;
    --timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
    --min-free-gb) min_free_gb=${2:?--min-free-gb needs a number}; shift 2 ;;
    --cert-days) cert_days=${2:?--cert-days needs a number}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=scripts/compose.sh
source "$root/scripts/compose.sh"
compose_command "$compose_file" "$env_file"
history=${DEPLOY_HISTORY:-deploy-history.log}
say() { printf '%s deploy: %s\n' "$(date -u +%FT%TZ)" "$*" >&2; }
failures=()
pass() { printf '  ok    %s\n' "$1" >&2; }
fail() { printf '  FAIL  %s\n' "$1" >&2; failures+=("$1"); }

# The value of KEY in the env file (literal, as Compose reads it), or empty.
env_value() { sed -n "s/^$1=//p" "$env_file" 2>/dev/null | tail -n 1; }

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }


check_engine() {
  local info api ver
  if ! info=$(compose_engine_get /version); then
    fail "no container engine answers at $(compose_engine_socket) (start Docker, or podman system service; set DOCKER_HOST)"
    return
  fi
  api=$(printf '%s' "$info" | grep -o '"ApiVersion":"[0-9.]*"' | head -n 1 | cut -d'"' -f4)
  ver=$(printf '%s' "$info" | grep -o '"Version":"[0-9][^"]*"' | head -n 1 | cut -d'"' -f4)
  if printf '%s' "$info" | grep -q '"Name":"Podman Engine"'; then
    if version_ge "$ver" 4.0; then pass "container engine: Podman $ver"; else fail "Podman $ver is too old: 4.0 or newer is needed"; fi
  elif version_ge "${api:-0}" 1.41; then pass "container engine: Docker $ver (API $api)"
  else fail "Docker $ver (API ${api:-unknown}) is too old: Docker 20.10 (API 1.41) or newer is needed"; fi
}

check_compose() {
  local v
  if ! command -v docker-compose >/dev/null; then fail "docker-compose is not installed (apt-get install docker-compose)"; return; fi
  v=$(docker-compose version --short 2>/dev/null || docker-compose --version | grep -o '[0-9][0-9.]*' | head -n 1)
  if version_ge "$v" 1.29; then pass "docker-compose $v"; else fail "docker-compose $v is too old: 1.29 or newer is needed"; fi
}

weak_secret() { # value min-length -> prints why it is weak, or nothing
  local value=$1 min=$2 distinct
  if [ "${#value}" -lt "$min" ]; then echo "shorter than $min characters"; return; fi
  if printf '%s' "$value" | grep -qiE 'change.?me|example|password|secret|default|placeholder|xxxx'; then echo "a placeholder, not a secret"; return; fi
  distinct=$(printf '%s' "$value" | fold -w1 | sort -u | wc -l)
  if [ "$distinct" -lt 12 ]; then echo "too few different characters ($distinct)"; fi
}

check_env_file() {
  local mode key value missing=() why redis_pass url_pass required
  if [ ! -f "$env_file" ]; then
    fail "$env_file is missing: make it with scripts/generate-env.sh (or copy .env.production.example)"
    return
  fi
  pass "$env_file present"
  mode=$(stat -c %a "$env_file")
  if [ "$mode" = 600 ] || [ "$mode" = 400 ]; then pass "$env_file has mode $mode"
  else fail "$env_file has mode $mode: it holds secrets, run chmod 600 $env_file"; fi
  # Every variable the example sets without a default must be set here, plus the ones this script needs.
  required="SERVER_NAME AUTH_JWT_SECRET REDIS_PASSWORD REDIS_URL OLLAMA_HOST"
  if [ -f .env.production.example ]; then
    required="$required $(sed -n 's/^\([A-Z_][A-Z0-9_]*\)=.*/\1/p' .env.production.example | tr '\n' ' ')"
  fi
  for key in $required; do
    value=$(env_value "$key")
    [ -n "$value" ] || missing+=("$key")
  done
  if [ ${#missing[@]} -gt 0 ]; then fail "$env_file does not set: $(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')"
  else pass "$env_file sets every required variable"; fi
  why=$(weak_secret "$(env_value AUTH_JWT_SECRET)" 32)
  if [ -n "$(env_value AUTH_JWT_SECRET)" ]; then
    if [ -n "$why" ]; then fail "AUTH_JWT_SECRET is weak: $why (scripts/generate-env.sh makes strong ones)"; else pass "AUTH_JWT_SECRET is strong"; fi
  fi
  redis_pass=$(env_value REDIS_PASSWORD)
  if [ -n "$redis_pass" ]; then
    why=$(weak_secret "$redis_pass" 24)
    if [ -n "$why" ]; then fail "REDIS_PASSWORD is weak: $why"; else pass "REDIS_PASSWORD is strong"; fi
    url_pass=$(env_value REDIS_URL | sed -n 's#^rediss\{0,1\}://[^:]*:\([^@]*\)@.*#\1#p')
    if [ "$url_pass" != "$redis_pass" ]; then fail "REDIS_URL does not carry REDIS_PASSWORD (redis://:<REDIS_PASSWORD>@redis:6379)"; fi
  fi
}

check_certificates() {
  local dir key_pub crt_pub server
  # As Compose reads it: the environment first, then the env file.
  dir=${TLS_DIR:-$(env_value TLS_DIR)}; dir=${dir:-ssl}
  if [ ! -f "$dir/server.crt" ] || [ ! -f "$dir/server.key" ]; then
    fail "no certificate: $dir/server.crt and $dir/server.key must exist (ssl/make-cert.sh)"
    return
  fi
  if ! openssl x509 -in "$dir/server.crt" -noout 2>/dev/null; then fail "$dir/server.crt is not a certificate"; return; fi
  if ! openssl x509 -in "$dir/server.crt" -noout -checkend $((cert_days * 86400)) >/dev/null; then
    fail "the certificate $dir/server.crt expires within $cert_days days (on $(openssl x509 -in "$dir/server.crt" -noout -enddate | cut -d= -f2)): renew it (docs/runbook.md#tls-expiry)"
  else
    pass "certificate valid until $(openssl x509 -in "$dir/server.crt" -noout -enddate | cut -d= -f2)"
  fi
  crt_pub=$(openssl x509 -in "$dir/server.crt" -noout -pubkey 2>/dev/null | sha256sum)
  key_pub=$(openssl pkey -in "$dir/server.key" -pubout 2>/dev/null | sha256sum || true)
  if [ "$crt_pub" != "$key_pub" ]; then fail "$dir/server.key does not belong to $dir/server.crt"; fi
  server=$(env_value SERVER_NAME)
  if [ -n "$server" ] && ! openssl x509 -in "$dir/server.crt" -noout -checkhost "$server" 2>/dev/null | grep -q 'does match'; then
    fail "the certificate is not for SERVER_NAME=$server"
  fi
}

check_disk() {
  local path free_kb fs seen=" "
  for path in "$root" "$(dirname "$(compose_engine_socket)")"; do
    [ -d "$path" ] || continue
    # One line per filesystem, not per path.
    fs=$(df -Pk "$path" | awk 'NR==2 {print $1}')
    [[ "$seen" == *" $fs "* ]] && continue
    seen="$seen$fs "
    free_kb=$(df -Pk "$path" | awk 'NR==2 {print $4}')
    if [ "$free_kb" -lt $((min_free_gb * 1024 * 1024)) ]; then fail "only $((free_kb / 1024)) MB free on $path: $min_free_gb GB are needed (docs/runbook.md#disk-full)"
    else pass "$((free_kb / 1024 / 1024)) GB free on $path"; fi
  done
}

check_ports() {
  local port ours
  ours=$("${compose_cmd[@]}" ps -q nginx 2>/dev/null || true)
  for port in "$(v=$(env_value HTTP_PORT); echo "${v:-80}")" "$(v=$(env_value HTTPS_PORT); echo "${v:-443}")"; do
    if ss -ltnH "sport = :$port" 2>/dev/null | grep -q .; then
      if [ -n "$ours" ]; then pass "port $port is held by this deployment's nginx"
      else fail "port $port is taken by another program (ss -ltnp 'sport = :$port' shows which)"; fi
    else
      pass "port $port is free"
    fi
  done
}

# Ollama as the host sees it: host.docker.internal is this machine.
check_ollama_from_host() {
  local url chat embed tags model
  url=$(env_value OLLAMA_HOST); url=${url:-http://host.docker.internal:11434}
  url=${url/host.docker.internal/127.0.0.1}
  chat=$(env_value OLLAMA_CHAT_MODEL); chat=${chat:-llama3.2:3b}
  embed=$(env_value OLLAMA_EMBED_MODEL); embed=${embed:-nomic-embed-text}
  if ! tags=$(curl -sf --max-time 5 "$url/api/tags"); then
    fail "Ollama does not answer at $url (docs/runbook.md#ollama-unreachable)"
    return
  fi
  for model in "$chat" "$embed"; do
    [[ "$model" == *:* ]] || model="$model:latest"
    if printf '%s' "$tags" | grep -q "\"name\":\"$model\""; then pass "Ollama has $model"
    else fail "Ollama lacks the model $model: ollama pull $model"; fi
  done
}

# Ollama as the containers see it (OLLAMA_HOST, extra_hosts, the egress network): from the running
# api when there is one, else from a one-off container of the new version. (A one-off container
# beside a running api is linked to it, which Podman refuses.)
check_ollama_from_container() { # version
  local probe="fetch(process.env.OLLAMA_HOST + '/api/tags').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
  if [ -n "$(compose "$1" ps -q api 2>/dev/null)" ] && compose "$1" exec -T api true >/dev/null 2>&1; then
    compose "$1" exec -T api node -e "$probe"
  else
    compose "$1" run --rm --no-deps -T api node -e "$probe"
  fi
}

preflight() {
  say "pre-flight checks"
  check_engine
  check_compose
  check_env_file
  check_certificates
  check_disk
  check_ports
  check_ollama_from_host
  if [ ${#failures[@]} -gt 0 ]; then
    say "pre-flight failed (${#failures[@]} problem(s)); nothing was changed"
    return 3
  fi
  say "pre-flight passed"
}

record() { # action version previous outcome seconds
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%ss\n' "$(date -u +%FT%TZ)" "${SUDO_USER:-$(id -un)}" "$1" "$2" "${3:--}" "$4" "$5" >>"$history"
}
last_good() { awk -F'\t' '$6 == "ok" {v=$4} END {print v}' "$history" 2>/dev/null || true; }

compose() { RAG_VERSION=$1 "${compose_cmd[@]}" "${@:2}"; }

# Waits until every container of the project is healthy; runs Podman's checks itself (no systemd
# timers). A container that turns unhealthy fails the wait at once: no point waiting out the limit.
wait_healthy() { # version deadline
  local ids id state all_ok
  while [ "$(date +%s)" -lt "$2" ]; do
    all_ok=1
    ids=$(compose "$1" ps -q)
    for id in $ids; do
      state=$(compose_engine_get "/containers/$id/json" | grep -o '"Health":{"Status":"[a-z]*"' | cut -d'"' -f6 || true)
      if [ "$state" = starting ] && command -v podman >/dev/null; then podman healthcheck run "$id" >/dev/null 2>&1 || true; fi
      if [ "$state" = unhealthy ]; then say "container $id is unhealthy"; return 1; fi
      [ -z "$state" ] || [ "$state" = healthy ] || all_ok=0
    done
    [ -n "$ids" ] && [ "$all_ok" -eq 1 ] && return 0
    sleep 2
  done
  return 1
}

# Runs a command every 2 s until it succeeds or the deadline passes: a fresh container may take a
# few seconds to reach every dependency after its healthcheck went green.
retry_until() { # deadline command...
  local deadline=$1
  shift
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 2
  done
}

sign_in_page_served() { # server https-port
  curl -sfk --max-time 10 --resolve "$1:$2:127.0.0.1" "https://$1:$2/" | grep -qi '<div id="root"'
}

ready_green() { # version; prints what /ready says when it is not green
  compose "$1" exec -T api node -e "fetch('http://127.0.0.1:3000/ready').then(async (r) => { if (!r.ok) console.error(await r.text()); process.exit(r.ok ? 0 : 1); }, (e) => { console.error(e.message); process.exit(1); })" 2>"$ready_answer"
}

question_answered() { # server https-port
  curl -sfk --max-time 120 --resolve "$1:$2:127.0.0.1" -H "authorization: Bearer $SMOKE_API_KEY" -H 'content-type: application/json' \
    -d '{"question":"What is this system for?","stream":false}' "https://$1:$2/api/v1/chat" | grep -q '"answer"'
}

smoke_test() { # version deadline
  local server https_port
  server=$(env_value SERVER_NAME); https_port=$(env_value HTTPS_PORT); https_port=${https_port:-443}
  retry_until "$2" sign_in_page_served "$server" "$https_port" || { say "smoke test: the sign-in page is not served over HTTPS"; return 1; }
  ready_answer=$(mktemp)
  if ! retry_until "$2" ready_green "$1"; then
    say "smoke test: /ready is not green: $(cat "$ready_answer")"; rm -f "$ready_answer"; return 1
  fi
  rm -f "$ready_answer"
  if [ -n "${SMOKE_API_KEY:-}" ]; then
    retry_until "$2" question_answered "$server" "$https_port" || { say "smoke test: no question answered"; return 1; }
  else
    say "smoke test: SMOKE_API_KEY not set, no question asked"
  fi
}

schema_version() { # version -> PRAGMA user_version of the running database
  compose "$1" exec -T api node -e "const D=require('better-sqlite3');const c=process.env.DATA_DIR||'data';console.log(new D(c+'/app.db',{readonly:true}).pragma('user_version',{simple:true}))" 2>/dev/null | tr -d '\r'
}

rollback_to() { # previous-version backup-path-or-empty schema-before
  local previous=$1 backup=$2 schema_before=$3 schema_now
  say "rolling back to $previous"
  schema_now=$(schema_version "$previous" || true)
  compose "$previous" up -d --remove-orphans || return 1
  if [ -n "$backup" ] && [ -n "$schema_before" ] && [ "$schema_now" != "$schema_before" ]; then
    say "the database schema changed ($schema_before -> $schema_now): restoring the pre-deploy backup $backup"
    COMPOSE_FILE=$compose_file RAG_ENV_FILE=$env_file bash scripts/restore.sh --compose "$backup" || return 1
  fi
  wait_healthy "$previous" $(( $(date +%s) + timeout )) || return 1
}

started=$(date +%s)
case "$action" in
  preflight)
    preflight || exit 3
    ;;
  rollback)
    previous=$(awk -F'\t' '$6 == "ok" {p=v; v=$4} END {print p}' "$history" 2>/dev/null || true)
    current=$(last_good)
    [ -n "$previous" ] || { say "no earlier successful deploy in $history to roll back to"; exit 2; }
    if rollback_to "$previous" "" ""; then record rollback "$previous" "$current" ok $(( $(date +%s) - started )); say "rolled back to $previous"
    else record rollback "$previous" "$current" failed $(( $(date +%s) - started )); exit 4; fi
    ;;
  deploy)
    [ -n "$version" ] || version=$(git describe --tags --always --dirty 2>/dev/null || date -u +%Y%m%d%H%M%S)
    preflight || exit 3
    previous=$(last_good)
    backup=""; schema_before=""
    if [ -n "$previous" ] && [ -n "$(compose "$previous" ps -q api 2>/dev/null)" ]; then
      say "backing up before the deploy"
      backup=$(COMPOSE_FILE=$compose_file RAG_ENV_FILE=$env_file bash scripts/backup.sh --compose --out "$backup_dir") || { say "the pre-deploy backup failed; nothing was changed"; exit 3; }
      schema_before=$(schema_version "$previous")
    fi
    if [ "$skip_build" -eq 0 ]; then
      say "building images $version"
      compose "$version" build || { record deploy "$version" "$previous" build-failed $(( $(date +%s) - started )); exit 3; }
    fi
    say "checking Ollama from a container"
    check_ollama_from_container "$version" || { say "Ollama is not reachable from the containers (OLLAMA_HOST, extra_hosts); nothing was changed"; exit 3; }
    say "starting $version"
    deadline=$(( $(date +%s) + timeout ))
    if compose "$version" up -d --remove-orphans && wait_healthy "$version" "$deadline" && smoke_test "$version" "$deadline"; then
      record deploy "$version" "$previous" ok $(( $(date +%s) - started ))
      say "deployed $version in $(( $(date +%s) - started )) s"
      exit 0
    fi
    say "the deploy of $version failed"
    if [ -z "$previous" ]; then record deploy "$version" "" failed $(( $(date +%s) - started )); say "no earlier version to roll back to"; exit 4; fi
    if rollback_to "$previous" "$backup" "$schema_before"; then
      record deploy "$version" "$previous" rolled-back $(( $(date +%s) - started ))
      say "rolled back to $previous"
      exit 1
    fi
    record deploy "$version" "$previous" rollback-failed $(( $(date +%s) - started ))
    exit 4
    ;;
esac
