# dcdlab measure's command line, on a path without a firewall (two
# namespaces, one veth): bad input named, no expiry reported as such
# (exit 1) with the bracket so far, never more connections than allowed,
# every socket closed at the end and on Ctrl-C (exit 130, what was known
# printed), a far end that is not dcdlab listen, unreachable or gone
# mid-run (exit 3). The measurements through real firewalls are the lab
# scenarios scenarios/measure-*.scn (lab_scenarios, sim_fidelity).
. tests/lib.sh
m() { "$DCDLAB" measure "$@"; }
expect_usage() { # TEXT ARGS...
	local text=$1 out rc
	shift
	out=$(m "$@" 2>&1)
	rc=$?
	[ "$rc" -eq 2 ] && grep -qF -- "$text" <<<"$out" || fail "measure $*: exit $rc: $out"
}
expect_usage "missing CONNECT-STRING"
expect_usage "--min must be shorter than --max" --min 60s --max 30s h/x
expect_usage "--connections \"2000\": expected 4 to 1024" --connections 2000 h/x
expect_usage "--max \"soon\": expected a duration" --max soon h/x
expect_usage "Easy Connect" "h:99999/x"
ok "usage errors name the argument (exit 2)"

# At real scale, in virtual time: an ASA's hour, an AWS NAT gateway's 350 s,
# Azure's 4 min - each found within 1 % (the scenarios' expectations) in
# about one timeout.
"$DCDLAB" sim --json scenarios/real/measure-*.scn >"$T/real.json" ||
	fail "real-scale measurements: $(jq -c '.scenarios[] | {name, passed}' "$T/real.json")"
python3 - "$T/real.json" <<'PY' || fail "real-scale measurement times"
import json, sys
for s in json.load(open(sys.argv[1]))["scenarios"]:
    m = s["outcome"]["measured"]
    T = (m["lo_s"] + m["hi_s"]) / 2
    assert m["elapsed_s"] <= 1.15 * T + 10 and m["max_open"] <= 64, (s["name"], m)
PY
ok "real scale (sim): 1 h, 350 s, 4 min found within 1 % in at most 1.15 T + 10 s"

netns_pair
in_cli() { ip netns exec "$CLI" "$@"; }
established() { ip netns exec "$CLI" ss -Htn state established | wc -l; }
bg ip netns exec "$SRV" "$DCDLAB" listen -l 192.0.2.1:1521 --duration 120s -q 2>/dev/null
# something that is not dcdlab listen: answers any connection with HTTP
bg ip netns exec "$SRV" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.0.2.1", 1522)); s.listen(8)
while True:
    c, _ = s.accept(); c.recv(4096); c.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n" * 4); c.close()'
sleep 0.5

out=$(in_cli "$DCDLAB" measure --json --min 2s --max 4s --connections 8 192.0.2.1:1521/orcl); rc=$?
[ "$rc" -eq 1 ] || fail "no firewall: exit $rc, expected 1 (no expiry): $out"
python3 - "$out" <<'PY' || fail "no-expiry JSON: $out"
import json, sys
d = json.loads(sys.argv[1])
assert d["result"] == "no-expiry" and d["timeout_s"] is None and d["expiry"] == "none", d
assert d["survived_s"] >= 4.0, d
c = d["connections"]
assert c["max"] == 8 and 2 <= c["max_open"] <= 8 and c["checks"] >= 1, c
assert d["nat"]["translated"] is False and d["nat"]["seen_by_far_end"].startswith("192.0.2.2:"), d
assert d["keepalives"] == "unknown", d
PY
[ "$(established)" -eq 0 ] || fail "connections left open after the run: $(established)"
ok "no expiry up to 4 s: exit 1, at most 8 connections, no NAT, every socket closed"

ip netns exec "$CLI" "$DCDLAB" measure --min 2s --max 60s 192.0.2.1:1521/orcl >"$T/int.out" 2>&1 &
pid=$!
sleep 13 # the ladder's first checks come at 10 s (its targets open late, as late as they may)
[ "$(established)" -ge 2 ] || fail "no connections open while measuring"
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] && grep -q "interrupted after" "$T/int.out" &&
	grep -Eq "the longest idle that survived: [0-9]" "$T/int.out" || fail "Ctrl-C: exit $rc: $(cat "$T/int.out")"
[ "$(established)" -eq 0 ] || fail "connections left open after Ctrl-C: $(established)"
ok "Ctrl-C: exit 130, the bracket so far printed, every socket closed"

out=$(in_cli "$DCDLAB" measure 192.0.2.1:1599/orcl 2>&1); rc=$?
[ "$rc" -eq 3 ] && grep -q "Connection refused" <<<"$out" || fail "nothing listening: exit $rc: $out"
out=$(in_cli "$DCDLAB" measure 192.0.2.1:1522/orcl 2>&1); rc=$?
[ "$rc" -eq 3 ] && grep -q "cannot measure" <<<"$out" || fail "not dcdlab listen: exit $rc: $out"
bg ip netns exec "$SRV" "$DCDLAB" listen -l 192.0.2.1:1523 --duration 4s -q 2>/dev/null
sleep 0.5
out=$(in_cli "$DCDLAB" measure --min 2s --max 30s 192.0.2.1:1523/orcl 2>&1); rc=$?
[ "$rc" -eq 3 ] && grep -q "the far end stopped answering" <<<"$out" &&
	! grep -q "^at expiry" <<<"$out" || fail "far end gone mid-run: exit $rc: $out"
ok "unreachable, not dcdlab listen, gone mid-run: exit 3, said as such (not an expiry)"
