#!/usr/bin/env bash
# The one-command start (embedded default): api and worker in one process, SQLite and files under
# data/, a local Chroma from the npm package unless CHROMA_URL is set, Redis at REDIS_URL.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
prepare
ensure_redis
# shellcheck source=/dev/null
[ -f .env ] && set -a && source .env && set +a
exec node backend/src/main.ts
