# dcdlab check: verdicts with numbers for a DCD configuration, a platform
# and a firewall - exit 0 only when idle sessions survive and dead clients
# are found - with the warnings of DOMAIN.md (units, ignored settings,
# EXPIRE_TIME too close, RFC 5382), and bad input named with file:line.
. tests/lib.sh
D=tests/data/tunables
chk() { "$DCDLAB" check "$@"; }

out=$(chk --sqlnet etc/sqlnet.ora --firewall cisco-asa); rc=$?
echo "$out"
[ "$rc" -eq 0 ] || fail "EXPIRE_TIME=10 behind a 1 h ASA: exit $rc"
grep -q "idle sessions: SURVIVE" <<<"$out" || fail "no survival verdict"
grep -q "keepalives originate: the server (TCP keepalive)" <<<"$out" || fail "origin"
grep -Eq "a dead client: noticed by the server (9|10|11)\.[0-9] min after" <<<"$out" || fail "detection time"
grep -q "RFC 5382 REQ-5" <<<"$out" || fail "no RFC 5382 warning"
ok "EXPIRE_TIME=10 behind a 1 h Cisco ASA: survives, dead client found in ~10 min, RFC 5382 noted"

# The figures a DBA plans with are the worst case: a host that vanishes
# right after its last packet is found after the whole idle time and every
# probe (600 + 6 * 10 s) plus the kernel's timer slack; one that vanishes
# just before a probe, after the probes alone (60 s) plus slack.
python3 - "$DCDLAB" <<'PY' || fail "worst case and range"
import json, subprocess, sys
def chk(*a):
    p = subprocess.run([sys.argv[1], "check", "--json", *a], capture_output=True, text=True)
    return json.loads(p.stdout)
d = chk("--expire-time", "10", "--firewall", "cisco-asa")["dead_client"]
assert 660 <= d["after_s"] <= 700 and 60 <= d["best_s"] <= 90, d
s = chk("--expire-time", "10", "--fw-idle", "3h", "--descriptor", "db1:1521/orcl?expire_time=5")["dead_server"]
assert s["client_keepalive_notices"] and 360 <= s["after_s"] <= 400 and 60 <= s["best_s"] <= 90, s
# NOT OK says what would make it OK: EXPIRE_TIME=4 (240 s + 16 s slack < 300 s,
# 300 s would not), or a firewall that waits out 600 s + slack.
a = chk("--expire-time", "10", "--firewall", "f5-fastl4")
assert a["ok"] is False and a["advice"]["expire_time_max_min"] == 4, a["advice"]
assert 600 < a["advice"]["fw_idle_min_s"] <= 640, a["advice"]
a = chk("--expire-time", "58", "--fw-idle", "1h")["advice"]
assert a["expire_time_max_min"] == 57 and 3600 < a["fw_idle_min_s"] <= 3700, a
a = chk("--fw-idle", "1h")["advice"]
assert a["expire_time_max_min"] == 57 and a["fw_idle_min_s"] is None, a   # no DCD: no timeout helps
a = chk("--expire-time", "10", "--fw-idle", "4h", "--keepalives-ignored")["advice"]
assert a["as"] == "ns-probes" and 200 <= a["expire_time_max_min"] < 240, a
PY
ok "worst-case and best-case detection times; NOT OK names the largest EXPIRE_TIME and the firewall timeout that would do"

printf 'net.ipv4.tcp_keepalive_time = 7200\nnet.ipv4.tcp_retries2 = 0\n' >"$T/r0.txt"
t0=$(chk --expire-time 10 --firewall cisco-asa --client-tunables "$T/r0.txt" --json | jq .dead_server.next_call.fails_after_s)
t15=$(chk --expire-time 10 --firewall cisco-asa --json | jq .dead_server.next_call.fails_after_s)
awk -v a="$t0" -v b="$t15" 'BEGIN { exit !(a < 5 && b > 900) }' ||
	fail "tcp_retries2 = 0 must give up at once ($t0 s), the default after ~15 min ($t15 s)"
ok "tcp_retries2 = 0 is honoured ($t0 s), not read as the default ($t15 s)"

j=$(chk --firewall cisco-asa --json); rc=$?
[ "$rc" -eq 1 ] || fail "no DCD: exit $rc, expected 1"
python3 - "$j" <<'PY' || fail "no-DCD JSON"
import json, sys
d = json.loads(sys.argv[1])
assert d["idle_sessions_survive"] is False and d["ok"] is False, d
n = d["idle_next_call"]
assert n["ora"] == "ORA-03135" and 900 < n["fails_after_s"] < 1000, n   # tcp_retries2=15
assert d["dead_client"]["noticed"] is False, d
PY
ok "no DCD: idle sessions dropped, the next call ORA-03135 after ~15.5 min, dead clients never found (exit 1)"

