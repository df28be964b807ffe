#!/usr/bin/env bash
# One million claims on PostgreSQL: cmd/rcmgen fills a fresh schema with
# CLAIMS claims in one organization (and two more organizations of 50,000
# claims each), with their charges, submissions, posted 835s and follow-up
# items, then times the follow-up queue, the claim list and search, the
# denials list, the KPI report, the aging read, one more 835 posted through
# the real posting code and the ledger check (see BENCHMARKS.md, "One
# million claims"). Not part of CI; it stops by itself after LIMIT
# (timeout) and drops its schema on exit unless KEEP=1.
#
#   scripts/bench-million.sh [CLAIMS] [LIMIT]
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, no password, database
# test). The generator's session runs with session_replication_role=replica
# (superuser): foreign-key triggers are skipped during the load, which
# TestGenerate checks with them on at a small size, and the ledger check
# (the measurement's last step) runs afterwards on everything. The rows'
# sensitive fields are left in plaintext, as an earlier release would have
# left them: the first ordinary `rcm` open would seal them one by one
# (about 45 minutes here), so the script does not run `rcm` on the result.
set -euo pipefail
cd "$(dirname "$0")/.."
claims=${1:-1000000}
limit=${2:-90m}
schema=bench_million_$$
tmp=$(mktemp -d)
base='postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
cleanup() {
	if [ "${KEEP:-}" != 1 ]; then
		psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
go build -o "$tmp/rcmgen" ./cmd/rcmgen
go build -o "$tmp/rcm" ./cmd/rcm # only to make the key file
"$tmp/rcm" keys new --out "$tmp/key" >/dev/null
export RCM_KEY_FILE=$tmp/key
psql -h 127.0.0.1 -U postgres -d test -qc "CREATE SCHEMA $schema"
dsn="$base&search_path=$schema"
timeout "$limit" "$tmp/rcmgen" -db "$dsn&session_replication_role=replica" -claims "$claims" -measure
echo "schema $schema (KEEP=1 keeps it)"
