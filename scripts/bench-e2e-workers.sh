#!/usr/bin/env bash
# End to end on PostgreSQL with one `rcm worker` and then two: encounters ->
# claims built, scrubbed and submitted (the claim_pipeline jobs) -> the payer
# sandbox answers (rcm payer serve) -> the clearinghouse poll jobs apply the
# 999, 277CA and 835 files. Each round starts from a fresh database
# bench_e2e: the demo's organization (rcm demo), then N coded encounters
# cloned from the demo's paid professional encounters with dates of service
# in the last 60 days (SQL, not timed). The clock starts when the workers
# start and stops when every seeded encounter's claim has its 835 posted
# (paid, partly paid or denied) or was rejected, or failed the scrub and
# stayed a draft; claims/s is the claims answered over that time.
# Afterwards the ledger check and the audit chain verification must be
# clean, and no claim may be in two submissions. Not run in CI.
#
#   scripts/bench-e2e-workers.sh [N] [TIMEOUT_SECONDS]
# ROUNDS (default "1 2") says how many workers each round runs, in order.
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, no password) and psql.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
limit=${2:-1800}
tmp=$(mktemp -d)
pids=()
stop_all() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	pids=()
}
trap 'stop_all; rm -rf "$tmp"' EXIT
go build -o "$tmp/rcm" ./cmd/rcm
rcm=$tmp/rcm
dsn='postgres://postgres@127.0.0.1:5432/bench_e2e?sslmode=disable'
q() { psql -h 127.0.0.1 -U postgres -d bench_e2e -qAtX -v ON_ERROR_STOP=1 "$@"; }

# answered counts the seeded encounters' claims with an answer: an 835
# posted (paid, partly paid, denied) or a 277CA rejection.
answered() {
	q -c "SELECT count(*) FROM claim c WHERE c.encounter_id > $1 AND c.frequency = '1'
		AND c.state IN ('paid', 'partly_paid', 'denied', 'rejected', 'closed')"
}

# pending counts the seeded encounters not yet built and their claims on
# their way (ready, submitted, accepted); claims that fail the scrub stay
# drafts and are counted apart.
pending() {
	q -c "SELECT (SELECT count(*) FROM encounter WHERE id > $1 AND status = 'coded')
		+ (SELECT count(*) FROM claim WHERE encounter_id > $1 AND state IN ('ready', 'submitted', 'accepted'))"
}

