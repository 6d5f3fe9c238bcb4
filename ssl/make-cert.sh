#!/usr/bin/env bash
# Puts the TLS files nginx needs into a folder (default: this one): server.crt (the certificate
# followed by its chain), server.key, dhparam.pem. Either makes a local certificate authority and
# a server certificate signed by it, or installs an organisation's own certificate and chain.
set -euo pipefail

usage() {
  cat <<'HELP'
Usage:
  make-cert.sh --host NAME [--host NAME2 ...] [--dir DIR] [--days N] [--key-group GID]
      Makes a local CA (ca.crt, ca.key; kept and reused when present) and a server certificate
      for the host names (and IP addresses) given. Browsers and clients must trust ca.crt.
  make-cert.sh --cert FILE --key FILE [--chain FILE] [--dir DIR] [--key-group GID]
      Installs an organisation's certificate, its key and its intermediate chain instead.

Options:
  --dir DIR        where the files go (default: the folder of this script)
  --days N         validity of the server certificate in days (default 397)
  --key-group GID  group that may read server.key (default 101, the nginx user of the image,
                   which runs unprivileged); keys are never readable by anyone else
Exit codes: 0 done, 1 a step failed, 2 bad usage.
HELP
}

dir=$(cd "$(dirname "$0")" && pwd)
hosts=() days=397 key_group=101 org_cert='' org_key='' org_chain=''
while [ $# -gt 0 ]; do
  case $1 in
    --host) hosts+=("${2:?--host needs a name}"); shift 2 ;;
    --dir) dir=${2:?--dir needs a folder}; shift 2 ;;
    --days) days=${2:?}; shift 2 ;;
    --key-group) key_group=${2:?}; shift 2 ;;
    --cert) org_cert=${2:?}; shift 2 ;;
    --key) org_key=${2:?}; shift 2 ;;
    --chain) org_chain=${2:?}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "make-cert: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done
if [ -n "$org_cert$org_key" ] && { [ -z "$org_cert" ] || [ -z "$org_key" ]; }; then
  echo "make-cert: --cert and --key go together" >&2; exit 2
fi
if [ -z "$org_cert" ] && [ ${#hosts[@]} -eq 0 ]; then usage >&2; exit 2; fi

umask 077
mkdir -p "$dir"
# The folder is mounted into the nginx container, whose user must be able to enter it.
chmod 755 "$dir"
cd "$dir"

# Lets the unprivileged nginx read the key, and nobody else.
protect_key() {
  if chgrp "$key_group" server.key 2>/dev/null; then chmod 640 server.key
  else chmod 600 server.key; echo "make-cert: could not give group $key_group read access to server.key; nginx runs as uid 101 and must be able to read it" >&2
  fi
}

# The finite-field group of RFC 7919 that Mozilla's intermediate profile names for DHE.
if [ ! -s dhparam.pem ]; then
  openssl genpkey -genparam -algorithm DH -pkeyopt dh_param:ffdhe2048 -out dhparam.pem 2>/dev/null
  chmod 644 dhparam.pem
fi

if [ -n "$org_cert" ]; then
  echo "make-cert: installing the certificate $org_cert into $dir"
  openssl x509 -in "$org_cert" -noout
  if [ "$(openssl x509 -in "$org_cert" -noout -pubkey)" != "$(openssl pkey -in "$org_key" -pubout)" ]; then
    echo "make-cert: $org_key is not the key of $org_cert" >&2; exit 1
  fi
  cat "$org_cert" ${org_chain:+"$org_chain"} >server.crt
  cp "$org_key" server.key
  chmod 644 server.crt
  protect_key
  exit 0
fi

if [ ! -s ca.key ] || [ ! -s ca.crt ]; then
  echo "make-cert: making a local certificate authority (ca.crt, ca.key) in $dir"
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
    -days 3650 -subj "/CN=On-prem RAG local CA $(date +%Y-%m-%d)" \
    -addext basicConstraints=critical,CA:TRUE,pathlen:0 -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  chmod 600 ca.key
  chmod 644 ca.crt
fi

san=''
for h in "${hosts[@]}"; do
  if [[ $h =~ ^[0-9.]+$ || $h == *:* ]]; then san+="IP:$h,"; else san+="DNS:$h,"; fi
done
echo "make-cert: making a server certificate for ${hosts[*]} in $dir"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr \
  -subj "/CN=${hosts[0]}" 2>/dev/null
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.leaf.crt -days "$days" \
  -extfile <(printf 'subjectAltName=%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' "${san%,}") 2>/dev/null
cat server.leaf.crt >server.crt
rm -f server.csr server.leaf.crt ca.srl
chmod 644 server.crt
protect_key
echo "make-cert: done; clients must trust $dir/ca.crt"
