# A real client: the node-oracledb thin driver (pure JavaScript) against
# dcdlab listen. The listener must read the driver's CONNECT, record the
# descriptor's EXPIRE_TIME, and its REFUSE must reach the driver: the driver
# turns ERR=12514 into NJS-518 and ERR=12505 into NJS-519 (lib/thin/sqlnet/
# networkSession.js), so two distinct driver errors prove it read our codes.
. tests/lib.sh
command -v node >/dev/null || skip "needs node (Debian package nodejs)"
[ -d tests/node/node_modules/oracledb ] || skip "needs the npm package oracledb: run scripts/setup"
netns_pair

bg ip netns exec "$SRV" "$DCDLAB" listen -l 192.0.2.1:1521 --service orcl --events "$T/ev.json" \
	--duration 60
wait_listening "$SRV" 1521
desc() { echo "(DESCRIPTION=(EXPIRE_TIME=3)(ADDRESS=(PROTOCOL=TCP)(HOST=192.0.2.1)(PORT=1521))(CONNECT_DATA=($1)))"; }

# 1. Known service: ACCEPT; the driver holds the session with client DCD on.
bg ip netns exec "$CLI" node tests/node/client.js "$(desc SERVICE_NAME=orcl)" 20000
wait_for "$T/ev.json" '.event == "connect"' 100 || fail "the listener never saw the driver's CONNECT"
c=$(first "$T/ev.json" '.event == "connect"')
echo "$c"
[ "$(jq -r .service <<<"$c")" = orcl ] || fail "service: $c"
[ "$(jq .client_expire_time_min <<<"$c")" -eq 3 ] || fail "EXPIRE_TIME not recorded: $c"
ok "listener recorded the driver's descriptor: service orcl, EXPIRE_TIME=3"
# node-oracledb calls setKeepAlive(true, 3*60000) on its socket (ntTcp.js).
sleep 0.5
ss_out=$(ip netns exec "$CLI" ss -tno state established '( dport = :1521 )')
echo "$ss_out"
grep -qE 'timer:\(keepalive,(2min5[0-9]sec|3min),0\)' <<<"$ss_out" ||
	fail "the driver's socket has no ~3 min keepalive timer"
ok "driver socket: timer:(keepalive,~3min) from EXPIRE_TIME=3"
# dcdlab inspect on the client side names the driver by its settings:
# libuv fixes the interval at 1 s and the count at 10 (node-oracledb thin).
j=$("$DCDLAB" inspect --netns "$CLI" --json) || fail "inspect on the client side: exit $?"
python3 - "$j" <<'PY' || fail "inspect of the driver's socket: $j"
import json, sys
(s,) = json.loads(sys.argv[1])["sessions"]
assert s["settings"] == "read" and "node" in s["command"], s
assert (s["keepidle_s"], s["keepintvl_s"], s["keepcnt"]) == (180, 1, 10), s
assert s["profile"] == "node-oracledb-thin" and s["expire_time_min"] == 3, s
PY
ok "inspect: the driver's socket is 180/1/10, node-oracledb thin with expireTime=3"

# 2. Unknown service: REFUSE ERR=12514 -> NJS-518 naming the service.
out=$(ip netns exec "$CLI" timeout 20 node tests/node/client.js "$(desc SERVICE_NAME=nosuch)" 10000)
echo "$out"
[ "$(jq -r .code <<<"$out")" = NJS-518 ] || fail "expected NJS-518 (ORA-12514), got $out"
jq -r .message <<<"$out" | grep -q '"nosuch" is not registered' || fail "message: $out"
wait_for "$T/ev.json" '.event == "refuse" and .refuse_err == 12514' 30 || fail "no REFUSE 12514 event"
ok "unknown service: listener sent ORA-12514, driver raised NJS-518"

