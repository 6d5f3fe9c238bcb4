#!/bin/sh
# Renders nginx's configuration from templates/ into a folder, filling in the values below from the
# environment. The container's entrypoint runs it at every start (so the upload limit follows
# UPLOAD_MAX_FILE_MB and UPLOAD_MAX_FILES); tests run it to check the same files with `nginx -t`.
#
# Usage: render-config.sh [--help] OUT_DIR
set -eu

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ] || [ $# -ne 1 ]; then
  sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
  cat <<'HELP'

Environment (defaults are the container's):
  API_UPSTREAM            host:port of the api                         (api:3000)
  SERVER_NAME             the host name in the certificate             (_ : any)
  NGINX_HTTP_PORT         port nginx listens on for plain HTTP          (8080)
  NGINX_HTTPS_PORT        port nginx listens on for HTTPS               (8443)
  PUBLIC_HTTPS_PORT       the HTTPS port browsers use, for redirects    (443)
  UPLOAD_MAX_FILE_MB      the api's per-file upload limit               (100)
  UPLOAD_MAX_FILES        the api's files-per-upload limit              (20)
  TLS_CERT, TLS_KEY       certificate chain and key                     (/etc/nginx/ssl/server.crt, .key)
  TLS_DHPARAM             DH group for the DHE ciphers                  (/etc/nginx/ssl/dhparam.pem)
  WEB_ROOT                the built dashboard                           (/usr/share/nginx/html)
  NGINX_RUNTIME_DIR       pid file and temp bodies                      (/tmp/nginx)
  ACCESS_LOG              where the access log goes                     (/dev/stdout)
  RESOLVER                DNS server that knows the api's name          (the first in /etc/resolv.conf)
Exit codes: 0 rendered, 2 bad usage or value.
HELP
  [ $# -eq 1 ] && exit 0 || exit 2
fi

out=$1
here=$(cd "$(dirname "$0")" && pwd)

API_UPSTREAM=${API_UPSTREAM:-api:3000}
SERVER_NAME=${SERVER_NAME:-_}
NGINX_HTTP_PORT=${NGINX_HTTP_PORT:-8080}
NGINX_HTTPS_PORT=${NGINX_HTTPS_PORT:-8443}
PUBLIC_HTTPS_PORT=${PUBLIC_HTTPS_PORT:-443}
UPLOAD_MAX_FILE_MB=${UPLOAD_MAX_FILE_MB:-100}
UPLOAD_MAX_FILES=${UPLOAD_MAX_FILES:-20}
TLS_CERT=${TLS_CERT:-/etc/nginx/ssl/server.crt}
TLS_KEY=${TLS_KEY:-/etc/nginx/ssl/server.key}
TLS_DHPARAM=${TLS_DHPARAM:-/etc/nginx/ssl/dhparam.pem}
WEB_ROOT=${WEB_ROOT:-/usr/share/nginx/html}
NGINX_RUNTIME_DIR=${NGINX_RUNTIME_DIR:-/tmp/nginx}
ACCESS_LOG=${ACCESS_LOG:-/dev/stdout}
# The engine's DNS (127.0.0.11 with Docker, the network's gateway with podman).
RESOLVER=${RESOLVER:-$(awk '/^nameserver/ { print $2; exit }' /etc/resolv.conf)}
case $RESOLVER in *:*) RESOLVER="[$RESOLVER]" ;; esac
[ -n "$RESOLVER" ] || { echo "render-config: no nameserver in /etc/resolv.conf; set RESOLVER" >&2; exit 2; }

for n in "$UPLOAD_MAX_FILE_MB" "$UPLOAD_MAX_FILES" "$PUBLIC_HTTPS_PORT" "$NGINX_HTTP_PORT" "$NGINX_HTTPS_PORT"; do
  case $n in ''|*[!0-9]*) echo "render-config: '$n' is not a whole number" >&2; exit 2 ;; esac
done
# Every file of a full upload plus room for the multipart framing and form fields.
UPLOAD_MAX_BODY_MB=$((UPLOAD_MAX_FILE_MB * UPLOAD_MAX_FILES + 1))
if [ "$PUBLIC_HTTPS_PORT" = 443 ]; then HTTPS_PORT_SUFFIX=; else HTTPS_PORT_SUFFIX=:$PUBLIC_HTTPS_PORT; fi
NGINX_CONF_DIR=$(mkdir -p "$out" && cd "$out" && pwd)

mkdir -p "$NGINX_RUNTIME_DIR"
(cd "$here/templates" && find . -type d) | while read -r d; do mkdir -p "$NGINX_CONF_DIR/$d"; done
(cd "$here/templates" && find . -type f) | while read -r f; do
  sed -e "s|\${API_UPSTREAM}|$API_UPSTREAM|g" \
      -e "s|\${SERVER_NAME}|$SERVER_NAME|g" \
      -e "s|\${NGINX_HTTP_PORT}|$NGINX_HTTP_PORT|g" \
      -e "s|\${NGINX_HTTPS_PORT}|$NGINX_HTTPS_PORT|g" \
      -e "s|\${HTTPS_PORT_SUFFIX}|$HTTPS_PORT_SUFFIX|g" \
      -e "s|\${UPLOAD_MAX_BODY_MB}|$UPLOAD_MAX_BODY_MB|g" \
      -e "s|\${TLS_CERT}|$TLS_CERT|g" \
      -e "s|\${TLS_KEY}|$TLS_KEY|g" \
      -e "s|\${TLS_DHPARAM}|$TLS_DHPARAM|g" \
      -e "s|\${WEB_ROOT}|$WEB_ROOT|g" \
      -e "s|\${NGINX_RUNTIME_DIR}|$NGINX_RUNTIME_DIR|g" \
      -e "s|\${NGINX_CONF_DIR}|$NGINX_CONF_DIR|g" \
      -e "s|\${RESOLVER}|$RESOLVER|g" \
      -e "s|\${ACCESS_LOG}|$ACCESS_LOG|g" \
      "$here/templates/$f" >"$NGINX_CONF_DIR/$f"
done
