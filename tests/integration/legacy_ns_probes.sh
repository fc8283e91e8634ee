# Legacy DCD (an 11.2 server): 10-byte TNS DATA probes on idle sessions at
# the configured interval (lab-scaled to 1 s), seen on the wire with
# tcpdump; after the client vanishes the probe is never ACKed and the
# server finds the dead peer by retransmission timeout. tcp_retries2 is
# shortened to 3 inside the test's own namespace. The textbook model
# (tcp_model_timeout: (2^(3+1) - 1) * 200 ms) says 3.0 s after the first
# unACKed probe; Linux 6.18 was measured giving up 6.66 s after it (5
# retransmissions, 207..3331 ms, then ETIMEDOUT on the next RTO). The test
# asserts what must hold either way: the probe is data, so the kernel
# retransmits it, never sends keepalive probes, and gives up within
# probe interval + 10 s of the client's last packet.
. tests/lib.sh
command -v nft >/dev/null || skip "needs nft (Debian package nftables)"
command -v tcpdump >/dev/null || skip "needs tcpdump"
netns_pair
ip netns exec "$SRV" sysctl -qw net.ipv4.tcp_retries2=3 || fail "sysctl tcp_retries2 in $SRV"

bg ip netns exec "$SRV" tcpdump --immediate-mode -i vs -n -tt -l -U -w "$T/wire.pcap" 'tcp port 1521'
bg ip netns exec "$SRV" "$DCDLAB" listen -l 192.0.2.1:1521 --release 11.2 --expire-time 1 \
	--probe-interval 1s --events "$T/ev.json" --exit-after 1 --duration 40
wait_listening "$SRV" 1521
sleep 0.5 # let tcpdump attach
bg ip netns exec "$CLI" "$DCDLAB" connect --connect-timeout 5s --plan "call, idle 60s" \
	192.0.2.1:1521/orcl
wait_for "$T/ev.json" '.event == "ns-probe" and .probe == 4' 80 || fail "fewer than 4 NS probes in 8 s"
cut_client
wait_for "$T/ev.json" '.event == "dead-peer"' 150 || fail "no dead peer reported"
sleep 0.3
cat "$T/ev.json"

# On the wire: TCP segments from the server carrying exactly 10 bytes.
tcpdump -n -tt -r "$T/wire.pcap" 'src host 192.0.2.1 and tcp[tcpflags] & tcp-syn == 0' 2>/dev/null |
	grep -E 'length 10$' >"$T/probes.txt"
cat "$T/probes.txt"
n=$(wc -l <"$T/probes.txt")
[ "$n" -ge 4 ] || fail "$n 10-byte DATA packets on the wire, expected at least 4"
# Spacing of the first four (before the cut: no retransmissions yet).
head -4 "$T/probes.txt" | awk '{ t[NR] = $1 } END {
	for (i = 2; i <= NR; i++) { d = t[i] - t[i-1]; printf "gap %.3f s\n", d;
		if (d < 0.9 || d > 1.1) bad = 1 }
	exit bad }' || fail "NS probes not 1 s +- 10% apart"
ok "$n 10-byte NS probes on the wire, 1 s apart"

d=$(first "$T/ev.json" '.event == "dead-peer"')
[ "$(jq -r .cause <<<"$d")" = retransmission-timeout ] || fail "cause: $d"
[ "$(jq .tcpi_probes <<<"$d")" -eq 0 ] || fail "keepalive probes counted in legacy mode: $d"
[ "$(jq .tcpi_retransmits <<<"$d")" -ge 3 ] || fail "fewer than tcp_retries2=3 retransmissions: $d"
secs=$(jq .since_last_packet_s <<<"$d")
awk -v s="$secs" 'BEGIN { exit !(s >= 3.0 && s <= 11.0) }' ||
	fail "dead peer $secs s after the client's last packet, expected 3 s to 11 s"
ok "dead peer: retransmission-timeout after $secs s without a packet from the client"
