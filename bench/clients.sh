#!/usr/bin/env bash
# Times a complete server enumeration plus every client verdict
# (`tlsdoctor check --server --clients`) against a local nginx, and, when
# installed, sslscan and testssl.sh against the same server; prints the
# medians and the ratios. Loopback only.
#   bench/clients.sh [RUNS] [TESTSSL_RUNS]     (defaults 20 and 1)
# Needs nginx (apt-get install nginx-light); sslscan and testssl.sh are optional.
set -euo pipefail
RUNS=${1:-20}
TRUNS=${2:-1}
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin"
command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install nginx-light)"; exit 2; }
work=$(mktemp -d)
trap 'kill $(cat "$work/nginx.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/tlsdoctor" ./cmd/tlsdoctor
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" \
  -subj /CN=bench.test -addext subjectAltName=DNS:bench.test,IP:127.0.0.1 -days 30 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/nginx.conf" <<CONF
daemon on; worker_processes auto; pid $work/nginx.pid; error_log $work/error.log;
events { worker_connections 1024; }
http { access_log off;
  client_body_temp_path $work/b; proxy_temp_path $work/p; fastcgi_temp_path $work/f; uwsgi_temp_path $work/u; scgi_temp_path $work/s;
  server { listen 127.0.0.1:$port ssl; ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem;
           ssl_protocols TLSv1.2 TLSv1.3; location / { return 200 "ok\n"; } } }
CONF
nginx -p "$work" -c "$work/nginx.conf"
sleep 0.3

# median_ms times a command; a run whose exit status is not in OK_CODES
# (default 0; "any-below-240" for testssl.sh, whose small codes count
# findings) stops the benchmark: a failing command would flatter the ratio.
median_ms() { # runs command...
  local n=$1; shift; local t=()
  for _ in $(seq "$n"); do
    local s e rc=0; s=$(date +%s%N); "$@" >/dev/null 2>&1 || rc=$?; e=$(date +%s%N)
    case "${OK_CODES:-0}" in
      any-below-240) [ "$rc" -lt 240 ] ;;
      *) [[ " ${OK_CODES:-0} " == *" $rc "* ]] ;;
    esac || { echo "bench: '$*' failed (exit $rc); the timing would be meaningless" >&2; exit 1; }
    t+=($(( (e - s) / 1000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

echo "nginx $(nginx -v 2>&1 | sed 's/.*\///') on 127.0.0.1:$port (TLS 1.2 + 1.3, ECDSA P-256); $(nproc) cores"
# tlsdoctor exits 1 when some client fails (Java 6 does, here): a verdict.
td=$(OK_CODES="0 1" median_ms "$RUNS" "$work/tlsdoctor" check "https://bench.test:$port/" --connect 127.0.0.1 --ca-bundle "$work/cert.pem" --no-system-roots --server --clients)
read -r conns nclients < <({ "$work/tlsdoctor" check "https://bench.test:$port/" --connect 127.0.0.1 --ca-bundle "$work/cert.pem" --no-system-roots --server --clients --json || true; } | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(s["connections"] for s in d["server"].values()), len(d["clients"]))')
echo "tlsdoctor check --server --clients: ${td} ms median of $RUNS (scan: $conns connections; $nclients client checks)"
if command -v sslscan >/dev/null; then
  ss=$(median_ms "$RUNS" sslscan --no-colour --sni-name=bench.test "127.0.0.1:$port")
  echo "sslscan: ${ss} ms median of $RUNS; tlsdoctor/sslscan = $(awk -v a="$td" -v b="$ss" 'BEGIN {printf "%.2f", a/b}')"
else echo "sslscan: not installed, skipped"; fi
tssl=$(command -v testssl || command -v testssl.sh || true)
if [ -n "$tssl" ]; then
  ts=$(OK_CODES=any-below-240 median_ms "$TRUNS" "$tssl" --quiet --color 0 --warnings batch -n none --add-ca "$work/cert.pem" "127.0.0.1:$port")
  echo "testssl.sh (full default run): ${ts} ms median of $TRUNS; testssl.sh/tlsdoctor = $(awk -v a="$ts" -v b="$td" 'BEGIN {printf "%.0f", a/b}')x"
else echo "testssl.sh: not installed, skipped"; fi
