#!/usr/bin/env bash
# Benchmarks 'tlsdoctor scan' on a loopback fleet, against a plain Go
# crypto/tls handshake loop at the same concurrency, in the same run, and
# prints the rates and ratios. Loopback only; the server (bench/fleetserver,
# one listener, N SNI names with a certificate each) runs as its own process
# on the same cores, as a real fleet's servers would not.
#   bench/scan.sh [NAMES] [CONCURRENCY] [RUNS]     (default 2000 64 3)
#   FULL=200 bench/scan.sh    # also --mode full over the first 200 names
set -euo pipefail
NAMES=${1:-2000}
C=${2:-64}
RUNS=${3:-3}
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $srv 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/tlsdoctor" ./cmd/tlsdoctor
go build -o "$work/fleetserver" ./bench/fleetserver
go build -o "$work/handshakeloop" ./bench/handshakeloop
"$work/fleetserver" -names "$NAMES" -dir "$work/fleet" > "$work/server.log" 2>&1 &
srv=$!
for _ in $(seq 600); do [ -s "$work/fleet/addr" ] && break; sleep 0.1; done
addr=$(cat "$work/fleet/addr")
echo "fleet: $NAMES names on $addr; concurrency $C; $RUNS runs each, alternating; load before: $(cut -d' ' -f1-3 /proc/loadavg)"

ms() { echo $(( ($2 - $1) / 1000000 )); }
# CPU seconds (user+sys) the server has used so far.
srvcpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.3f", ($14+$15)/hz}' "/proc/$srv/stat"; }
declare -a loop scan loopbox scanbox
for r in $(seq "$RUNS"); do
  c0=$(srvcpu); s=$(date +%s%N)
  /usr/bin/time -f '%U %S' -o "$work/loop.cpu" "$work/handshakeloop" -targets "$work/fleet/names.txt" -addr "$addr" -ca "$work/fleet/root.pem" -c "$C" > "$work/loop.out"
  e=$(date +%s%N); c1=$(srvcpu); loop+=("$(ms "$s" "$e")")
  loopbox+=("$(awk -v a="$c0" -v b="$c1" -v n="$NAMES" '{printf "%.0f", ($1+$2+b-a)*1e6/n}' "$work/loop.cpu")")
  c0=$(srvcpu); s=$(date +%s%N)
  /usr/bin/time -f '%U %S' -o "$work/scan.cpu" "$work/tlsdoctor" scan --targets "$work/fleet/names.txt" --connect "$addr" --ca-bundle "$work/fleet/root.pem" \
    --no-system-roots --mode cert --concurrency "$C" --per-address "$C" --json > "$work/scan.ndjson" || true
  e=$(date +%s%N); c1=$(srvcpu); scan+=("$(ms "$s" "$e")")
  scanbox+=("$(awk -v a="$c0" -v b="$c1" -v n="$NAMES" '{printf "%.0f", ($1+$2+b-a)*1e6/n}' "$work/scan.cpu")")
  ok=$(grep -c '"cause":"OK"' "$work/scan.ndjson" || true)
  fast=$(grep -c '"fast_path":true' "$work/scan.ndjson" || true)
  echo "run $r: handshake loop ${loop[-1]} ms, ${loopbox[-1]} us CPU/target (client+server); scan --mode cert ${scan[-1]} ms, ${scanbox[-1]} us CPU/target; $ok OK, $fast from one handshake"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
lm=$(median "${loop[@]}"); sm=$(median "${scan[@]}")
lb=$(median "${loopbox[@]}"); sb=$(median "${scanbox[@]}")
awk -v n="$NAMES" -v l="$lm" -v s="$sm" -v lb="$lb" -v sb="$sb" 'BEGIN {
  printf "median wall: handshake loop %.0f targets/s, scan --mode cert %.0f targets/s (whole process: start, reading, diagnosis, NDJSON); scan/loop = %.0f%%\n", n*1000/l, n*1000/s, 100*l/s
  printf "median CPU per target, client and server together: loop %d us, scan %d us; loop/scan = %.0f%% (the wall ratio this machine would show when nothing else runs, both being CPU-bound)\n", lb, sb, 100*lb/sb }'
if [ -n "${FULL:-}" ]; then
  head -n "$FULL" "$work/fleet/names.txt" > "$work/full.txt"
  s=$(date +%s%N)
  "$work/tlsdoctor" scan --targets "$work/full.txt" --connect "$addr" --ca-bundle "$work/fleet/root.pem" \
    --no-system-roots --mode full --concurrency 8 --per-address 64 --json > "$work/full.ndjson" || true
  e=$(date +%s%N)
  awk -v n="$FULL" -v t="$(ms "$s" "$e")" 'BEGIN { printf "scan --mode full: %d targets in %d ms = %.1f diagnoses/s (check --server --clients per target, fleet.Clients as it is)\n", n, t, n*1000/t }'
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
