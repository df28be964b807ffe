#!/usr/bin/env bash
# Does a second process add throughput to audited writes? Patient payments
# (an audited ledger write each) posted by one process and then by two at
# once, on one PostgreSQL, for the single audit chain of the release
# before the sharded one (BEFORE, a commit) and for this tree with one
# chain and with sixteen. Each process runs CONC writers for DURATION on
# patients no other writer touches. Prints payments/s and the ratio of two
# processes to one, then the ledger check and the audit verification.
#
#   scripts/bench-audit-writers.sh [DURATION] [CONC] [BEFORE]
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, no password).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
conc=${2:-4}
before=${3:-037bf90}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/rcm" ./cmd/rcm
go build -o "$tmp/auditload" ./cmd/auditload
# The release before: its tree, with this loader (it uses only APIs both have).
mkdir "$tmp/before"
git archive "$before" | tar -x -C "$tmp/before"
mkdir -p "$tmp/before/cmd/auditload"
cp cmd/auditload/main.go "$tmp/before/cmd/auditload/"
(cd "$tmp/before" && go build -o "$tmp/rcm-before" ./cmd/rcm && go build -o "$tmp/auditload-before" ./cmd/auditload)
export RCM_CONFIG_DIR=$tmp/config RCM_KEY_FILE=$tmp/key
"$tmp/rcm" keys new --out "$tmp/key" >/dev/null
dsn='postgres://postgres@127.0.0.1:5432/bench_audit?sslmode=disable'

fresh() { # rcm binary
	psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS bench_audit" -c "CREATE DATABASE bench_audit" >/dev/null
	"$1" demo --db "$dsn" >"$tmp/demo.txt" 2>&1
}

# load LOADER PROCS: prints payments/s over all processes.
load() {
	local start=$(( $(date +%s%N) + 3000000000 )) pids=() i total=0 secs
	for ((i = 0; i < $2; i++)); do
		"$1" -db "$dsn" -proc $i -procs "$2" -conc "$conc" -start $start -duration "$duration" >"$tmp/out$i" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
	for ((i = 0; i < $2; i++)); do
		read -r _ n _ e _ secs <"$tmp/out$i"
		total=$((total + n))
		[ "$e" = 0 ] || echo "  process $i: $e errors" >&2
	done
	awk -v n=$total -v s="$secs" 'BEGIN { printf "%.0f", n / s }'
}

# variant NAME RCM LOADER [SHARDS]
variant() {
	fresh "$2"
	if [ -n "${4:-}" ]; then
		psql -h 127.0.0.1 -U postgres -d bench_audit -qc "INSERT INTO audit_chain_config (org_id, shards) SELECT id, $4 FROM organization" >/dev/null
	fi
	local one two
	one=$(load "$3" 1)
	two=$(load "$3" 2)
	printf '%-34s 1 process %6s/s   2 processes %6s/s   ratio %s\n' "$1" "$one" "$two" "$(awk -v a="$one" -v b="$two" 'BEGIN { printf "%.2f", b / a }')"
	"$2" ledger check --db "$dsn" | tail -1
	"$2" audit verify --db "$dsn" | tail -1
}

echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $conc writers per process, $duration each"
variant "single chain, head locked early" "$tmp/rcm-before" "$tmp/auditload-before"
variant "sharded, 1 chain (linked at commit)" "$tmp/rcm" "$tmp/auditload" 1
variant "sharded, 16 chains" "$tmp/rcm" "$tmp/auditload" 16
