# shellcheck shell=bash
# Shared by the start and test scripts: Node 24 on PATH, dependencies installed, Redis reachable.
# Sourced, not run.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

use_node24() {
  local bin
  bin=$(bash "$root/scripts/bootstrap-node.sh")
  export PATH="$bin:$PATH"
  # Native modules must build against Node 24's headers, not the system Node's.
  export npm_config_nodedir
  npm_config_nodedir=$(cd "$bin/.." && pwd)
}

install_deps() {
  local stamp="$root/node_modules/.installed-lock"
  if [ ! -f "$stamp" ] || [ "$root/package-lock.json" -nt "$stamp" ]; then
    (cd "$root" && npm ci --no-fund --no-audit --loglevel=error)
    cp "$root/package-lock.json" "$stamp"
  fi
}

# Starts a local redis-server when REDIS_URL points at this machine and nothing answers there.
ensure_redis() {
  local url=${REDIS_URL:-redis://127.0.0.1:6379}
  local hostport=${url#*://}; hostport=${hostport#*@}; hostport=${hostport%%/*}
  local host=${hostport%%:*} port=${hostport##*:}
  [ "$port" = "$host" ] && port=6379
  if redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1; then return 0; fi
  case "$host" in
    127.0.0.1|localhost)
      if ! command -v redis-server >/dev/null; then
        echo "Redis is not running at $url and redis-server is not installed (apt-get install redis-server)" >&2
        return 1
      fi
      redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no >/dev/null
      for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
      echo "redis-server did not start on port $port" >&2; return 1 ;;
    *) echo "Redis is not reachable at $url" >&2; return 1 ;;
  esac
}

# What every entry script needs first: Node 24, the dependencies, and the repository as cwd.
prepare() {
  use_node24
  install_deps
  cd "$root" || return
}
