#!/usr/bin/env bash
# HTTP load against two `rcm serve` processes and an `rcm worker` on one
# PostgreSQL: the demo's data in a fresh database bar_load, then RATE
# requests/s of mixed reads and writes for DURATION, open loop, split
# between the two servers (scripts/mixload: p50, p99, errors), then the
# ledger check and the audit chain verification, which must be clean.
#
#   scripts/bench-two-servers.sh [RATE] [DURATION]
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, no password).
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-200}
duration=${2:-30s}
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
go build -o "$tmp/rcm" ./cmd/rcm
go build -o "$tmp/mixload" ./scripts/mixload
psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS bar_load" -c "CREATE DATABASE bar_load" >/dev/null
dsn='postgres://postgres@127.0.0.1:5432/bar_load?sslmode=disable'
export RCM_CONFIG_DIR=$tmp/config
"$tmp/rcm" demo --seed 7 --db "$dsn" >"$tmp/demo.txt" 2>&1
token=$("$tmp/rcm" user token --db "$dsn" --username demo.admin 2>/dev/null | grep -o 'rcm_[A-Za-z0-9_-]*' | head -1)
for port in 18221 18222; do
	"$tmp/rcm" serve --db "$dsn" --addr 127.0.0.1:$port >"$tmp/serve$port.log" 2>&1 &
	pids+=($!)
done
"$tmp/rcm" worker --db "$dsn" >"$tmp/worker.log" 2>&1 &
pids+=($!)
for port in 18221 18222; do
	for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.5; done
done
"$tmp/mixload" -rate "$rate" -duration "$duration" -token "$token" http://127.0.0.1:18221 http://127.0.0.1:18222
"$tmp/rcm" ledger check --db "$dsn" | tail -1
"$tmp/rcm" audit verify --db "$dsn" | tail -1