# 3. Unknown SID: REFUSE ERR=12505 -> NJS-519.
out=$(ip netns exec "$CLI" timeout 20 node tests/node/client.js "$(desc SID=nosid)" 10000)
echo "$out"
[ "$(jq -r .code <<<"$out")" = NJS-519 ] || fail "expected NJS-519 (ORA-12505), got $out"
wait_for "$T/ev.json" '.event == "refuse" and .refuse_err == 12505' 30 || fail "no REFUSE 12505 event"
ok "unknown SID: listener sent ORA-12505, driver raised NJS-519"

# 4. (ENABLE=BROKEN) does nothing in node-oracledb thin: no keepalive timer
# on its socket (dcdlab's node-thin profile says so, and warns).
broken="(DESCRIPTION=(ENABLE=BROKEN)(ADDRESS=(PROTOCOL=TCP)(HOST=192.0.2.1)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=orcl)))"
bg ip netns exec "$CLI" node tests/node/client.js "$broken" 5000
wait_for "$T/ev.json" '.event == "connect" and .client_enable_broken == true' 100 ||
	fail "the listener never saw the ENABLE=BROKEN CONNECT"
sleep 0.5
j=$("$DCDLAB" inspect --netns "$CLI" --json) || fail "inspect: exit $?"
python3 - "$j" <<'PY' || fail "the ENABLE=BROKEN socket: $j"
import json, sys
ss = [s for s in json.loads(sys.argv[1])["sessions"] if s["keepidle_s"] != 180]
assert len(ss) == 1 and ss[0]["so_keepalive"] is False, ss
PY
"$DCDLAB" check --fw-idle 3h --client-driver node-thin --descriptor "$broken" |
	grep -q "(ENABLE=BROKEN) does nothing with node-oracledb thin" || fail "check does not warn"
ok "ENABLE=BROKEN: the driver's socket has no keepalive, as the node-thin profile says"

# 5. A dead server, found by the driver's own keepalive when the node-thin
# profile says: EXPIRE_TIME=1 is 60/1/10, so the driver's kernel gives up
# about 70 s after the last packet; dcdlab check simulates the same.
desc1="(DESCRIPTION=(EXPIRE_TIME=1)(ADDRESS=(PROTOCOL=TCP)(HOST=192.0.2.1)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=orcl)))"
want=$("$DCDLAB" check --fw-idle 3h --client-driver node-thin --descriptor "$desc1" --json |
	jq -r '.dead_server | "\(.after_s) \(.best_s)"')
read -r worst best <<<"$want"
n0=$(jq -s 'map(select(.event == "connect")) | length' "$T/ev.json")
t0=$(date +%s.%N)
ip netns exec "$CLI" timeout 120 node tests/node/client.js "$desc1" 110000 >"$T/dead.out" &
npid=$!
_pids+=($npid)
for _ in $(seq 100); do
	[ "$(jq -s 'map(select(.event == "connect")) | length' "$T/ev.json")" -gt "$n0" ] && break
	sleep 0.1
done
t_conn=$(date +%s.%N)
sleep 1
ip netns exec "$SRV" nft -f - <<'NFT' || fail "nft in $SRV"
table inet dcdlab_cut {
	chain in { type filter hook input priority -300; policy drop; }
	chain out { type filter hook output priority -300; policy drop; }
}
NFT
wait "$npid"
t_end=$(date +%s.%N)
cat "$T/dead.out"
took=$(printf '%.1f' "$(echo "$t_end - $t_conn" | bc)")
echo "driver gave up ${took} s after its session's last packet; dcdlab's node-thin model: ${best}-${worst} s"
grep -q '"code"' "$T/dead.out" || fail "the driver did not report the dead server: $(cat "$T/dead.out")"
# the session went idle right after its connect (the crash a second later
# changes nothing): the model's worst case, a crash right after the last
# packet, is the figure to meet
awk -v t="$took" -v w="$worst" 'BEGIN { exit !(t >= w - 3 && t <= w + 3) }' ||
	fail "dead server found after $took s; the node-thin model says $worst s"
ok "dead server: node-oracledb thin gave up after $took s (EXPIRE_TIME=1: 60/1/10); the model says $worst s"
