# SQLNET.EXPIRE_TIME=10 from the bundled sqlnet.ora on a 19c server: every
# accepted session has SO_KEEPALIVE with TCP_KEEPIDLE=600, TCP_KEEPINTVL=6,
# TCP_KEEPCNT=10, and `ss -tno` shows timer:(keepalive,9min5x sec,0) -
# over IPv4 and IPv6 alike (the listener binds [::], dual-stack).
. tests/lib.sh
netns_pair
grep -qi '^SQLNET.EXPIRE_TIME *= *10' etc/sqlnet.ora || fail "etc/sqlnet.ora no longer sets EXPIRE_TIME=10"

bg ip netns exec "$SRV" "$DCDLAB" listen -l [::]:1521 --sqlnet etc/sqlnet.ora \
	--release 19c --diag-interval 200ms --events "$T/ev.json" --duration 30
wait_listening "$SRV" 1521
for server in 192.0.2.1 192.0.2.1 '[2001:db8::1]'; do
	bg ip netns exec "$CLI" "$DCDLAB" connect --connect-timeout 5s --plan "call, idle 60s" \
		"$server:1521/orcl"
done
n=0
for ((i = 0; i < 50 && n < 3; i++)); do
	n=$(jq -s '[.[] | select(.event == "kernel" and .timer == "keepalive")] | length' "$T/ev.json" 2>/dev/null || echo 0)
	sleep 0.1
done
[ "$n" -eq 3 ] || fail "inet_diag showed a keepalive timer on $n sessions, expected 3"
jq -e -s 'map(select(.event == "connect")) | any(.peer | startswith("[2001:db8::2]"))' "$T/ev.json" >/dev/null ||
	fail "no session over IPv6"
ss_out=$(ip netns exec "$SRV" ss -tno state established '( sport = :1521 )')
echo "$ss_out"
n=$(grep -cE 'timer:\(keepalive,(9min5[0-9]sec|10min),0\)' <<<"$ss_out")
[ "$n" -eq 3 ] || fail "ss -tno shows $n sessions with timer:(keepalive,~10min,0), expected 3"
ok "ss -tno: 3 sessions with timer:(keepalive,9min5x sec,0)"

n=$(jq -s '[.[] | select(.event == "accept" and .so_keepalive == 1 and .tcp_keepidle_s == 600 and .tcp_keepintvl_s == 6 and .tcp_keepcnt == 10)] | length' "$T/ev.json")
[ "$n" -eq 3 ] || fail "getsockopt confirmed 600/6/10 on $n sessions, expected 3"
ok "getsockopt: SO_KEEPALIVE=1 TCP_KEEPIDLE=600 TCP_KEEPINTVL=6 TCP_KEEPCNT=10 on all 3"

k=$(first "$T/ev.json" '.event == "kernel" and .timer == "keepalive"')
exp=$(jq .expires_ms <<<"$k")
[ "$exp" -gt 590000 ] && [ "$exp" -le 600000 ] || fail "inet_diag: keepalive expires in $exp ms, expected ~600000"
ok "inet_diag: keepalive timer expires in $exp ms"
