#!/usr/bin/env bash
# Loads /probe of `tlsdoctor serve` and of blackbox_exporter (Debian's
# prometheus-blackbox-exporter) with the same concurrent clients against
# the same healthy lab endpoint, and prints each one's latency percentiles,
# throughput and resident memory, and the ratios. Loopback only; needs hey
# (Debian's hey). blackbox_exporter does one TCP connection, one handshake
# and one GET; a tlsdoctor probe is a whole check (its own ClientHello, a
# chain-capturing handshake, the other SNI choice, the GET, the diagnosis).
#   bench/serve.sh [REQUESTS] [CONCURRENCY]      (default 2000 200)
set -euo pipefail
N=${1:-2000}
C=${2:-200}
cd "$(dirname "$0")/.."
command -v hey >/dev/null || { echo "hey is not installed (apt-get install hey)"; exit 1; }
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
go build -o "$work/tlsdoctor" ./cmd/tlsdoctor
"$work/tlsdoctor" lab --dir "$work" --json > "$work/lab.json" &
pids+=($!)
for _ in $(seq 100); do grep -q '"endpoints"' "$work/lab.json" 2>/dev/null && break; sleep 0.1; done
read -r host addr < <(python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
e=[e for e in d["endpoints"] if e["name"]=="ok"][0]
print(e["host"], e["addrs"][0])' "$work/lab.json")
port=${addr##*:}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

tport=$(free_port)
"$work/tlsdoctor" serve --listen "127.0.0.1:$tport" --allow 127.0.0.0/8 --ca-bundle "$work/lab-root.pem" \
  --data "$work/data" --max-checks 16 --rate 1000000 --burst 1000000 2> "$work/serve.log" &
pids+=($!); tpid=$!

results=()
run() { # name pid url
  local name=$1 pid=$2 url=$3 out
  for _ in $(seq 100); do curl -sf -o /dev/null "$url" && break; sleep 0.1; done
  curl -s "$url" | grep -q 'probe_success 1' || { echo "$name: the probe does not succeed: $url"; curl -s "$url" | grep -v '^#' | head; exit 1; }
  out=$(hey -n "$N" -c "$C" "$url")
  local p50 p99 rps ok rss
  p50=$(awk '/ 50% in/ {print $3*1000}' <<<"$out")
  p99=$(awk '/ 99% in/ {print $3*1000}' <<<"$out")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  ok=$(awk '/\[200\]/ {print $2}' <<<"$out")
  rss=$(awk '/VmHWM/ {print $2/1024}' "/proc/$pid/status")
  printf '%-22s %6s of %s ok  p50 %7.1f ms  p99 %7.1f ms  %7.0f req/s  peak RSS %5.1f MiB\n' "$name" "${ok:-0}" "$N" "$p50" "$p99" "$rps" "$rss"
  results+=("$p50 $p99 $rps")
}
echo "$N probes, $C at once, of https://$host:$port/ (2 cores shared by the lab, the exporter and hey)"
run "tlsdoctor serve" "$tpid" "http://127.0.0.1:$tport/probe?target=https://$host:$port/&connect=$addr"

if command -v prometheus-blackbox-exporter >/dev/null; then
  bport=$(free_port)
  cat > "$work/blackbox.yml" <<YML
modules:
  https:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      tls_config:
        ca_file: $work/lab-root.pem
        server_name: $host
YML
  prometheus-blackbox-exporter --config.file="$work/blackbox.yml" --web.listen-address="127.0.0.1:$bport" 2> "$work/bb.log" &
  pids+=($!); bpid=$!
  run "blackbox_exporter" "$bpid" "http://127.0.0.1:$bport/probe?module=https&target=https://$addr/"
  read -r t50 t99 trps <<<"${results[0]}"
  read -r b50 b99 brps <<<"${results[1]}"
  awk -v a="$t50" -v b="$b50" -v c="$t99" -v d="$b99" -v e="$trps" -v f="$brps" \
    'BEGIN {printf "tlsdoctor/blackbox: p50 %.2f, p99 %.2f, throughput %.2f\n", a/b, c/d, e/f}'
else
  echo "blackbox_exporter is not installed (apt-get install prometheus-blackbox-exporter): no ratio"
fi
