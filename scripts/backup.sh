#!/usr/bin/env bash
# Online backup of the product while people keep uploading and asking: pauses ingestion (uploads
# still queue) and lets running jobs finish, snapshots SQLite (VACUUM INTO + integrity_check),
# exports every Chroma collection of the deployment through Chroma's API, resumes ingestion,
# copies the original files, and writes manifest.json with a SHA-256 of every part. Redis is not
# copied: it holds only queues and caches, and the queues are rebuilt from the documents' statuses.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/backup.sh [--out DIR] [--archive] [--age-recipient KEY | --gpg-recipient ID]
                         [--keep-daily N] [--keep-weekly N] [--compose] [--prune-only]

  --out DIR             where backups go (default: DATA_DIR/backups; better: another disk)
  --archive             pack the backup into rag-backup-<date>.tar.gz instead of a folder
  --age-recipient KEY   encrypt the archive for an age public key (or a file of keys) -> .tar.gz.age
  --gpg-recipient ID    encrypt the archive for a gpg key -> .tar.gz.gpg
  --keep-daily N        afterwards, keep the newest backup of each of the last N days ...
  --keep-weekly N       ... and of each of the last N ISO weeks; delete the other backups in DIR
  --compose             back up the compose deployment (runs the backup in the api container)
  --compose-file FILE   compose file(s), ':'-joined (default $COMPOSE_FILE, else docker-compose.production.yml)
  --env-file FILE       the deployment's settings (default $RAG_ENV_FILE, else .env.production)
  --prune-only          only apply --keep-daily/--keep-weekly to DIR
  --drain-timeout S     longest wait for running ingest jobs once paused (default 300)

One-command start:  scripts/backup.sh --out /mnt/backups --keep-daily 7 --keep-weekly 4
Compose:            scripts/backup.sh --compose --out /mnt/backups --archive --age-recipient age1...
Cron (daily 02:30): 30 2 * * * cd /opt/rag && scripts/backup.sh --out /mnt/backups --keep-daily 7 --keep-weekly 4 >>/var/log/rag-backup.log 2>&1

On success it records time, size and duration in DATA_DIR/backups/last-success.json (the
metrics expose its age for the "no recent backup" alert) and prints the backup's path.
Exit codes: 0 done, 1 the backup failed (ingestion is resumed), 2 bad usage.
EOF
}

out=""
archive=0
age_recipient=""
gpg_recipient=""
keep_daily=""
keep_weekly=""
compose=0
compose_file=${COMPOSE_FILE:-docker-compose.production.yml}
env_file=${RAG_ENV_FILE:-.env.production}
prune_only=0
drain_timeout=300

while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    --archive) archive=1; shift ;;
    --age-recipient) age_recipient=${2:?--age-recipient needs a key}; archive=1; shift 2 ;;
    --gpg-recipient) gpg_recipient=${2:?--gpg-recipient needs a key id}; archive=1; shift 2 ;;
    --keep-daily) keep_daily=${2:?--keep-daily needs a number}; shift 2 ;;
    --keep-weekly) keep_weekly=${2:?--keep-weekly needs a number}; shift 2 ;;
    --compose) compose=1; shift ;;
    --compose-file) compose_file=${2:?--compose-file needs a file}; compose=1; shift 2 ;;
    --env-file) env_file=${2:?--env-file needs a file}; shift 2 ;;
    --prune-only) prune_only=1; shift ;;
    --drain-timeout) drain_timeout=${2:?--drain-timeout needs seconds}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done
for n in "$keep_daily" "$keep_weekly"; do
  if [ -n "$n" ] && ! [[ "$n" =~ ^[0-9]+$ ]]; then echo "--keep-daily/--keep-weekly take a whole number" >&2; exit 2; fi
done
if [ -n "$age_recipient" ] && [ -n "$gpg_recipient" ]; then echo "choose one of --age-recipient and --gpg-recipient" >&2; exit 2; fi

say() { printf '%s backup: %s\n' "$(date -u +%FT%TZ)" "$*" >&2; }

