# dcdlab inspect against sockets whose settings the test made, in two
# namespaces of its own: dcdlab listen with EXPIRE_TIME=10 (600/6/10), a
# Python server that sets 45/5/3 on its sockets, one with no keepalive, one
# with 2/1/5 whose client is then cut (probes counted down to its death),
# the client side seen from the other namespace; without privilege the
# settings are inferred and said so; 10,000 sessions all listed; bad input
# named. Every figure inspect reports is checked against what was set.
. tests/lib.sh
netns_pair
in_srv() { ip netns exec "$SRV" "$@"; }
in_cli() { ip netns exec "$CLI" "$@"; }

# a server holding every connection, with keepalive IDLE/INTVL/CNT on each
# accepted socket (0: SO_KEEPALIVE off)
# (exec: bg must hold the server's own pid, or cleanup kills only a subshell)
pyserver() { # PORT IDLE INTVL CNT
	exec ip netns exec "$SRV" python3 -c '
import socket, sys, select
port, idle, intvl, cnt = map(int, sys.argv[1:])
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.0.2.1", port)); s.listen(1024)
held = []
while True:
    c, _ = s.accept()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1 if idle else 0)
    if idle:
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, idle)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, intvl)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, cnt)
    held.append(c)' "$@"
}
# N client connections to PORT, held open
pyclients() { # PORT N
	exec ip netns exec "$CLI" python3 -c '
import socket, sys, time, resource
port, n = map(int, sys.argv[1:])
resource.setrlimit(resource.RLIMIT_NOFILE, (n + 100, n + 100))
held = [socket.create_connection(("192.0.2.1", port)) for _ in range(n)]
time.sleep(600)' "$@"
}

bg ip netns exec "$SRV" "$DCDLAB" listen -l 192.0.2.1:1521 --expire-time 10 --duration 300s -q 2>/dev/null
bg pyserver 1522 45 5 3
bg pyserver 1523 0 0 0
bg pyserver 1524 2 1 5
sleep 0.5
bg ip netns exec "$CLI" "$DCDLAB" connect --plan "call, idle 5m" 192.0.2.1:1521/orcl
bg pyclients 1522 3
bg pyclients 1523 2
sleep 1

j=$("$DCDLAB" inspect --netns "$SRV" --port 1521,1522,1523 --fw-idle 30m --json) ||
	fail "inspect --netns: exit $?"
python3 - "$j" <<'PY' || fail "server-side settings: $j"
import json, sys
d = json.loads(sys.argv[1])
by = {}
for s in d["sessions"]:
    by.setdefault(int(s["local"].rsplit(":", 1)[1]), []).append(s)
assert sorted((p, len(v)) for p, v in by.items()) == [(1521, 1), (1522, 3), (1523, 2)], by.keys()
(o,) = by[1521]
assert o["settings"] == "read" and o["profile"] == "oracle" and o["expire_time_min"] == 10, o
assert (o["keepidle_s"], o["keepintvl_s"], o["keepcnt"]) == (600, 6, 10), o
assert o["timer"] == "keepalive" and 590000 < o["timer_expires_ms"] <= 600000, o
assert "dcdlab listen" in o["command"] and o["pid"] > 0, o
for s in by[1522]:
    assert s["profile"] == "custom" and (s["keepidle_s"], s["keepintvl_s"], s["keepcnt"]) == (45, 5, 3), s
    assert s["timer"] == "keepalive" and s["timer_expires_ms"] <= 45000 and "python3" in s["command"], s
for s in by[1523]:
    assert s["profile"] == "none" and s["so_keepalive"] is False and s["timer"] == "off", s
    assert s["firewall"] == "within" and s["idle_ms"] < 5000, s
u = d["summary"]
assert u["sessions"] == 6 and u["by_profile"] == {"none": 2, "oracle": 1, "node-oracledb-thin": 0,
    "os-default": 0, "custom": 3}, u
assert u["inferred"] == 0 and u["fw_idle_s"] == 1800, u
PY
ok "server side: EXPIRE_TIME=10 as 600/6/10 (oracle), 45/5/3 (custom), no keepalive (none), processes named"

j=$("$DCDLAB" inspect --netns "$CLI" --json) || fail "client side: exit $?"
python3 - "$j" <<'PY' || fail "client side: $j"
import json, sys
d = json.loads(sys.argv[1])
(s,) = d["sessions"]   # the default port 1521, at the remote end here
assert s["peer"] == "192.0.2.1:1521" and "dcdlab connect" in s["command"], s
assert s["profile"] == "none" and s["so_keepalive"] is False, s
PY
ok "client side (--netns, port 1521 at the remote end): dcdlab connect without DCD"

# --fail-on: sessions without DCD (port 1523); sessions idle past a 1 s
# firewall with nothing that refreshed it in time (all of them: 1521's
# keepalive comes after 600 s); against 10 min, 1521's keepalive (600 s,
# up to 616 s with the timer's slack) comes too late, 1522's (45 s) in
# time; exit 0 when nothing matches.
sleep 1.2
out=$("$DCDLAB" inspect --netns "$SRV" --port 1523 --fail-on no-dcd 2>&1); rc=$?
[ "$rc" -eq 1 ] || fail "--fail-on no-dcd: exit $rc: $out"
j=$("$DCDLAB" inspect --netns "$SRV" --port 1521,1523 --fw-idle 1s --fail-on past-fw-timeout --json); rc=$?
[ "$rc" -eq 1 ] || fail "--fail-on past-fw-timeout: exit $rc"
j2=$("$DCDLAB" inspect --netns "$SRV" --port 1521,1522 --fw-idle 10m --json)
python3 - "$j" "$j2" <<'PY' || fail "against the firewall: $j $j2"
import json, sys
d, d2 = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert [s["firewall"] for s in d["sessions"]] == ["past-fw-timeout"] * 3, d["sessions"]
assert d["summary"]["past_fw_timeout"] == 3, d["summary"]
st = sorted((s["local"].rsplit(":", 1)[1], s["firewall"]) for s in d2["sessions"])
assert st == [("1521", "keepalive-late")] + [("1522", "within")] * 3, st
PY
"$DCDLAB" inspect --netns "$SRV" --port 1521 --fail-on no-dcd,probing >/dev/null || fail "--fail-on matched nothing: exit $?"
ok "--fail-on no-dcd / past-fw-timeout exit 1 on what matches, 0 otherwise; idle past a 1 s firewall found"