declare -A rate
for workers in ${ROUNDS:-1 2}; do
	psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS bench_e2e" -c "CREATE DATABASE bench_e2e" >/dev/null
	export RCM_CONFIG_DIR=$tmp/config$workers
	"$rcm" demo --seed 7 --db "$dsn" --out "$tmp/out$workers" >"$tmp/demo$workers.txt" 2>&1
	ch=$tmp/out$workers/clearinghouse
	last=$(q -c "SELECT max(id) FROM encounter")
	# Templates: the demo's professional encounters whose original claim
	# was paid. Clones keep patient, providers, codes and charges; the date
	# of service moves into the last 60 days (timely filing).
	q <<-SQL
		CREATE TEMP TABLE tmpl AS
			SELECT row_number() OVER (ORDER BY e.id) - 1 AS k, e.id FROM encounter e
			WHERE e.institutional = '' AND EXISTS (SELECT 1 FROM claim c WHERE c.encounter_id = e.id AND c.state = 'paid' AND c.frequency = '1');
		CREATE TEMP TABLE m AS
			SELECT g AS n, (SELECT id FROM tmpl WHERE k = g % (SELECT count(*) FROM tmpl)) AS tmpl,
				nextval(pg_get_serial_sequence('encounter', 'id')) AS new_id,
				to_char(current_date - 1 - (g % 60), 'YYYY-MM-DD') AS dos
			FROM generate_series(0, $n - 1) g;
		INSERT INTO encounter (id, org_id, patient_id, practice_id, rendering_provider_id, facility_id, date_of_service, place_of_service, note, status)
			SELECT m.new_id, e.org_id, e.patient_id, e.practice_id, e.rendering_provider_id, e.facility_id, m.dos, e.place_of_service, '', 'coded'
			FROM m JOIN encounter e ON e.id = m.tmpl ORDER BY m.new_id;
		INSERT INTO encounter_diagnosis (org_id, encounter_id, seq, code)
			SELECT d.org_id, m.new_id, d.seq, d.code FROM m JOIN encounter_diagnosis d ON d.encounter_id = m.tmpl;
		INSERT INTO service_line (org_id, encounter_id, seq, code, modifiers, units, charge, pointers, ndc, date_of_service)
			SELECT l.org_id, m.new_id, l.seq, l.code, l.modifiers, l.units, l.charge, l.pointers, l.ndc, CASE WHEN l.date_of_service = '' THEN '' ELSE m.dos END
			FROM m JOIN service_line l ON l.encounter_id = m.tmpl;
		ANALYZE;
	SQL
	echo "round $workers: $(q -c "SELECT count(*) FROM encounter WHERE id > $last AND status = 'coded'") coded encounters seeded from $(q -c "SELECT count(DISTINCT patient_id) FROM encounter WHERE id > $last") patients"
	"$rcm" payer serve --dir "$ch" --interval 1s >"$tmp/payer$workers.log" 2>&1 &
	pids+=($!)
	start=$(date +%s.%N)
	for w in $(seq 1 "$workers"); do
		"$rcm" worker --db "$dsn" --workers 4 --tick 2s >"$tmp/worker$workers-$w.log" 2>&1 &
		pids+=($!)
	done
	"$rcm" jobs run --db "$dsn" claim_pipeline >/dev/null
	sent_at=
	while :; do
		sleep 3
		# A poll whenever none is waiting: the schedule's floor is a minute.
		if [ "$(q -c "SELECT count(*) FROM river_job WHERE kind = 'clearinghouse_poll' AND state IN ('available', 'running', 'scheduled', 'retryable')")" = 0 ]; then
			"$rcm" jobs run --db "$dsn" clearinghouse_poll >/dev/null
		fi
		left=$(pending "$last")
		now=$(date +%s.%N)
		if [ -z "$sent_at" ] && [ "$(q -c "SELECT (SELECT count(*) FROM encounter WHERE id > $last AND status = 'coded')
			+ (SELECT count(*) FROM claim WHERE encounter_id > $last AND state = 'ready')")" = 0 ]; then
			sent_at=$(awk -v s="$start" -v t="$now" 'BEGIN { printf "%.1f", t - s }')
		fi
		if [ "$left" = 0 ] || awk -v s="$start" -v t="$now" -v l="$limit" 'BEGIN { exit !(t - s > l) }'; then
			break
		fi
	done
	end=$(date +%s.%N)
	done_n=$(answered "$last")
	wcpu=0
	for p in "${pids[@]}"; do
		# User and system clock ticks of the workers and the sandbox.
		wcpu=$((wcpu + $(awk '{print $14+$15}' /proc/"$p"/stat 2>/dev/null || echo 0)))
	done
	stop_all
	secs=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')
	rate[$workers]=$(awk -v n="$done_n" -v s="$secs" 'BEGIN { printf "%.1f", n / s }')
	echo "round $workers: $done_n of $n claims answered in $secs s ($left still on their way): ${rate[$workers]} claims/s; worker and sandbox CPU $((wcpu / $(getconf CLK_TCK))) s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "  every claim built, scrubbed and submitted after ${sent_at:-?} s; the rest is the sandbox and the polls"
	q -c "SELECT state, count(*) FROM claim WHERE encounter_id > $last GROUP BY state ORDER BY state" | sed 's/^/  claims /'
	echo "  block jobs: $(q -c "SELECT count(*) FROM river_job WHERE kind = 'claim_pipeline_block'") ($(q -c "SELECT count(*) FROM river_job WHERE kind = 'claim_pipeline_block' AND state <> 'completed'") not completed); files: $(q -c "SELECT count(*) FROM submission")"
	twice=$(q -c "SELECT count(*) FROM (SELECT claim_id FROM submission_claim GROUP BY claim_id HAVING count(*) > 1) d")
	dup=$(q -c "SELECT count(*) FROM (SELECT encounter_id FROM claim WHERE encounter_id > $last GROUP BY encounter_id, frequency HAVING count(*) > 1) d")
	echo "  claims in two submissions: $twice; encounters with two claims: $dup"
	echo "  ledger: $("$rcm" ledger check --db "$dsn" 2>&1 | tail -1)"
	echo "  audit:  $("$rcm" audit verify --db "$dsn" 2>&1 | tail -1)"
	if [ "$twice" != 0 ] || [ "$dup" != 0 ]; then
		echo "work done twice" >&2
		exit 1
	fi
done
[ -n "${rate[1]:-}" ] && [ -n "${rate[2]:-}" ] && echo "ratio 2 workers / 1 worker: $(awk -v a="${rate[1]}" -v b="${rate[2]}" 'BEGIN { printf "%.2f", b / a }')x"
