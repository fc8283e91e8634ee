# dcdlab connect reports what a real client would show, with exit codes:
# no listener (ORA-12541, 3), server gone mid-session (ORA-03113, 4), reset by
# a middlebox (ORA-03113, 4), a call unanswered in time (ORA-03135, 4), the
# client's own keepalive finding the server dead while idle (ORA-03135, 4).
. tests/lib.sh
command -v nft >/dev/null || skip "needs nft"
netns_pair
C="ip netns exec $CLI $DCDLAB connect --connect-timeout 3s"

expect() { # WANT-EXIT WANT-TEXT CMD...
	local want=$1 text=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	echo "$out"
	[ "$rc" -eq "$want" ] || fail "exit $rc, expected $want: $*"
	grep -q -- "$text" <<<"$out" || fail "no \"$text\" in the output of: $*"
	ok "exit $rc with $text"
}

expect 3 "ORA-12541: TNS:no listener" $C 192.0.2.1:1521/orcl

bg ip netns exec "$SRV" "$DCDLAB" listen -l 192.0.2.1:1521 --duration 60
lpid=${_pids[-1]}
wait_listening "$SRV" 1521
expect 4 "ORA-03135: connection lost contact (no answer within the call timeout of 1 s)" \
	$C --call-timeout 1s --plan "call, call 3s" 192.0.2.1:1521/orcl

# The server goes away while the client idles: its next call reads EOF.
$C --plan "call, idle 2s, call" 192.0.2.1:1521/orcl >"$T/eof.out" 2>&1 &
cpid=$!
sleep 1
kill "$lpid"
wait "$cpid"
rc=$?
cat "$T/eof.out"
[ "$rc" -eq 4 ] && grep -q "call 2: ORA-03113: end-of-file on communication channel" "$T/eof.out" ||
	fail "server gone mid-session: exit $rc, expected 4 and ORA-03113 on call 2"
ok "server gone: call 2 fails with ORA-03113"

# A middlebox resets the session (the server's side answers with RST).
bg ip netns exec "$SRV" "$DCDLAB" listen -l 192.0.2.1:1522 --duration 60
wait_listening "$SRV" 1522
$C --plan "call, idle 2s, call" 192.0.2.1:1522/orcl >"$T/rst.out" 2>&1 &
cpid=$!
sleep 1
ip netns exec "$SRV" nft -f - <<'NFT' || fail "nft"
table inet dcdlab_rst {
	chain in { type filter hook input priority -300; tcp dport 1522 reject with tcp reset; }
}
NFT
wait "$cpid"
rc=$?
cat "$T/rst.out"
[ "$rc" -eq 4 ] && grep -qE "call 2: ORA-03113: .*reset" "$T/rst.out" ||
	fail "reset: exit $rc, expected 4 and ORA-03113 (connection reset) on call 2"
ok "reset by a middlebox: call 2 fails with ORA-03113"
ip netns exec "$SRV" nft delete table inet dcdlab_rst

# Client-side DCD: the server's host vanishes while the client idles; the
# client's keepalive (1/1/2) kills the socket, and the next call says so.
bg ip netns exec "$SRV" "$DCDLAB" listen -l 192.0.2.1:1523 --duration 60
wait_listening "$SRV" 1523
$C --keepidle 1 --keepintvl 1 --keepcnt 2 --plan "call, idle 6s, call" 192.0.2.1:1523/orcl >"$T/ka.out" 2>&1 &
cpid=$!
sleep 0.5
ip netns exec "$SRV" nft -f - <<'NFT' || fail "nft"
table inet dcdlab_cut {
	chain in { type filter hook input priority -300; policy drop; }
}
NFT
wait "$cpid"
rc=$?
cat "$T/ka.out"
[ "$rc" -eq 4 ] && grep -qE "call 2: ORA-03135: connection lost contact \(.*Connection timed out" "$T/ka.out" ||
	fail "client keepalive: exit $rc, expected 4 and ORA-03135 (Connection timed out) on call 2"
ok "client keepalive found the server dead: call 2 fails with ORA-03135"
