#!/usr/bin/env bash
# A development certificate authority and certificates for TLS and mTLS.
# Never use these in production: the CA key sits next to the certificates.
#
#   deploy/dev-ca.sh OUT_DIR [DEVICE_ID...]
#
# Writes into OUT_DIR (created if missing; an existing CA is reused):
#   ca.pem, ca.key                the development CA (P-256, 10 years)
#   server.pem, server.key        tractusd's certificate for localhost and
#                                 127.0.0.1 (plus $TRACTUS_SERVER_NAMES, e.g.
#                                 "DNS:tractus.example,IP:10.0.0.7"), 1 year
#   device-ID.pem, device-ID.key  a client certificate per device id (common
#                                 name = the device id, as tractusd reads it)
# Then:
#   tractusd --tls_cert_file=OUT/server.pem --tls_key_file=OUT/server.key \
#            --device_listen=127.0.0.1:50052 --device_client_ca_file=OUT/ca.pem
#   tractus --tls_ca_file=OUT/ca.pem ...
set -euo pipefail
out=${1:?usage: dev-ca.sh OUT_DIR [DEVICE_ID...]}
shift
mkdir -p "$out"
cd "$out"
umask 077

if [[ ! -f ca.key ]]; then
  openssl ecparam -name prime256v1 -genkey -noout -out ca.key
  openssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/CN=Tractus development CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out ca.pem
fi

issue() {  # NAME SUBJECT EXTENSIONS
  local name=$1 subject=$2 ext=$3
  openssl ecparam -name prime256v1 -genkey -noout -out "$name.key"
  openssl req -new -key "$name.key" -subj "$subject" -out "$name.csr"
  printf '%s\n' "$ext" >"$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 \
    -days 365 -extfile "$name.ext" -out "$name.pem" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}

names="DNS:localhost,IP:127.0.0.1${TRACTUS_SERVER_NAMES:+,$TRACTUS_SERVER_NAMES}"
issue server "/CN=tractusd" "subjectAltName=$names
extendedKeyUsage=serverAuth"
for device in "$@"; do
  issue "device-$device" "/CN=$device" "extendedKeyUsage=clientAuth"
done
chmod 644 ./*.pem
echo "certificates in $(pwd):"
ls -1 ./*.pem
