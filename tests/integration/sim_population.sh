# dcdlab sim --sessions: many sessions at real scale. The same seed gives
# the same numbers on 1 or 2 threads; DCD (EXPIRE_TIME=10) behind a 1 h
# firewall keeps every session that did not crash and finds crashed
# clients within idle + 10 probes; without DCD long idle gaps fail and
# crashed clients stay; bad options are named.
. tests/lib.sh
strip() { sed 's/,"wall_s".*//'; }
a=$("$DCDLAB" sim --sessions 20000 --threads 1 --json scenarios/real/asa-1h-no-dcd.scn | strip)
b=$("$DCDLAB" sim --sessions 20000 --threads 2 --json scenarios/real/asa-1h-no-dcd.scn | strip)
[ -n "$a" ] && [ "$a" = "$b" ] || fail "1 and 2 threads differ: $a / $b"
c=$("$DCDLAB" sim --sessions 20000 --seed 2 --json scenarios/real/asa-1h-no-dcd.scn | strip)
[ "$a" != "$c" ] || fail "another seed gave the same numbers"
ok "deterministic: the same seed, the same numbers on 1 and 2 threads; another seed differs"

python3 - "$DCDLAB" <<'PY' || fail "population outcomes"
import json, subprocess, sys
def run(f, *extra):
    out = subprocess.run([sys.argv[1], "sim", "--sessions", "20000", "--json", *extra, f],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)
dcd = run("scenarios/real/asa-1h-expire-10.scn")
assert dcd["failed"] == 0 and dcd["fw_expired"] == 0, dcd
assert dcd["survived"] + dcd["crashed"] == dcd["sessions"], dcd
# a crashed client is found 600 s after its last packet + 10 probes 6 s
# apart, unless a long query's answer was in flight (retransmissions rule)
assert dcd["detected"] >= 0.98 * dcd["crashed"], dcd
assert 0 < dcd["detect_s"]["p50"] <= 660 + 10 and dcd["detect_s"]["p90"] <= 660 + 10, dcd
none = run("scenarios/real/asa-1h-no-dcd.scn")
assert none["failed"] > 0.9 * none["sessions"] and none["ora_03135"] == none["failed"], none
assert none["first_failure_s"] > 3600, none   # nothing fails before the 1 h timeout
assert none["stale"] > 0.9 * none["crashed"], none
# Gaps log-uniform from 1 s to 65 min: a gap outlives the 1 h firewall
# with p = ln(65/60)/ln(3900) = 0.0097; about 86400 s / 471 s (the mean
# gap) = 183 gaps a day, so (1 - p)^183 = 0.17 of sessions survive. A
# session that stopped calling after its 64th call (a bug) made 0.54.
long = run("scenarios/real/asa-1h-no-dcd.scn", "--max-gap", "65m", "--crash-share", "0")
share = long["survived"] / long["sessions"]
assert 0.12 < share < 0.22, long
nogap = run("scenarios/real/asa-1h-no-dcd.scn", "--max-gap", "30m", "--crash-share", "0")
assert nogap["failed"] == 0 and nogap["survived"] == nogap["sessions"], nogap
print("ok: DCD keeps", dcd["survived"], "sessions, finds", dcd["detected"], "of",
      dcd["crashed"], "crashed clients (p90", dcd["detect_s"]["p90"], "s); without it",
      none["failed"], "fail, the first after", round(none["first_failure_s"] / 60, 1), "min")
PY

out=$("$DCDLAB" sim --sessions 0 scenarios/real/asa-1h-no-dcd.scn 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q -- '--sessions "0": expected 1 to 100000000' <<<"$out" || fail "--sessions 0: $rc $out"
out=$("$DCDLAB" sim --sessions 10 --hours x scenarios/real/asa-1h-no-dcd.scn 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q -- '--hours "x"' <<<"$out" || fail "--hours x: $rc $out"
out=$("$DCDLAB" sim --sessions 10 a.scn b.scn 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q "one scenario file" <<<"$out" || fail "two files: $rc $out"
printf 'name x\nfirewall conntrack idle 3s expiry loud\nexpect session survives\n' >"$T/bad.scn"
out=$("$DCDLAB" sim "$T/bad.scn" scenarios/dcd-keeps-alive.scn 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -q 'bad.scn:2: expiry "loud"' <<<"$out" && grep -q "PASS" <<<"$out" ||
	fail "bad file: $rc $out"
ok "bad options and files: named, exit 2, the good scenario still simulated"
