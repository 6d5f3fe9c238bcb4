#!/usr/bin/env bash
# The one-command start (embedded default): api and worker in one process, SQLite and files under
# data/, a local Chroma from the npm package unless CHROMA_URL is set, Redis at REDIS_URL.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
use_node24
install_deps
ensure_redis
cd "$root"
[ -f .env ] && set -a && source .env && set +a
exec node backend/src/main.ts
