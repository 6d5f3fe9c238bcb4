#!/bin/bash
# Container healthcheck with what the image has (bash, no curl): nginx answers plain HTTP on 8080
# with its redirect to HTTPS.
set -euo pipefail
exec 3<>/dev/tcp/127.0.0.1/8080
printf 'GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
head -c 12 <&3 | grep -q ' 301'