out=$(chk --expire-time 10 --firewall f5-fastl4); rc=$?
[ "$rc" -eq 1 ] && grep -q "ORA-03113" <<<"$out" && grep -q "not before the firewall's 5.0 min" <<<"$out" ||
	fail "F5 5 min vs EXPIRE_TIME=10: $rc $out"
out=$(chk --expire-time 58 --fw-idle 1h); rc=$?
[ "$rc" -eq 1 ] && grep -q "within 10% of the firewall's 60.0 min" <<<"$out" ||
	fail "EXPIRE_TIME=58 vs 1 h: $rc $out"
out=$(chk --expire-time 10 --fw-idle 4h --keepalives-ignored); rc=$?
[ "$rc" -eq 1 ] && grep -q "does not count keepalives" <<<"$out" || fail "keepalives ignored: $rc $out"
out=$(chk --expire-time 10 --release 11.2 --fw-idle 4h --keepalives-ignored); rc=$?
[ "$rc" -eq 0 ] && grep -q "NS probes, as data" <<<"$out" || fail "11.2 NS probes count as data: $rc $out"
ok "F5 (5 min, RST) vs EXPIRE_TIME=10 fails with ORA-03113; 58 min vs 1 h too close; ignored keepalives; NS probes are data"

out=$(chk --expire-time 10 --fw-idle 3h --platform aix --tunables $D/aix-no-a.txt)
grep -q "aix-no-a.txt:3: tcp_keepidle = 14400 is in HALF-seconds: 7200s" <<<"$out" || fail "AIX units: $out"
out=$(chk --expire-time 10 --fw-idle 3h --platform solaris --tunables $D/solaris-ipadm.txt); rc=$?
grep -q "Oracle keeps the pre-12c method here (NS probes)" <<<"$out" && grep -q "retransmission-timeout" <<<"$out" ||
	fail "Solaris: $out"
out=$(chk --expire-time 10 --fw-idle 3h --platform windows --tunables $D/windows-unit-trap.txt \
	--descriptor "(DESCRIPTION=(ENABLE=BROKEN)(ADDRESS=(PROTOCOL=TCP)(HOST=db1)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=orcl)))" \
	--client-platform windows --client-tunables $D/windows-unit-trap.txt)
grep -q "KeepAliveTime = 600 is in milliseconds: 600ms" <<<"$out" && grep -q "keepalives originate: both sides" <<<"$out" ||
	fail "Windows unit trap: $out"
