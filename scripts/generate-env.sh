#!/usr/bin/env bash
# Writes .env.production from .env.production.example with fresh secrets (the JWT signing secret
# and the Redis password, also put into REDIS_URL), readable by its owner only (mode 600).
set -euo pipefail

usage() {
  cat <<'HELP'
Usage: scripts/generate-env.sh [--output FILE] [--force] [--set KEY=VALUE ...]

  --output FILE    where to write (default: .env.production next to the example)
  --force          replace an existing file (its secrets are lost: everybody is signed out, and
                   Redis must be restarted with the new password)
  --set KEY=VALUE  set a variable (repeatable), e.g. --set SERVER_NAME=rag.example.org
Exit codes: 0 written, 1 the file exists (without --force) or a step failed, 2 bad usage.
HELP
}

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/.env.production" force=false sets=()
while [ $# -gt 0 ]; do
  case $1 in
    --output) out=${2:?--output needs a file}; shift 2 ;;
    --force) force=true; shift ;;
    --set)
      [[ ${2:-} == [A-Z_]*=* ]] || { echo "generate-env: --set needs KEY=VALUE" >&2; exit 2; }
      sets+=("$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "generate-env: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done

if [ -e "$out" ] && [ "$force" = false ]; then
  echo "generate-env: $out exists; keeping it (use --force to replace it and its secrets)" >&2
  exit 1
fi

# Hex secrets: nothing in them needs quoting in an env file or escaping in a URL.
jwt_secret=$(openssl rand -hex 48)
redis_password=$(openssl rand -hex 32)

# Replaces KEY's line (set or commented out) with KEY=VALUE, or appends it.
set_var() {
  local file=$1 key=$2 value=$3
  if grep -qE "^(# )?$key=" "$file"; then
    awk -v k="$key" -v v="$value" 'BEGIN{done=0} { if (!done && ($0 ~ "^" k "=" || $0 ~ "^# " k "=")) { print k "=" v; done=1 } else print }' "$file" >"$file.tmp"
    mv "$file.tmp" "$file"
  else
    printf '%s=%s\n' "$key" "$value" >>"$file"
  fi
}

umask 077
tmp=$(mktemp "$(dirname "$out")/.env.production.XXXXXX")
trap 'rm -f "$tmp" "$tmp.tmp"' EXIT
cp "$root/.env.production.example" "$tmp"
set_var "$tmp" AUTH_JWT_SECRET "$jwt_secret"
set_var "$tmp" REDIS_PASSWORD "$redis_password"
set_var "$tmp" REDIS_URL "redis://:$redis_password@redis:6379"
for kv in "${sets[@]}"; do set_var "$tmp" "${kv%%=*}" "${kv#*=}"; done
chmod 600 "$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "generate-env: wrote $out (mode 600) with a new JWT secret and Redis password"
