# dcdlab analyze on captures like a database host's, with ground truth:
# tests/tools/realhost.py runs 51 healthy database-like sessions and 10
# faults (crashes mid-answer and idle, a firewall forgetting idle flows, a
# reused port, a path that drops data but passes ACKs) through a conntrack
# firewall on the real kernel, captured on the server's bridge (and with
# -i any: every packet twice). tests/tools/artefacts.py derives variants
# with capture loss, bursts, reordering, copies, cut ends and a missing RST,
# prints the confusion matrix, and holds issue 9's targets: no false alarm
# on clean, duplicated and -i any captures; at most 2 % of healthy sessions
# flagged at 1 % loss and 1 % reordering; at most 5 % of faults missed.
. tests/lib.sh
need_root
command -v tcpdump >/dev/null || skip "needs tcpdump"
command -v nft >/dev/null || skip "needs nft (Debian package nftables)"
timeout 120 python3 tests/tools/realhost.py "$T/rh" || fail "realhost.py could not record the sessions"
[ "$(jq length "$T/rh/truth.json")" -eq 61 ] || fail "truth.json: expected 61 sessions"
python3 tests/tools/artefacts.py "$DCDLAB" "$T/rh" --check || fail "verdicts miss their targets"
ok "real-host captures and their artefact variants: targets held"
for f in "$T"/rh/*.pcap; do
	DCDLAB_CHECK_FASTPATH=1 "$DCDLAB" analyze "$f" >/dev/null 2>"$T/fp.err"
	grep -q ", 0 differ" "$T/fp.err" || fail "$f: $(cat "$T/fp.err")"
done
ok "the steady path equals the general one on every segment of them"
