#!/usr/bin/env bash
# The one-command start (embedded default): api and worker in one process, SQLite and files under
# data/, a local Chroma from the npm package unless CHROMA_URL is set, Redis at REDIS_URL, and the
# dashboard (built here when missing or out of date) on the api's address.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
prepare
ensure_redis
# shellcheck source=/dev/null
[ -f .env ] && set -a && source .env && set +a
# The api serves the dashboard from frontend/dist: build it on the first start and whenever its
# sources are newer than the build (a WEB_DIR of your own, or a worker-only process, needs none).
case ",${ROLES:-api}," in
  *,api,*) [ -n "${WEB_DIR:-}" ] || node frontend/scripts/build-app.ts ;;
esac
exec node backend/src/main.ts
