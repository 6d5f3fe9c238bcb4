#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh. First checks the manifest, every part's SHA-256,
# the schema version and the embedding model and dimension, and refuses a damaged, partial or
# incompatible backup before touching anything. Then, with the product stopped, replaces the
# database, the original files, the Chroma collections and the deployment's Redis keys, queues
# unfinished documents again, and checks every count against the manifest.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/restore.sh [--check] [--compose] [--identity FILE] BACKUP

  BACKUP           a backup folder, or its .tar.gz, .tar.gz.age or .tar.gz.gpg archive
  --check          only verify the backup against this deployment; change nothing
  --identity FILE  age identity (private key) file for a .age archive (gpg uses its keyring)
  --compose        restore the compose deployment: copies the backup onto the api's data volume
                   (room for one more copy is needed there), verifies it in the api, then stops
                   api and worker, restores in a one-off api container, starts them again
  --compose-file F compose file(s), ':'-joined (default $COMPOSE_FILE, else docker-compose.production.yml)
  --env-file F     the deployment's settings (default $RAG_ENV_FILE, else .env.production)

One-command start: stop the product first (Ctrl-C on `npm start`); the restore refuses while a
worker is connected or the api answers. Then:  scripts/restore.sh /mnt/backups/rag-backup-...
and start the product again with `npm start`. Onto a new machine: install, put the same .env
in place (same OLLAMA_EMBED_MODEL), restore, start.

Exit codes: 0 restored (or verified), 1 the restore failed part-way (run it again),
2 bad usage, 3 the backup is refused (nothing changed), 4 the product is running or Redis is
away (nothing changed).
EOF
}

check=0
compose=0
compose_file=${COMPOSE_FILE:-docker-compose.production.yml}
env_file=${RAG_ENV_FILE:-.env.production}
identity=""
backup=""
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check=1; shift ;;
    --compose) compose=1; shift ;;
    --compose-file) compose_file=${2:?--compose-file needs a file}; compose=1; shift 2 ;;
    --env-file) env_file=${2:?--env-file needs a file}; shift 2 ;;
    --identity) identity=${2:?--identity needs a file}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    *) [ -z "$backup" ] || { echo "give one backup" >&2; exit 2; }; backup=$1; shift ;;
  esac
done
[ -n "$backup" ] || { usage >&2; exit 2; }
[ -e "$backup" ] || { echo "no such backup: $backup" >&2; exit 2; }

say() { printf '%s restore: %s\n' "$(date -u +%FT%TZ)" "$*" >&2; }

root=$(cd "$(dirname "$0")/.." && pwd)
backup=$(cd "$(dirname "$backup")" && pwd)/$(basename "$backup")

# An archive is unpacked (and decrypted) into a temporary folder first.
work=""
cleanup() { [ -z "$work" ] || rm -rf "$work"; }
trap cleanup EXIT
dir=$backup
if [ -f "$backup" ]; then
  work=$(mktemp -d)
  say "unpacking $backup"
  case "$backup" in
    *.tar.gz.age)
      [ -n "$identity" ] || { echo "a .age backup needs --identity FILE" >&2; exit 2; }
      age -d -i "$identity" "$backup" | tar -xz -C "$work" ;;
    *.tar.gz.gpg) gpg --batch --decrypt "$backup" | tar -xz -C "$work" ;;
    *.tar.gz) tar -xzf "$backup" -C "$work" ;;
    *) echo "not a backup folder or archive: $backup" >&2; exit 2 ;;
  esac || { echo "the archive could not be unpacked: it is damaged, or the key is wrong" >&2; exit 3; }
  dir=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -n 1)
  [ -n "$dir" ] || { echo "the archive holds no backup folder" >&2; exit 3; }
fi

flags=()
[ "$check" -eq 1 ] && flags+=(--check)

if [ "$compose" -eq 0 ]; then
  # shellcheck source=scripts/lib.sh
  source "$root/scripts/lib.sh"
  prepare >/dev/null
  # shellcheck source=/dev/null
  [ -f .env ] && { set -a; source .env; set +a; }
  ensure_redis
  say "verifying $dir"
  exec node backend/src/cli/restore.ts "$dir" "${flags[@]}"
fi

cd "$root"
# shellcheck source=scripts/compose.sh
source "$root/scripts/compose.sh"
compose_command "$compose_file" "$env_file"
# The one-off container runs the version the deployment runs, whatever the env file says.
running=$(compose_running_version)
if [ -n "$running" ]; then export RAG_VERSION=$running; fi
if [ -z "$("${compose_cmd[@]}" ps -q api 2>/dev/null)" ]; then
  say "starting the api (an empty deployment, or a new machine)"
  "${compose_cmd[@]}" up -d api
fi

# The backup goes onto the api's data volume first, so both the check (in the running api) and the
# restore (in a one-off container while api and worker are stopped) read it from there.
staged="${RESTORE_STAGING:-/data/backups/staging}/restore-$(basename "$dir")"
say "copying $dir into the deployment's data volume ($staged)"
# shellcheck disable=SC2016 # "$1" is expanded by the container's shell
tar -C "$dir" -cf - . | "${compose_cmd[@]}" exec -T api sh -c 'rm -rf "$1" && mkdir -p "$1" && tar -xf - -C "$1"' sh "$staged"
unstage() { "${compose_cmd[@]}" exec -T api rm -rf "$staged" >/dev/null 2>&1 || true; }

say "verifying $dir against the deployment"
status=0
"${compose_cmd[@]}" exec -T api node backend/src/cli/restore.ts "$staged" --check || status=$?
if [ "$status" -ne 0 ] || [ "$check" -eq 1 ]; then unstage; exit "$status"; fi

say "stopping api and worker (nginx answers 502 meanwhile)"
"${compose_cmd[@]}" stop api worker
status=0
# shellcheck disable=SC2016 # "$1" is expanded by the container's shell
"${compose_cmd[@]}" run --rm --no-deps -T api sh -c 'node backend/src/cli/restore.ts "$1"; rc=$?; rm -rf "$1"; exit $rc' sh "$staged" || status=$?
say "starting api and worker again"
"${compose_cmd[@]}" up -d api worker
if [ "$status" -ne 0 ]; then say "FAILED (exit $status)"; exit "$status"; fi
say "done"
