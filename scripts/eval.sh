#!/usr/bin/env bash
# Runs the retrieval evaluation (bench/eval/README.md): ingests the documents of a question file
# into a throw-away stack, asks its questions and prints hit@1, hit@k, MRR and how often the
# snippet shows the answer, for each retrieval setting. Exit code 0 when it ran, 1 when it failed.
set -euo pipefail
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  cat <<'USAGE'
Usage: npm run eval [-- --questions FILE.json] [--k N] [--json OUT.json] [--verbose]

Without --questions, uses bench/eval/r-manuals.questions.json (Debian's r-doc-pdf manuals).
Uses the Ollama emulator unless OLLAMA_HOST is set; other settings (OLLAMA_EMBED_MODEL,
CHUNK_SIZE, RETRIEVAL_*) are read from the environment or .env like the product does.
USAGE
  exit 0
fi
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
prepare
ensure_redis
# shellcheck disable=SC1091 # the admin's own settings, absent from the repository
[ -f .env ] && set -a && source .env && set +a
echo "running the retrieval evaluation" >&2
exec node bench/eval/eval.ts "$@"
