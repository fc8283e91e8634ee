# dcdlab analyze on captures with known answers:
#  - hand-built edge cases (tests/tools/mkpcap.py) against their ground truth;
#  - real-kernel captures (scripts/make-captures, committed under
#    tests/data/captures) against their golden JSON;
#  - agreement with tshark's keep_alive / keep_alive_ack on all of them,
#    except the documented cases where tshark is wrong;
#  - stdin, --fail-on, --flow, --svg, and usage errors.
. tests/lib.sh
command -v python3 >/dev/null || skip "needs python3"
D=tests/data/captures

python3 tests/tools/mkpcap.py "$T/hand" || fail "mkpcap.py"
python3 tests/tools/check_truth.py "$DCDLAB" "$T/hand" || fail "hand-built captures disagree with their ground truth"
ok "hand-built captures match their ground truth"

for f in "$D"/*.pcap; do
	"$DCDLAB" analyze --json "$f" >"$T/out.json" || fail "$f: exit $?"
	diff -u "${f%.pcap}.json" "$T/out.json" || fail "$f: output differs from ${f%.pcap}.json"
done
ok "real-kernel captures: output equals the golden JSON"

# The analyzer's steady path (header prediction) against its general one,
# segment by segment, on every capture here and a synthetic busy host.
"$BUILD/tools/gen_capture" "$T/il.pcap" 300 6 2 interleaved >/dev/null || fail "gen_capture"
for f in "$T"/hand/*.pcap "$D"/*.pcap "$T/il.pcap"; do
	DCDLAB_CHECK_FASTPATH=1 "$DCDLAB" analyze "$f" >/dev/null 2>"$T/fp.err"
	grep -q ", 0 differ" "$T/fp.err" || fail "$f: $(cat "$T/fp.err")"
done
ok "the steady path equals the general one on every segment it takes"

# A capture large enough for the pager thread (capture/pcapfile.c), read
# with it (two CPUs), without it (one), and from stdin (libpcap, a packet
# at a time, no batches): the same report.
"$BUILD/tools/gen_capture" "$T/big.pcap" 3000 12 2 interleaved >/dev/null || fail "gen_capture"
[ "$(stat -c %s "$T/big.pcap")" -gt $((16 << 20)) ] || fail "big.pcap is too small for the pager"
[ "$(nproc)" -ge 2 ] || fail "this check needs two CPUs"
"$DCDLAB" analyze --json "$T/big.pcap" >"$T/big.paged" || fail "analyze big.pcap"
taskset -c 0 "$DCDLAB" analyze --json "$T/big.pcap" >"$T/big.one" || fail "analyze big.pcap on one CPU"
"$DCDLAB" analyze --json - <"$T/big.pcap" >"$T/big.stdin" || fail "analyze big.pcap from stdin"
cmp -s "$T/big.paged" "$T/big.one" || fail "big.pcap: the paged read differs from the plain one"
cmp -s "$T/big.paged" "$T/big.stdin" || fail "big.pcap: the mapped read differs from stdin's"
ok "a large capture reads the same paged, unpaged and from stdin"

# Only this check needs tshark: the others run without it, and the test
# then says SKIPPED at its end (which CI counts as a failure).
no_tshark=
if command -v tshark >/dev/null; then
	python3 tests/tools/tshark_compare.py "$DCDLAB" tests/data/tshark-known-wrong.txt "$T"/hand/*.pcap "$D"/*.pcap ||
		fail "keepalive flags differ from tshark outside the documented cases"
	ok "keepalive / keepalive ACK flags agree with tshark, but for the documented cases"
else
	no_tshark=1
fi

# stdin, and --fail-on for CI.
"$DCDLAB" analyze --json - <"$D/dead-client.pcap" | diff -u "$D/dead-client.json" - || fail "stdin differs"
"$DCDLAB" analyze --fail-on dead-peer,firewall-drop "$D/keepalive-alive.pcap" >/dev/null || fail "--fail-on matched an alive flow"
"$DCDLAB" analyze --fail-on dead-peer,firewall-drop "$D/fw-rst.pcap" >/dev/null
[ $? -eq 1 ] || fail "--fail-on firewall-drop did not exit 1 on fw-rst"
ok "stdin; --fail-on exits 1 only when a verdict matches"

# One flow's timeline and its picture.
"$DCDLAB" analyze --flow 1 "$D/dead-client.pcap" >"$T/tl.txt" || fail "--flow"
grep -q "keepalive$" "$T/tl.txt" && grep -q "evidence: pkt" "$T/tl.txt" || fail "timeline: $(cat "$T/tl.txt")"
"$DCDLAB" analyze --flow 198.51.100.2:1521 --svg "$T/f.svg" --fw-timeout 3s "$D/fw-silent-drop.pcap" >/dev/null ||
	fail "--svg"
python3 -c 'import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); assert d.documentElement.tagName == "svg"' "$T/f.svg" ||
	fail "the SVG is not well-formed XML"
grep -q "verdict: firewall-drop" "$T/f.svg" && grep -q 'class="entry"' "$T/f.svg" ||
	fail "the ladder lacks the verdict or the 3 s timeout's entry"
ok "--flow timeline and --svg ladder (verdict, a 3 s firewall's entry drawn)"

run() { # WANT-EXIT WANT-TEXT ARGS...
	local want=$1 text=$2 out
	shift 2
	out=$("$DCDLAB" analyze "$@" 2>&1)
	[ $? -eq "$want" ] || fail "analyze $*: exit $?, expected $want: $out"
	grep -qF -- "$text" <<<"$out" || fail "analyze $*: no \"$text\" in: $out"
}
run 2 "missing FILE" 
run 2 "--fail-on \"deadpeer\": expected verdicts among" --fail-on deadpeer x.pcap
run 2 "--svg draws one flow" --svg x.svg "$D/fw-rst.pcap"
run 3 "nosuch.pcap: No such file or directory" nosuch.pcap
run 2 "--flow 99: no such flow" --flow 99 "$D/fw-rst.pcap"
run 3 "--svg /dev/full: No space left on device" --flow 1 --svg /dev/full "$D/dead-client.pcap"
head -c 100 /dev/urandom >"$T/garbage.pcap"
run 3 "garbage.pcap: unknown file format" "$T/garbage.pcap"
ok "usage and input errors name what was wrong"
[ -z "$no_tshark" ] || skip "the tshark agreement check needs tshark (Debian package tshark); every other check passed"
