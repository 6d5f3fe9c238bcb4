#!/usr/bin/env bash
# Checks every service of the product (api, worker, Chroma, Redis, Ollama; nginx, Prometheus and
# Grafana when their address is given) and prints each one's status and latency. For people at
# 2 a.m. and for cron: the exit code says ok (0), degraded (1) or down (2); --json for machines.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/health-check.sh [--json] [--timeout SECONDS] [--env-file FILE] [--compose]

Addresses come from the product's settings (.env or the environment), overridable here:
  API_URL         the api                  (default http://127.0.0.1:$PORT, PORT default 3000)
  CHROMA_URL      Chroma                   (default http://127.0.0.1:$CHROMA_LOCAL_PORT, 8000)
  REDIS_URL       Redis                    (default redis://127.0.0.1:6379; REDIS_PREFIX rag)
  OLLAMA_HOST     Ollama, with OLLAMA_CHAT_MODEL and OLLAMA_EMBED_MODEL that must be there
  NGINX_URL       nginx, e.g. https://rag.example.org      (checked when set)
  PROMETHEUS_URL  Prometheus, e.g. http://127.0.0.1:9090   (checked when set)
  GRAFANA_URL     Grafana, e.g. http://127.0.0.1:3001      (checked when set)

  --compose       the compose deployment (COMPOSE_FILE, RAG_ENV_FILE as for deploy-production.sh;
                  env file default .env.production): the api, SQLite, Redis, Chroma and Ollama are
                  asked from inside the api container (they are not published to the host),
                  nginx at https://127.0.0.1:$HTTPS_PORT unless NGINX_URL says otherwise, and
                  every container's healthcheck state is listed

down (2):     the api, Chroma, Redis or nginx does not answer; nobody can use the product.
degraded (1): Ollama unreachable or a model missing (questions fail, uploads wait), no ingest
              worker connected (uploads wait), the api not ready, Prometheus or Grafana away.
Exit codes: 0 ok, 1 degraded, 2 down (3 bad usage is not used: unknown options give 2 too).
Cron: */5 * * * * /opt/rag/scripts/health-check.sh --json >/var/log/rag-health.json || mail ...
EOF
}

json=0
timeout=5
env_file=""
compose=0
compose_file=${COMPOSE_FILE:-docker-compose.production.yml}
while [ $# -gt 0 ]; do
  case "$1" in
    --json) json=1; shift ;;
    --timeout) timeout=${2:?--timeout needs seconds}; shift 2 ;;
    --env-file) env_file=${2:?--env-file needs a file}; shift 2 ;;
    --compose) compose=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

cd "$(dirname "$0")/.."
if [ -z "$env_file" ]; then
  if [ "$compose" -eq 1 ]; then env_file=${RAG_ENV_FILE:-.env.production}; else env_file=.env; fi
fi
if [ -f "$env_file" ]; then
  # Only fill in what the environment does not set already.
  while IFS='=' read -r key value; do
    [[ "$key" =~ ^[A-Z_][A-Z0-9_]*$ ]] || continue
    [ -n "${!key:-}" ] || export "$key=${value%\"}"
  done < <(sed -e 's/^export //' -e 's/="/=/' "$env_file")
fi

