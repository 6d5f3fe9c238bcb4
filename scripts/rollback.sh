#!/usr/bin/env bash
# Short form of `scripts/deploy-production.sh rollback`: goes back to the version deployed before
# the current one (from the deploy history), waits for its healthchecks and records the rollback.
set -euo pipefail
if [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
  cat <<'USAGE'
Usage: scripts/rollback.sh [--env-file FILE] [--compose-file FILE] [--timeout SECONDS]

Runs the previous successful version again (see deploy-history.log). The database is not
restored: to go back to the data before a deploy, restore its pre-deploy backup
(scripts/restore.sh --compose backups/rag-backup-...; docs/runbook.md#failed-deploy).
Exit codes: 0 rolled back, 2 nothing to roll back to, 4 the rollback failed.
USAGE
  exit 0
fi
exec bash "$(dirname "$0")/deploy-production.sh" rollback "$@"
