#!/usr/bin/env bash
# pyx12-check.sh runs the demo and judges every 837I it writes with OpenRCM's
# validator (`rcm x12 validate`) and with the independent validator
# azoner/pyx12 (its x12valid script, which has the 005010X223A2 map). It
# prints one line per file and exits 1 if any file is not clean in either.
#
#   PYX12_DIR=/path/to/pyx12 scripts/pyx12-check.sh [SEED]
#
# PYX12_DIR is a checkout of azoner/pyx12; pyx12 needs python3 and
# defusedxml (Debian python3-defusedxml). The pyx12 checkout stays outside
# the repository. `go test ./claim -run TestWrite837I` runs pyx12 on the
# writer's golden 837I too when PYX12_DIR is set.
set -euo pipefail
cd "$(dirname "$0")/.."
seed=${1:-7}
[ -n "${PYX12_DIR:-}" ] && [ -d "$PYX12_DIR/pyx12" ] || { echo "set PYX12_DIR to a checkout of azoner/pyx12" >&2; exit 2; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
go build -o "$t/rcm" ./cmd/rcm
"$t/rcm" demo --seed "$seed" --db "$t/demo.db" --out "$t/out" >"$t/demo.txt"
bad=0 n=0
while IFS= read -r -d '' f; do
	grep -q '005010X223A2' "$f" || continue
	n=$((n + 1))
	name=$(basename "$f")
	ours=clean
	"$t/rcm" x12 validate "$f" >"$t/ours.txt" 2>&1 || { ours=NOT-CLEAN; bad=1; }
	# pyx12 writes its 997 beside the file it reads: give it a copy.
	cp "$f" "$t/judge.edi"
	theirs=$(PYTHONPATH="$PYX12_DIR" python3 -m pyx12.scripts.x12valid "$t/judge.edi" 2>&1 | tail -1)
	case "$theirs" in
	*": OK") theirs=OK ;;
	*) theirs="NOT-OK ($theirs)"; bad=1 ;;
	esac
	echo "$name: rcm $ours, pyx12 $theirs"
done < <(find "$t/out" -maxdepth 1 -type f -name '*.x12' -print0 | sort -z)
echo "$n 837I files judged"
[ "$n" -gt 0 ] && [ "$bad" = 0 ]
