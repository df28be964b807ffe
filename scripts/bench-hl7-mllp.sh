#!/bin/sh
# bench-hl7-mllp.sh measures `rcm hl7 listen` under load: SENDERS (default 8)
# concurrent MLLP connections each send MESSAGES (default 250) DFT^P03
# messages, one at a time, waiting for each ACK as an EHR does, into the
# demo's SQLite database. It prints messages per second, the listener's CPU
# time per message (the steadier figure on a shared machine) and the ACK
# codes, fails unless every message was acknowledged AA, and stops by itself.
#
#   scripts/bench-hl7-mllp.sh [RCM_BINARY]
set -eu
SENDERS=${SENDERS:-8}
MESSAGES=${MESSAGES:-250}
PORT=${PORT:-18731}
dir=$(mktemp -d)
bin=${1:-}
if [ -z "$bin" ]; then
	bin="$dir/rcm"
	go build -o "$bin" ./cmd/rcm
fi
listener=
cleanup() {
	[ -n "$listener" ] && kill "$listener" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
(cd "$dir" && "$bin" demo --seed 7 --db "$dir/load.db" >"$dir/demo.txt")
npi=$(sed -n 's/.*Rendering provider: .*NPI \([0-9]*\).*/\1/p' "$dir/demo.txt" | head -1)
"$bin" hl7 listen --db "$dir/load.db" --addr "127.0.0.1:$PORT" 2>"$dir/listen.log" &
listener=$!
python3 - "$PORT" "$SENDERS" "$MESSAGES" "$npi" "$listener" <<'PY'
import os, socket, sys, threading, time
port, senders, messages, npi, pid = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
def cpu():
    # utime and stime of the listener, in seconds
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close(); break
    except OSError:
        time.sleep(0.1)
codes, lock = {}, threading.Lock()
def dft(s, i):
    n = f"{s}{i:05d}"
    return "\r".join([
        f"MSH|^~\\&|LOAD|CL|OPENRCM|PR|20260301170000||DFT^P03|LOAD{n}|P|2.5.1",
        "EVN|P03|20260301170000",
        f"PID|1||LD{n}^^^CL^MR||Loadtest^Pat{n}||19700101|F|||1 Main St^^Springfield^IL^62704",
        f"PV1|1|O|||||{npi}||||||||||||LV{n}",
        "DG1|1||E11.9^^I10", "DG1|2||I10^^I10",
        f"FT1|1|||20260227||CG|99214|||1|165.00||||||||E11.9~I10|{npi}",
        f"FT1|2|||20260227||CG|36415|||1|12.00||||||||E11.9|{npi}",
    ]) + "\r"
def sender(s):
    c = socket.create_connection(("127.0.0.1", port), timeout=60)
    for i in range(messages):
        c.sendall(b"\x0b" + dft(s, i).encode() + b"\x1c\r")
        buf = b""
        while not buf.endswith(b"\x1c\r"):
            chunk = c.recv(4096)
            if not chunk: raise SystemExit("connection closed")
            buf += chunk
        code = buf.decode().split("MSA|")[1][:2]
        with lock: codes[code] = codes.get(code, 0) + 1
    c.close()
start, cpu0 = time.time(), cpu()
ts = [threading.Thread(target=sender, args=(s,)) for s in range(senders)]
for t in ts: t.start()
for t in ts: t.join()
took, used = time.time() - start, cpu() - cpu0
total = sum(codes.values())
print(f"{senders} senders x {messages} DFT^P03 = {total} messages in {took:.2f} s: {total/took:.0f} messages/s, "
      f"listener CPU {used/total*1e6:.0f} µs/message, ACKs {codes}")
sys.exit(0 if codes.get("AA", 0) == senders * messages else 1)
PY
