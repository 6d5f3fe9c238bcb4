#!/usr/bin/env bash
# Runs every check: type-check, lint, then the test suites against a real Redis and a real Chroma
# (started here for the run), with the Ollama emulator standing in for Ollama.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
prepare
ensure_redis

for ws in backend frontend; do
  npm run typecheck --workspace "$ws" --silent
  npm run lint --workspace "$ws" --silent
done
npm test --workspace frontend --silent

# One Chroma for the whole run; each test uses its own collection prefix and Redis prefix.
chroma_dir=$(mktemp -d)
chroma_port=${TEST_CHROMA_PORT:-18000}
node node_modules/chromadb/dist/cli.mjs run --path "$chroma_dir" --host 127.0.0.1 --port "$chroma_port" >"$chroma_dir.log" 2>&1 &
chroma_pid=$!
cleanup() { kill -INT "$chroma_pid" 2>/dev/null; wait "$chroma_pid" 2>/dev/null; rm -rf "$chroma_dir" "$chroma_dir.log"; }
trap cleanup EXIT
for _ in $(seq 1 150); do
  curl -sf "http://127.0.0.1:$chroma_port/api/v2/heartbeat" >/dev/null && break
  kill -0 "$chroma_pid" 2>/dev/null || { cat "$chroma_dir.log" >&2; exit 1; }
  sleep 0.2
done
export TEST_CHROMA_URL="http://127.0.0.1:$chroma_port"

npm test --workspace backend --silent -- "$@"
# The dashboard in Debian's Chromium against the real backend (it builds the app first).
npm run test:e2e --workspace frontend --silent
