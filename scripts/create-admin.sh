#!/usr/bin/env bash
# Creates an admin account: npm run create-admin -- --email you@example.org --name "Your Name"
# The password is read from standard input (or --password-file). Reads .env like the start script.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
prepare
# shellcheck source=/dev/null
[ -f .env ] && set -a && source .env && set +a
exec node backend/src/cli/create-admin.ts "$@"
