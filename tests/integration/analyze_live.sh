# dcdlab analyze -i: live capture on the server's interface in a lab
# namespace, dropping root for "nobody" after opening the device (like
# tcpdump -Z), while a client vanishes; the verdict is dead-peer.
. tests/lib.sh
command -v nft >/dev/null || skip "needs nft"
netns_pair
id nobody >/dev/null 2>&1 || skip "no user nobody to drop privileges to"

bg ip netns exec "$SRV" "$DCDLAB" listen -l 192.0.2.1:1521 --keepidle 2 --keepintvl 1 --keepcnt 3 \
	--exit-after 1 --duration 30
wait_listening "$SRV" 1521
ip netns exec "$SRV" "$DCDLAB" analyze -i vs -Z nobody --duration 9s --json >"$T/live.json" 2>"$T/live.err" &
apid=$!
_pids+=($apid)
sleep 1
# The analyzer runs as nobody once the device is open.
[ "$(ps -o user= -p "$apid" 2>/dev/null | tr -d ' ')" = nobody ] ||
	[ "$(ps -o user= --ppid "$apid" 2>/dev/null | tr -d ' ')" = nobody ] || fail "analyze did not drop root"
bg ip netns exec "$CLI" "$DCDLAB" connect --connect-timeout 5s --plan "call, idle 60s" 192.0.2.1:1521/orcl
sleep 0.5
cut_client
wait "$apid"
rc=$?
cat "$T/live.json" "$T/live.err"
[ "$rc" -eq 0 ] || fail "analyze -i exited $rc"
jq -e -s 'map(select(.type == "flow")) | .[0].verdict == "dead-peer" and .[0].keepalive.count == 3' "$T/live.json" >/dev/null ||
	fail "live capture: expected one dead-peer flow with 3 unanswered probes"
ok "live capture as nobody: dead-peer, 3 unanswered probes"
