#!/usr/bin/env bash
# Times one `tlsdoctor check` of a healthy lab endpoint, as a whole process,
# against `openssl s_client` and `curl` connecting to the same endpoint, and
# prints the medians and ratios. Loopback only.
#   bench/check.sh [RUNS]        (default 40)
set -euo pipefail
RUNS=${1:-40}
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $labpid 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/tlsdoctor" ./cmd/tlsdoctor
"$work/tlsdoctor" lab --dir "$work" --json > "$work/lab.json" &
labpid=$!
for _ in $(seq 100); do grep -q '"endpoints"' "$work/lab.json" 2>/dev/null && break; sleep 0.1; done
read -r host addr < <(python3 -c '
import json,sys
d=json.load(open(sys.argv[1]))
e=[e for e in d["endpoints"] if e["name"]=="ok"][0]
print(e["host"], e["addrs"][0])' "$work/lab.json")
port=${addr##*:}
root="$work/lab-root.pem"

# median_ms times a command RUNS times; a run that fails stops the
# benchmark (a failing command is fast and would flatter the ratio).
# OK_CODES lists the exit statuses that count as success (default 0).
median_ms() { # command...
  local t=()
  for _ in $(seq "$RUNS"); do
    local s e rc=0
    s=$(date +%s%N); "$@" >/dev/null 2>&1 || rc=$?; e=$(date +%s%N)
    if [[ " ${OK_CODES:-0} " != *" $rc "* ]]; then
      echo "bench: '$*' failed (exit $rc); the timing would be meaningless" >&2
      exit 1
    fi
    t+=($(( (e - s) / 1000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}

td=$(median_ms "$work/tlsdoctor" check "https://$host:$port/" --connect "$addr" --ca-bundle "$root" --no-system-roots)
echo "tlsdoctor check (probe, chain, SNI comparison, HTTP, diagnosis): ${td} ms median of $RUNS"
for tool in openssl curl; do
  command -v $tool >/dev/null || { echo "$tool: not installed, skipped"; continue; }
  if [ $tool = openssl ]; then
    m=$(median_ms sh -c "openssl s_client -connect $addr -servername $host -CAfile $root -verify_return_error </dev/null")
    what="openssl s_client (one handshake, verify)"
  else
    m=$(median_ms curl -s -o /dev/null --resolve "$host:$port:127.0.0.1" --cacert "$root" "https://$host:$port/")
    what="curl (one handshake, verify, GET)"
  fi
  ratio=$(awk -v a="$td" -v b="$m" 'BEGIN {printf "%.2f", a/b}')
  echo "$what: ${m} ms median; tlsdoctor/$tool = ${ratio}"
done
