#!/bin/sh
# Like the official image: flags or a .conf file as the first argument mean redis-server.
set -e
case "$1" in -*|*.conf) set -- redis-server "$@" ;; esac
exec "$@"