# Keeps the newest backup of each of the last N days and of each of the last N ISO weeks.
prune() {
  local dir=$1 daily=${2:-0} weekly=${3:-0} entry stamp day week keep
  local -A days=() weeks=()
  local n_daily=0 n_weekly=0
  [ "$daily" -gt 0 ] || [ "$weekly" -gt 0 ] || { say "retention: keep at least one (--keep-daily or --keep-weekly >= 1)"; return 2; }
  # A .partial folder is a backup that died half-way; after a day it is only clutter.
  find "$dir" -maxdepth 1 -name 'rag-backup-*.partial' -mmin +1440 -exec rm -rf {} +
  while IFS= read -r entry; do
    stamp=${entry#rag-backup-}
    [[ "$stamp" =~ ^[0-9]{8}T[0-9]{6}Z ]] || continue
    day=${stamp:0:8}
    week=$(date -u -d "$day" +%G-W%V)
    keep=0
    if [ "$n_daily" -lt "$daily" ] && [ -z "${days[$day]:-}" ]; then days[$day]=1; n_daily=$((n_daily + 1)); keep=1; fi
    if [ "$n_weekly" -lt "$weekly" ] && [ -z "${weeks[$week]:-}" ]; then weeks[$week]=1; n_weekly=$((n_weekly + 1)); keep=1; fi
    if [ "$keep" -eq 0 ]; then
      say "retention: removing $entry"
      rm -rf "${dir:?}/$entry"
    fi
  done < <(find "$dir" -maxdepth 1 -mindepth 1 -name 'rag-backup-*' ! -name '*.partial' -printf '%f\n' | sort -r)
}

root=$(cd "$(dirname "$0")/.." && pwd)
if [ "$compose" -eq 0 ]; then
  # shellcheck source=scripts/lib.sh
  source "$root/scripts/lib.sh"
fi
cd "$root"
# shellcheck source=/dev/null
if [ "$compose" -eq 0 ] && [ -f .env ]; then set -a; source .env; set +a; fi
data_dir=${DATA_DIR:-data}
if [ -z "$out" ]; then
  [ "$compose" -eq 0 ] || { echo "--out is required with --compose" >&2; exit 2; }
  out="$data_dir/backups"
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ "$prune_only" -eq 1 ]; then
  prune "$out" "$keep_daily" "$keep_weekly"
  exit 0
fi

# shellcheck source=scripts/compose.sh
source "$root/scripts/compose.sh"
compose_command "$compose_file" "$env_file"
# Runs the backup command of the product: on this machine, or inside the api container.
cli() {
  if [ "$compose" -eq 1 ]; then
    "${compose_cmd[@]}" exec -T api node backend/src/cli/backup.ts "$@"
  else
    node backend/src/cli/backup.ts "$@"
  fi
}

if [ "$compose" -eq 0 ]; then
  prepare >/dev/null
  cd "$root"
fi

started=$(date +%s)
staging=$out
# Inside the api container: on its data volume, which has the room.
[ "$compose" -eq 1 ] && staging=${BACKUP_STAGING:-/data/backups/staging}
say "pausing ingestion, snapshotting SQLite, exporting Chroma, copying files into $out"
if ! result=$(cli create --out "$staging" --drain-timeout "$drain_timeout"); then
  # The command resumes ingestion itself; this covers it being killed before it could.
  cli resume >/dev/null 2>&1 || say "could not resume ingestion; the worker lifts the pause within a minute"
  say "FAILED"
  exit 1
fi
made=$(printf '%s\n' "$result" | sed -n 's/^dir=//p')
name=$(basename "$made")

if [ "$compose" -eq 1 ]; then
  # The backup was written inside the api container; stream it out, then remove it there.
  "${compose_cmd[@]}" exec -T api tar -C "$staging" -cf - "$name" | tar -C "$out" -xf -
  "${compose_cmd[@]}" exec -T api rm -rf "${staging:?}/$name"
fi

final="$out/$name"
if [ "$archive" -eq 1 ]; then
  tar -C "$out" -czf "$final.tar.gz" "$name"
  rm -rf "${final:?}"
  final="$final.tar.gz"
  if [ -n "$age_recipient" ]; then
    if [ -f "$age_recipient" ]; then age -R "$age_recipient" -o "$final.age" "$final"; else age -r "$age_recipient" -o "$final.age" "$final"; fi
    rm -f "$final"; final="$final.age"
  elif [ -n "$gpg_recipient" ]; then
    gpg --batch --yes --trust-model always --recipient "$gpg_recipient" --output "$final.gpg" --encrypt "$final"
    rm -f "$final"; final="$final.gpg"
  fi
fi

size=$(du -sb "$final" | cut -f1)
duration=$(( $(date +%s) - started ))
cli record --size "$size" --duration "$duration" --name "$(basename "$final")" >/dev/null
say "done: $final ($size bytes, ${duration} s)"

if [ -n "$keep_daily" ] || [ -n "$keep_weekly" ]; then
  prune "$out" "$keep_daily" "$keep_weekly"
fi
echo "$final"
