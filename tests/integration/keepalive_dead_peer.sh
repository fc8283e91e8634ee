# A client vanishes (its host drops every packet); the server's keepalive,
# lab-scaled to 2/1/3, must notice within 10% of IDLE + INTVL*CNT = 5 s.
# Checked three ways: getsockopt (accept event), the kernel's own timer
# through inet_diag (kernel events), and the detection time (dead-peer).
. tests/lib.sh
command -v nft >/dev/null || skip "needs nft (Debian package nftables)"
netns_pair

bg ip netns exec "$SRV" "$DCDLAB" listen -l 192.0.2.1:1521 --sqlnet etc/sqlnet.ora \
	--keepidle 2 --keepintvl 1 --keepcnt 3 --diag-interval 100ms \
	--events "$T/ev.json" --metrics 192.0.2.1:9464 --duration 30
wait_listening "$SRV" 1521
bg ip netns exec "$CLI" "$DCDLAB" connect --connect-timeout 5s --plan "call, idle 60s" \
	192.0.2.1:1521/orcl
wait_for "$T/ev.json" '.event == "connect"' 50 || fail "client never connected"
wait_for "$T/ev.json" '.event == "kernel" and .timer == "keepalive"' 30 ||
	fail "inet_diag never showed a keepalive timer"
cut_client
wait_for "$T/ev.json" '.event == "dead-peer"' 150 || fail "no dead peer reported"
cat "$T/ev.json"

acc=$(first "$T/ev.json" '.event == "accept"')
[ "$(jq '[.so_keepalive, .tcp_keepidle_s, .tcp_keepintvl_s, .tcp_keepcnt]' -c <<<"$acc")" = "[1,2,1,3]" ] ||
	fail "getsockopt read back $acc, expected SO_KEEPALIVE=1 2/1/3"
ok "getsockopt: SO_KEEPALIVE=1 TCP_KEEPIDLE=2 TCP_KEEPINTVL=1 TCP_KEEPCNT=3"

k=$(first "$T/ev.json" '.event == "kernel" and .timer == "keepalive"')
exp=$(jq .expires_ms <<<"$k")
[ "$exp" -gt 0 ] && [ "$exp" -le 2000 ] || fail "inet_diag keepalive timer expires in $exp ms, expected (0, 2000]"
probes=$(jq -s '[.[] | select(.event == "kernel" and .timer == "keepalive") | .retrans] | max' "$T/ev.json")
[ "$probes" -ge 2 ] || fail "inet_diag showed at most $probes keepalive probes sent, expected to watch them count up"
ok "inet_diag: keepalive timer at ${exp} ms, probes counted up to $probes"

d=$(first "$T/ev.json" '.event == "dead-peer"')
[ "$(jq -r .cause <<<"$d")" = keepalive-timeout ] || fail "cause: $d"
[ "$(jq .tcpi_probes <<<"$d")" -eq 3 ] || fail "TCP_INFO shows $(jq .tcpi_probes <<<"$d") probes, expected KEEPCNT=3"
secs=$(jq .since_last_packet_s <<<"$d")
within "$secs" 5 10 || fail "dead peer noticed after $secs s, expected 5 s +- 10%"
ok "dead peer: keepalive-timeout after $secs s (expected 5 s), 3 probes unanswered"

m=$(ip netns exec "$SRV" curl -sf http://192.0.2.1:9464/metrics) || fail "no /metrics"
grep -qx 'dcdlab_dead_peers_total{cause="keepalive-timeout"} 1' <<<"$m" || fail "metrics: $m"
grep -qx 'dcdlab_sessions_active 0' <<<"$m" || fail "metrics: $m"
ok "metrics: dead peers by cause, keepalive-timeout 1"