api_url=${API_URL:-http://127.0.0.1:${PORT:-3000}}
chroma_url=${CHROMA_URL:-http://127.0.0.1:${CHROMA_LOCAL_PORT:-8000}}
redis_url=${REDIS_URL:-redis://127.0.0.1:6379}
redis_prefix=${REDIS_PREFIX:-rag}
ollama_url=${OLLAMA_HOST:-http://127.0.0.1:11434}
chat_model=${OLLAMA_CHAT_MODEL:-llama3.2:3b}
embed_model=${OLLAMA_EMBED_MODEL:-nomic-embed-text}

names=() states=() latencies=() details=()
report() { names+=("$1"); states+=("$2"); latencies+=("$3"); details+=("$4"); }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# GET a URL: sets http_code, body and took (ms); http_code is 000 when nothing answers.
fetch() {
  local started out
  started=$(now_ms)
  body=$(mktemp)
  out=$(curl -sk -o "$body" -w '%{http_code}' --max-time "$timeout" "$1" 2>/dev/null) || true
  http_code=${out:-000}
  took=$(( $(now_ms) - started ))
}

check_http() { # name url severity-when-down
  fetch "$2"
  if [[ "$http_code" =~ ^(2|3) ]]; then report "$1" ok "$took" "HTTP $http_code"
  elif [ "$http_code" = 000 ]; then report "$1" "$3" "$took" "no answer from $2"
  else report "$1" "$3" "$took" "HTTP $http_code from $2"; fi
  rm -f "$body"
}

# Redis over a plain TCP connection (no redis-cli needed): AUTH when the URL has a password.
redis_call() { # command... ; prints the reply's first line, or the bulk string
  local hostport=${redis_url#*://} auth="" host port line n
  if [[ "$hostport" == *@* ]]; then auth=${hostport%@*}; hostport=${hostport#*@}; fi
  hostport=${hostport%%/*}; host=${hostport%%:*}; port=${hostport##*:}
  [ "$port" = "$host" ] && port=6379
  exec 3<>"/dev/tcp/$host/$port" || return 1
  if [ -n "$auth" ]; then
    local user=${auth%%:*} pass=${auth#*:}
    if [ -n "$user" ] && [ "$user" != "$auth" ]; then printf 'AUTH %s %s\r\n' "$user" "$pass" >&3; else printf 'AUTH %s\r\n' "$pass" >&3; fi
    read -r -t "$timeout" line <&3 || { exec 3>&-; return 1; }
  fi
  printf '%s\r\n' "$*" >&3
  read -r -t "$timeout" line <&3 || { exec 3>&-; return 1; }
  line=${line%$'\r'}
  if [[ "$line" == \$* ]]; then
    n=${line#\$}
    head -c "$n" <&3
  else
    printf '%s\n' "$line"
  fi
  exec 3>&-
}

# The compose deployment publishes only nginx: the api answers for itself and its dependencies from
# inside its container (/ready checks SQLite, Redis, Chroma and Ollama with the models), one line each.
compose_checks() {
  local probe out name state ms detail
  # shellcheck disable=SC2016 # JavaScript, run by node in the container
  probe='const limit = Number(process.argv[1]) * 1000;
const get = async (path) => {
  const started = performance.now();
  try {
    const res = await fetch(`http://127.0.0.1:${process.env.PORT || 3000}${path}`, { signal: AbortSignal.timeout(limit) });
    return { code: res.status, body: await res.text(), ms: Math.round(performance.now() - started) };
  } catch (err) {
    return { code: 0, body: String(err.message), ms: Math.round(performance.now() - started) };
  }
};
const line = (...fields) => console.log(fields.map((f) => String(f).replace(/[\t\n]/g, " ")).join("\t"));
const health = await get("/health");
if (health.code !== 200) { line("api", "down", health.ms, "no answer from /health inside the api container"); process.exit(0); }
const ready = await get("/ready");
let checks = {};
try { checks = JSON.parse(ready.body).checks ?? {}; } catch {}
line("api", ready.code === 200 ? "ok" : "degraded", health.ms, ready.code === 200 ? "ready" : "alive, not ready");
const whenDown = { sqlite: "down", redis: "down", chroma: "down", ollama: "degraded" };
for (const [name, c] of Object.entries(checks)) line(name, c.ok ? "ok" : (whenDown[name] ?? "degraded"), c.latencyMs, c.ok ? "ok" : c.error);'
  if out=$("${compose_cmd[@]}" exec -T api node --input-type=module -e "$probe" "$timeout" 2>/dev/null) && [ -n "$out" ]; then
    while IFS=$'\t' read -r name state ms detail; do report "$name" "$state" "$ms" "$detail"; done <<<"$out"
  else
    report api down 0 "the api container does not answer (docker-compose ps api; docker-compose logs api)"
  fi
}

if [ "$compose" -eq 1 ]; then
  # shellcheck source=scripts/compose.sh
  source scripts/compose.sh
  compose_command "$compose_file" "$env_file"
  NGINX_URL=${NGINX_URL-https://127.0.0.1:${HTTPS_PORT:-443}}
  compose_checks
else
  # api: alive (/health) and ready (/ready names what is missing).
  fetch "$api_url/health"
  if [ "$http_code" = 200 ]; then
    alive_took=$took; rm -f "$body"
    fetch "$api_url/ready"
    if [ "$http_code" = 200 ]; then report api ok "$alive_took" "ready"
    else
      failing=$(grep -o '"[a-z]*":{"ok":false' "$body" | cut -d'"' -f2 | tr '\n' ' ' || true)
      report api degraded "$alive_took" "alive, not ready: ${failing:-unknown}"
    fi
  else
    report api down "$took" "no answer from $api_url/health (HTTP $http_code)"
  fi
  rm -f "$body"

  # Chroma
  check_http chroma "$chroma_url/api/v2/heartbeat" down

  # Redis, and the ingest workers connected to it (BullMQ names their connections).
  started=$(now_ms)
  if pong=$(redis_call PING 2>/dev/null) && [[ "$pong" == +PONG* ]]; then
    report redis ok "$(( $(now_ms) - started ))" "PONG"
    started=$(now_ms)
    workers=$(redis_call CLIENT LIST 2>/dev/null | grep -c "name=${redis_prefix}:bull:aW5nZXN0 " || true)
    if [ "${workers:-0}" -gt 0 ]; then report worker ok "$(( $(now_ms) - started ))" "$workers ingest worker(s) connected"
    else report worker degraded "$(( $(now_ms) - started ))" "no ingest worker connected: uploads wait"; fi
  else
    report redis down "$(( $(now_ms) - started ))" "no PONG from ${redis_url#*@}"
    report worker down 0 "unknown: Redis is away"
  fi

  # Ollama, with the configured models.
  fetch "$ollama_url/api/tags"
  if [ "$http_code" = 200 ]; then
    missing=""
    for model in "$chat_model" "$embed_model"; do
      [[ "$model" == *:* ]] || model="$model:latest"
      grep -q "\"name\":\"$model\"" "$body" || missing="$missing $model"
    done
    if [ -z "$missing" ]; then report ollama ok "$took" "models present"
    else report ollama degraded "$took" "missing model(s):$missing (ollama pull)"; fi
  else
    report ollama degraded "$took" "no answer from $ollama_url (HTTP $http_code): questions fail, uploads wait"
  fi
  rm -f "$body"

fi

[ -z "${NGINX_URL:-}" ] || check_http nginx "$NGINX_URL/" down
[ -z "${PROMETHEUS_URL:-}" ] || check_http prometheus "$PROMETHEUS_URL/-/ready" degraded
if [ -n "${GRAFANA_URL:-}" ]; then check_http grafana "$GRAFANA_URL/api/health" degraded; fi

if [ "$compose" -eq 1 ]; then
  while read -r id; do
    [ -n "$id" ] || continue
    # The engine's API (Docker, or Podman's compatible service) at DOCKER_HOST: no docker CLI needed.
    info=$(ENGINE_TIMEOUT=$timeout compose_engine_get "/containers/$id/json" || true)
    cname=$(printf '%s' "$info" | grep -o '"Name":"/[^"]*"' | head -n 1 | cut -d'"' -f4)
    cstate=$(printf '%s' "$info" | grep -o '"Health":{"Status":"[a-z]*"' | cut -d'"' -f6)
    [ -n "$cstate" ] || cstate=$(printf '%s' "$info" | grep -o '"Status":"[a-z]*"' | head -n 1 | cut -d'"' -f4)
    cstate=${cstate:-unknown}
    case "$cstate" in
      healthy|running) report "container${cname}" ok 0 "$cstate" ;;
      starting) report "container${cname}" degraded 0 "$cstate" ;;
      *) report "container${cname}" down 0 "$cstate" ;;
    esac
  done < <("${compose_cmd[@]}" ps -q 2>/dev/null)
fi

overall=ok
for s in "${states[@]}"; do
  if [ "$s" = down ]; then overall=down; elif [ "$s" = degraded ] && [ "$overall" = ok ]; then overall=degraded; fi
done

json_escape() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '%s' "$s"; }
if [ "$json" -eq 1 ]; then
  printf '{"status":"%s","checkedAt":"%s","services":[' "$overall" "$(date -u +%FT%TZ)"
  for i in "${!names[@]}"; do
    [ "$i" -eq 0 ] || printf ','
    printf '{"name":"%s","status":"%s","latencyMs":%s,"detail":"%s"}' "${names[$i]}" "${states[$i]}" "${latencies[$i]}" "$(json_escape "${details[$i]}")"
  done
  printf ']}\n'
else
  for i in "${!names[@]}"; do
    printf '%-12s %-9s %6s ms  %s\n' "${names[$i]}" "${states[$i]}" "${latencies[$i]}" "${details[$i]}"
  done
  echo "overall: $overall"
fi

case "$overall" in ok) exit 0 ;; degraded) exit 1 ;; *) exit 2 ;; esac
