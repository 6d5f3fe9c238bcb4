# shellcheck shell=bash
# Shared by the ops scripts that drive the compose deployment (deploy, backup, restore, health
# check), so all of them address the same stack the same way. Sourced, not run.
#   COMPOSE_FILE          the compose file, or several joined by ':' as docker-compose reads them
#                         (default docker-compose.production.yml)
#   RAG_ENV_FILE          settings and secrets (default .env.production); the compose file hands
#                         the same file to the containers
#   COMPOSE_PROJECT_NAME  read by docker-compose itself, when the stack runs under another name

# Fills the array compose_cmd with docker-compose and the deployment's files.
# Arguments: compose files (':'-joined), env file.
compose_command() {
  local files=${1:-docker-compose.production.yml} env_file=${2:-.env.production} file
  local -a list
  compose_cmd=(docker-compose)
  IFS=: read -ra list <<<"$files"
  for file in "${list[@]}"; do compose_cmd+=(-f "$file"); done
  [ -f "$env_file" ] && compose_cmd+=(--env-file "$env_file")
  export RAG_ENV_FILE=$env_file
}

# The version tag of the api image the deployment runs (or last ran), so that a one-off container
# runs the same version; empty when there is no api container.
compose_running_version() {
  local id image
  id=$("${compose_cmd[@]}" ps -q api 2>/dev/null | head -n 1 || true)
  [ -n "$id" ] || return 0
  # The container's Config.Image (name:tag), not its top-level image id.
  image=$(compose_engine_get "/containers/$id/json" | grep -o '"Image":"[^"]*"' | cut -d'"' -f4 | grep '/backend:' | head -n 1 || true)
  [ -z "$image" ] || printf '%s\n' "${image##*:}"
}

# The container engine's socket (Docker, or Podman's compatible service), from DOCKER_HOST.
compose_engine_socket() { local host=${DOCKER_HOST:-unix:///var/run/docker.sock}; echo "${host#unix://}"; }

# GET on the container engine's API; ENGINE_TIMEOUT seconds at the most (default 30).
compose_engine_get() {
  curl -sf --max-time "${ENGINE_TIMEOUT:-30}" --unix-socket "$(compose_engine_socket)" "http://engine$1"
}
