#!/bin/sh
# bench-era-post.sh measures the peak memory (maximum resident set size, from
# /usr/bin/time -v) of `rcm era post` on a big 835: 50,000 claims of four
# lines (17 MB), posted into a SQLite database holding the matching
# submitted claims. Each binary named posts the same file into a fresh copy of
# the same database, alternately, RUNS times, so binaries built from two
# commits are compared in one run on one machine.
#
#   scripts/bench-era-post.sh /tmp/rcm-old /tmp/rcm-new
#
# The database and the file are made once by TestMakeBig835 into $DIR
# (default /tmp/big835); RCM_BIG835_CLAIMS changes the count of claims.
set -eu
DIR=${DIR:-/tmp/big835}
RUNS=${RUNS:-3}
[ $# -ge 1 ] || { echo "usage: $0 RCM_BINARY..." >&2; exit 2; }
mkdir -p "$DIR"
if [ ! -f "$DIR/big.835" ] || [ ! -f "$DIR/rcm.db" ]; then
	RCM_BIG835_DIR="$DIR" go test -count=1 -run '^TestMakeBig835$' ./sqldb/
fi
echo "835: $(wc -c <"$DIR/big.835") bytes, $(grep -o 'CLP\*' "$DIR/big.835" | wc -l) claims"
run=1
while [ "$run" -le "$RUNS" ]; do
	for bin in "$@"; do
		cp "$DIR/rcm.db" "$DIR/run.db"
		rm -f "$DIR/run.db-wal" "$DIR/run.db-shm"
		/usr/bin/time -v "$bin" era post --db "$DIR/run.db" "$DIR/big.835" >"$DIR/out.txt" 2>"$DIR/time.txt" || {
			cat "$DIR/out.txt" "$DIR/time.txt" >&2
			exit 1
		}
		rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/time.txt")
		wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$DIR/time.txt")
		echo "run $run  $bin  max RSS $((rss / 1024)) MiB  wall $wall  $(cut -c1-160 "$DIR/out.txt" | head -1)"
	done
	run=$((run + 1))
done
rm -f "$DIR/run.db" "$DIR/run.db-wal" "$DIR/run.db-shm" "$DIR/out.txt" "$DIR/time.txt"
