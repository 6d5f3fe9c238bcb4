#!/bin/sh
# Renders the configuration for this start (limits and names come from the environment), checks
# it, and runs nginx in the foreground as the unprivileged user the image runs as.
set -eu
conf=/tmp/nginx/conf
/etc/nginx/rag/render-config.sh "$conf"
nginx -t -q -c "$conf/nginx.conf"
exec nginx -c "$conf/nginx.conf" -g 'daemon off;'