# --watch refreshes; --metrics serves Prometheus text, a scan per scrape.
timeout -s INT 2.5 "$DCDLAB" inspect --netns "$SRV" --port 1521 --watch 1s >"$T/watch.out"
[ "$(grep -c '^LOCAL' "$T/watch.out")" -ge 2 ] || fail "--watch: $(cat "$T/watch.out")"
"$DCDLAB" inspect --netns "$SRV" --port 1521,1522,1523 --metrics 127.0.0.1:19090 2>/dev/null &
_pids+=($!)
for i in $(seq 1 50); do
	m=$(ip netns exec "$SRV" curl -sf http://127.0.0.1:19090/metrics) && break
	sleep 0.1
done
grep -q 'dcdlab_inspect_sessions{profile="oracle"} 1' <<<"$m" &&
	grep -q 'dcdlab_inspect_sessions{profile="custom"} 3' <<<"$m" &&
	grep -q 'dcdlab_inspect_sessions{profile="none"} 2' <<<"$m" &&
	grep -q 'dcdlab_inspect_idle_seconds_count 6' <<<"$m" || fail "--metrics: $m"
ok "--watch refreshes; --metrics serves the sessions by profile and the idle histogram"

# Without privilege (another uid): no process, settings inferred from the
# kernel's keepalive timer - and the inferred idle is the real one.
j=$(in_srv setpriv --reuid=65534 --regid=65534 --clear-groups "$DCDLAB" inspect --port 1521,1522 --json) ||
	fail "unprivileged: exit $?"
python3 - "$j" <<'PY' || fail "inferred settings: $j"
import json, sys
d = json.loads(sys.argv[1])
assert len(d["sessions"]) == 4, d["sessions"]
for s in d["sessions"]:
    want = 600 if s["local"].endswith(":1521") else 45
    assert s["settings"] == "inferred" and s["pid"] is None and s["so_keepalive"] is True, s
    assert abs(s["keepidle_s"] - want) <= 2, (s["keepidle_s"], want)
    assert "settings inferred" in s["note"], s
assert d["summary"]["inferred"] == 4, d["summary"]
PY
ok "unprivileged: settings inferred and said so; inferred idle 600 s and 45 s as set"

# A client cut off (its host drops everything): 2/1/5 probes go unanswered;
# inspect counts them down to the kernel's give-up.
bg pyclients 1524 1
sleep 1
cut_client
sleep 4.5
j=$("$DCDLAB" inspect --netns "$SRV" --port 1524 --json --fail-on probing); rc=$?
[ "$rc" -eq 1 ] || fail "--fail-on probing: exit $rc: $j"
python3 - "$j" <<'PY' || fail "probing: $j"
import json, sys
d = json.loads(sys.argv[1])
(s,) = d["sessions"]
k = s["probes_out"]
assert 1 <= k <= 5 and s["timer"] == "keepalive", s
# the kernel gives up when the 5th probe's interval has passed: 2 + 5 x 1 s
# after the last packet, so dead_in + idle is about 7 s
assert 6500 <= s["dead_in_ms"] + s["idle_ms"] <= 7600, (s["dead_in_ms"], s["idle_ms"])
assert "probes unanswered: dead in" in s["note"], s
PY
ok "a cut peer: probes out counted, dead in $(jq -r '.sessions[0].dead_in_ms' <<<"$j") ms, --fail-on probing exit 1"

for c in "--port 0|--port \"0\": expected up to 16 ports" "--port 1,x|expected up to 16 ports" \
	"--netns nosuch-$$|no such network namespace" "--fw-idle soon|--fw-idle \"soon\"" \
	"--firewall acme|not a known device" "--fail-on weather|--fail-on \"weather\"" \
	"--path /nonexistent.json|/nonexistent.json"; do
	out=$("$DCDLAB" inspect ${c%%|*} 2>&1); rc=$?
	[ "$rc" -eq 2 ] && grep -qF -- "${c#*|}" <<<"$out" || fail "inspect ${c%%|*}: exit $rc: $out"
done
ok "bad input named (exit 2)"

# 10,000 sessions: every one listed, none missing (the client's host back).
in_cli nft delete table inet dcdlab_cut || fail "nft delete"
ip netns exec "$SRV" sh -c 'ulimit -n 10200 && exec python3 -c "
import socket, time, resource
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((\"192.0.2.1\", 1525)); s.listen(4096)
held = []
while True:
    c, _ = s.accept(); held.append(c)"' &
_pids+=($!)
sleep 0.5
bg pyclients 1525 10000
for i in $(seq 1 100); do
	n=$(in_srv ss -Htn state established "( sport = :1525 )" | wc -l)
	[ "$n" -ge 10000 ] && break
	sleep 0.2
done
[ "$n" -ge 10000 ] || fail "only $n of 10000 connections came up"
n=$("$DCDLAB" inspect --netns "$SRV" --port 1525 --json | jq '.sessions | length')
[ "$n" -eq 10000 ] || fail "10,000 sessions: inspect listed $n"
ok "10,000 sessions: all listed"
