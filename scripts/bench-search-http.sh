#!/usr/bin/env bash
# Measures GET /api/v1/codes/search over HTTP on the loopback: imports the
# shared ICD-10-CM (FY2022 order file, FY2025 index) and HCPCS files into a
# temporary SQLite database, starts `rcm serve`, makes a token, then
#   1. sends 1,000 requests/s open loop for DURATION (scripts/loadgen) and
#      prints the latency percentiles: the figure of issue 3 (< 20 ms p99);
#   2. runs wrk (closed loop, if installed) with each connection paced to
#      about 1,000 requests/s in all, as a cross-check.
# Queries cycle through the dev set and codeset/testdata/bench_queries.txt.
#
#   scripts/bench-search-http.sh [RATE] [DURATION]
# Needs ../shared/data (or RCM_SHARED_DATA); wrk: apt-get install -y wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-1000}
duration=${2:-30s}
data=${RCM_SHARED_DATA:-$(cd .. && pwd)/shared/data}
tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/rcm" ./cmd/rcm
go build -o "$tmp/loadgen" ./scripts/loadgen
db=$tmp/rcm.db
"$tmp/rcm" codes import --db "$db" "$data/icd10cm/icd10cm_order_2022.txt" "$data/icd10cm/ICD10CM_2025_Index.csv" \
	"$data/hcpcs/hcpcs_2025_oct_long_desc.csv" >/dev/null
echo 'bench-password-1234' | "$tmp/rcm" user add --db "$db" --username bench --role admin --new-org Bench --name Bench >/dev/null
token=$("$tmp/rcm" user token --db "$db" --username bench 2>/dev/null | grep -o 'rcm_[A-Za-z0-9_-]*' | head -1)

python3 -c '
import json, sys
for line in open(sys.argv[1]):
    if line.strip():
        print(json.loads(line)["query"])
' "$data/eval/search_dev.jsonl" >"$tmp/queries.txt"
grep -v '^#' codeset/testdata/bench_queries.txt >>"$tmp/queries.txt"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start=$(date +%s.%N)
"$tmp/rcm" serve --db "$db" --addr "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
pid=$!
url=http://127.0.0.1:$port/api/v1/codes/search
until curl -fs -o /dev/null -H "Authorization: Bearer $token" "$url?q=asthma"; do
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.log"; exit 1; }
	sleep 0.05
done
echo "server ready in $(python3 -c "import time; print(f'{time.time()-$start:.2f}')") s (load code sets, build index, listen)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(go version | cut -d' ' -f3), load average $(cut -d' ' -f1-3 /proc/loadavg)"

# CPU seconds (user + system) the server has used so far.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat"; }
echo "== open loop, $rate requests/s for $duration (scripts/loadgen)"
c0=$(cpu)
"$tmp/loadgen" -rate "$rate" -duration "$duration" -token "$token" -queries "$tmp/queries.txt" "$url"
echo "server CPU during the run (with warm-up): $(python3 -c "print(f'{$(cpu) - $c0:.1f}')") s"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

if command -v wrk >/dev/null; then
	conns=20
	delay=$((conns * 1000 / rate))
	cat >"$tmp/search.lua" <<LUA
local queries = {}
for line in io.lines("$tmp/queries.txt") do queries[#queries + 1] = line end
local i = 0
wrk.headers["Authorization"] = "Bearer $token"
local function esc(s) return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end)) end
request = function()
	i = i % #queries + 1
	return wrk.format("GET", "/api/v1/codes/search?q=" .. esc(queries[i]))
end
delay = function() return $delay end
LUA
	echo "== wrk, $conns connections each pausing ${delay} ms between requests (about $rate/s), closed loop"
	wrk -t2 -c"$conns" -d"$duration" --latency -s "$tmp/search.lua" "http://127.0.0.1:$port" | sed -n '/Latency Distribution/,$p'
	echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
fi
