# Legacy DCD (an 11.2 server): 10-byte TNS DATA probes on idle sessions at
# the configured interval (lab-scaled to 1 s), seen on the wire with
# tcpdump; after the client vanishes the probe is never ACKed and the
# server finds the dead peer by retransmission timeout, with tcp_retries2=2
# in the test's own namespace (3 puts the kernel's give-up on a knife edge:
# the check at the fourth RTO compares ~2.98 s against 3.0 s). The figure
# is held to the simulator's for the same settings (library scenario
# dead-client-ns-probes, itself held to the kernel by sim_fidelity): the
# textbook tcp_model_timeout, (2^3 - 1) * 200 ms = 1.4 s after the first
# unanswered probe, about 2.4 s after the client's last packet, would fail.
. tests/lib.sh
command -v nft >/dev/null || skip "needs nft (Debian package nftables)"
command -v tcpdump >/dev/null || skip "needs tcpdump"
netns_pair
ip netns exec "$SRV" sysctl -qw net.ipv4.tcp_retries2=2 || fail "sysctl tcp_retries2 in $SRV"

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
[ "$(jq .tcpi_retransmits <<<"$d")" -ge 2 ] || fail "fewer than tcp_retries2=2 retransmissions: $d"
secs=$(jq .since_last_packet_s <<<"$d")
want=$("$DCDLAB" sim --json scenarios/dead-client-ns-probes.scn |
	jq '.scenarios[0].outcome.sessions[0].server_end.since_last_packet_s')
# The fidelity test's tolerance, max(5%, 200 ms), plus the probe's phase:
# here the cut comes just after an answered probe, there a crash 0.46 s
# before the first probe: the client's last packet is ~1 s before the first
# unanswered probe in both.
awk -v s="$secs" -v w="$want" 'BEGIN { t = w * 0.05; if (t < 0.3) t = 0.3;
	exit !(s >= w - t && s <= w + t) }' ||
	fail "dead peer $secs s after the client's last packet, the simulator says $want s"
ok "dead peer: retransmission-timeout after $secs s without a packet from the client (simulator: $want s)"