out=$(chk --expire-time 10 --fw-idle 3h --client-release 18c --descriptor "db1:1521/orcl?expire_time=5")
grep -q "(EXPIRE_TIME=5) in the descriptor is ignored by a 18c client" <<<"$out" || fail "pre-19c EXPIRE_TIME: $out"
for f in hpux-ndd:hpux macos-sysctl:macos freebsd-sysctl:freebsd linux-sysctl-a:linux windows-reg-query:windows; do
	chk --expire-time 10 --fw-idle 3h --platform ${f#*:} --tunables $D/${f%:*}.txt --json | python3 -c '
import json, sys; d = json.load(sys.stdin); assert d["ok"], d' || fail "${f%:*}"
done
ok "AIX half-seconds, Solaris's old DCD, a Windows ms trap, EXPIRE_TIME ignored before 19c; every platform's sample reads"

out=$(chk --expire-time 600 --fw-idle 1h 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q -- '--expire-time "600": expected minutes, 0 to 546' <<<"$out" ||
	fail "EXPIRE_TIME 600 (beyond TCP_KEEPIDLE, refused in sqlnet.ora too): $rc $out"
out=$(chk --expire-time 10 --fw-idle 1h --platform linux --tunables $D/bad-linux.txt 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q 'bad-linux.txt:2: net.ipv4.tcp_keepalive_intvl: "seventy-five" is not a number' <<<"$out" ||
	fail "bad tunables: $rc $out"
out=$(chk --expire-time 10 --fw-idle 1h --platform aix --tunables $D/linux-sysctl-a.txt 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q "expected \"name = value\" as no -a\|none of aix's keepalive settings" <<<"$out" ||
	fail "linux file as aix: $rc $out"
out=$(chk --platform plan9 --fw-idle 1h 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q -- '--platform "plan9": expected linux, aix' <<<"$out" || fail "platform: $rc $out"
out=$(chk --expire-time 10 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q "no firewall" <<<"$out" || fail "no firewall: $rc $out"
printf 'SQLNET.EXPIRE_TIME = (ten\n' >"$T/bad.ora"
out=$(chk --sqlnet "$T/bad.ora" --fw-idle 1h 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q "bad.ora:1" <<<"$out" || fail "bad sqlnet.ora: $rc $out"
out=$(chk --sqlnet etc/sqlnet.ora --expire-time 5 --fw-idle 1h 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -Eq "contradictory settings: --expire-time 5, but etc/sqlnet.ora:[0-9]+ sets SQLNET.EXPIRE_TIME = 10" <<<"$out" ||
	fail "contradiction: $rc $out"
ok "bad input: file:line, unknown platform, no firewall, contradictory settings - exit 2"

# --path: a path as dcdlab measure --json saved it (a lab run: 15 s, RST to
# the next sender, keepalives counted) stands for the firewall.
M=tests/data/measure/lab-rst-next-15s.json
j=$(chk --expire-time 10 --path $M --json); rc=$?
python3 - "$j" <<'PY' || fail "--path JSON: $j"
import json, sys
d = json.loads(sys.argv[1])
f = d["firewall"]
assert f["measured"].endswith("lab-rst-next-15s.json") and f["idle_s"] == 15, f
assert f["expiry"] == "rst-next" and f["keepalives_counted"] is True, f
assert d["idle_sessions_survive"] is False and d["idle_next_call"]["ora"] == "ORA-03113", d
PY
[ "$rc" -eq 1 ] || fail "--path 15 s vs EXPIRE_TIME=10: exit $rc"
sed 's/"expiry":"rst-next"/"expiry":"peer-closes"/' $M >"$T/peer.json"
sed 's/"timeout_s":{[^}]*}/"timeout_s":null/; s/"expiry":"rst-next"/"expiry":"none"/' $M >"$T/none.json"
head -c 100 $M >"$T/cut.json"
for c in "peer.json|a server-side idle limit, not a firewall" "none.json|found no idle timeout" \
	"cut.json|cut.json:1:100: " ; do
	out=$(chk --path "$T/${c%%|*}" 2>&1); rc=$?
	[ "$rc" -eq 2 ] && grep -qF "${c#*|}" <<<"$out" || fail "--path ${c%%|*}: exit $rc: $out"
done
out=$(chk --path $M --fw-idle 1h 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q "not with --firewall or --fw-idle" <<<"$out" || fail "--path + --fw-idle: $rc $out"
ok "--path: a saved measurement stands for the firewall; peer-closes, no expiry, cut JSON, two firewalls refused"

# --client-driver: what the driver really does. node-oracledb thin ignores
# ENABLE=BROKEN (warned, with what to use) and turns EXPIRE_TIME=5 into
# 300/1/10, so a dead server is found ~50 s sooner than with
# python-oracledb thin's 300/6/10.
B='(DESCRIPTION=(ENABLE=BROKEN)(ADDRESS=(PROTOCOL=TCP)(HOST=db1)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=orcl)))'
out=$(chk --expire-time 10 --firewall cisco-asa --client-driver node-thin --descriptor "$B")
grep -q "(ENABLE=BROKEN) does nothing with node-oracledb thin.*use (EXPIRE_TIME=n)" <<<"$out" ||
	fail "node-thin ENABLE=BROKEN warning: $out"
n=$(chk --expire-time 10 --fw-idle 3h --client-driver node-thin --descriptor 'db1:1521/orcl?expire_time=5' --json)
p=$(chk --expire-time 10 --fw-idle 3h --client-driver python-thin --descriptor 'db1:1521/orcl?expire_time=5' --json)
python3 - "$n" "$p" <<'PY' || fail "driver keepalives: $n $p"
import json, sys
n, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert n["client"]["keepalive_s"] == [300, 1, 10] and p["client"]["keepalive_s"] == [300, 6, 10], (n, p)
dn, dp = n["dead_server"]["after_s"], p["dead_server"]["after_s"]
assert 310 <= dn <= 340 and 360 <= dp <= 390 and dp - dn > 40, (dn, dp)
PY
out=$(chk --client-driver odbc --fw-idle 1h 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q 'expected native, jdbc-thin, python-thin or node-thin' <<<"$out" || fail "bad driver: $rc $out"
ok "--client-driver: node-thin ignores ENABLE=BROKEN (said, with what to use); 300/1/10 finds a dead server sooner than python-thin's 300/6/10"

# The database's own idle limits: which ends an idle session first. MAX_IDLE_TIME
# 30 min before a 1 h ASA: the database (FIN), the next call ORA-03113, and the
# firewall never drops an idle session: OK. IDLE_TIME without DCD leaves
# SNIPED sessions of vanished clients behind: warned. A release without the
# parameter, a bad value, an init.ora line that is not minutes: refused.
j=$(chk --firewall cisco-asa --init-ora tests/data/init-idle-limits.ora --json)
jq -e '.database.idle_end.by == "max-idle-time" and .database.idle_end.after_s == 1800 and
	.database.idle_end.next_call_ora == "ORA-03113" and .database.max_idle_blocker_time_s == 300 and
	.ok == true' <<<"$j" >/dev/null || fail "init.ora limits before an ASA: $j"
j=$(chk --fw-idle 20m --max-idle-time 30 --json); rc=$?
[ "$rc" -eq 1 ] && jq -e '.database.idle_end.by == "firewall" and .database.idle_end.after_s == 1200 and
	.ok == false' <<<"$j" >/dev/null || fail "a 20 min firewall before MAX_IDLE_TIME 30: $rc $j"
out=$(chk --fw-idle 3h --expire-time 10 --idle-time 15)
grep -q "ended first by the database: profile IDLE_TIME after 15.0 min idle; the client's next call gets ORA-02396" \
	<<<"$out" || fail "IDLE_TIME: $out"
out=$(chk --fw-idle 3h --idle-time 15)
grep -q "a SNIPED session whose client has vanished lingers .* forever" <<<"$out" || fail "SNIPED warning: $out"
out=$(chk --fw-idle 3h --max-idle-time 30 --max-idle-blocker-time 60)
grep -q "MAX_IDLE_BLOCKER_TIME (60.0 min) acts only when shorter than MAX_IDLE_TIME" <<<"$out" ||
	fail "blocker >= max idle: $out"
printf '*.processes=300\n*.max_idle_time=half\n' >"$T/bad.ora"
for c in "--release 12.1 --max-idle-time 30|MAX_IDLE_TIME came with release 12.2" \
	"--release 18c --max-idle-blocker-time 5|MAX_IDLE_BLOCKER_TIME came with release 19c" \
	"--max-idle-time soon|expected minutes" "--init-ora $T/bad.ora|bad.ora:2: max_idle_time = \"half\"" \
	"--init-ora $T/nope.ora|nope.ora: No such file"; do
	out=$(chk --fw-idle 1h ${c%%|*} 2>&1); rc=$?
	[ "$rc" -eq 2 ] && grep -qF -- "${c#*|}" <<<"$out" || fail "${c%%|*}: exit $rc: $out"
done
ok "idle limits: who ends an idle session first (database, firewall), its ORA, SNIPED/blocker warnings, bad input refused"

# --jdbc-properties: JDBC thin's own settings, as the users' files have them.
j=$(chk --expire-time 10 --fw-idle 3h --jdbc-properties tests/data/jdbc-keepalive.properties --json)
jq -e '.client.keepalive_s == [300, 10, 5] and .dead_server.client_keepalive_notices == true' <<<"$j" >/dev/null ||
	fail "jdbc properties 300/10/5: $j"
printf 'oracle.net.TCP_KEEPIDLE=60\n' >"$T/nokeep.properties"
out=$(chk --expire-time 10 --fw-idle 3h --jdbc-properties "$T/nokeep.properties")
grep -q "do nothing without oracle.net.keepAlive=true" <<<"$out" || fail "TCP_KEEPIDLE without keepAlive: $out"
printf 'oracle.net.keepAlive=yes please\n' >"$T/bad.properties"
out=$(chk --fw-idle 3h --jdbc-properties "$T/bad.properties" 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q 'bad.properties:1: oracle.net.keepAlive = "yes please": expected true or false' <<<"$out" ||
	fail "bad properties: $rc $out"
out=$(chk --fw-idle 3h --client-driver node-thin --jdbc-properties tests/data/jdbc-keepalive.properties 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q "is for --client-driver jdbc-thin, not node-thin" <<<"$out" || fail "node + jdbc: $rc $out"
ok "--jdbc-properties: keepAlive with TCP_KEEPIDLE/INTERVAL/COUNT, numbers without keepAlive warned, bad lines named"
