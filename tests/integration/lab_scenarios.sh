# dcdlab lab run: the scenario library on the real kernel (every
# expectation must hold), the reports (JSON, JUnit), a scenario whose
# expectation is wrong (exit 1, artifacts kept and readable), a bad
# scenario file (file:line, the others still run), Ctrl-C (exit 130,
# nothing left), and the host untouched throughout.
. tests/lib.sh
need_root
labns() { ip netns list | awk '{print $1}' | grep '^dcdlab-lab-' ; }
# The runs that fail keep their captures and logs in $TMPDIR/dcdlab-lab-*:
# in this test's directory, removed with it.
export TMPDIR="$T"
host_links_before=$(ip -o link show | awk -F': ' '{print $2}' | sort)
n_files=$(ls scenarios/*.scn | wc -l)

"$DCDLAB" lab run -j 8 --json --junit "$T/junit.xml" --svg "$T/svg" scenarios/*.scn \
	>"$T/lib.json" 2>"$T/lib.txt"
rc=$?
cat "$T/lib.txt"
[ "$rc" -eq 0 ] || fail "the scenario library: exit $rc"
python3 - "$T/lib.json" "$T/junit.xml" "$n_files" <<'PY' || fail "reports"
import json, sys, xml.etree.ElementTree as ET
doc = json.load(open(sys.argv[1]))
n = int(sys.argv[3])
sc = doc["scenarios"]
assert len(sc) == n and doc["passed"] == n and doc["failed"] == 0, (len(sc), doc["passed"])
by = {s["name"]: s for s in sc}
for s in sc:
    assert s["passed"] and s["expectations"], s["name"]
    assert all(e["ok"] for e in s["expectations"]), s["name"]
    if "measured" in s["outcome"]:   # client measure: its finding is the story
        assert s["outcome"]["measured"]["opened"] >= 2 and s["timeline"], s["name"]
    else:
        assert len(s["timeline"]) >= 3, s["name"]
# a few outcomes read straight from the report, beyond the files' own checks
o = by["dead-client-keepalive"]["outcome"]["sessions"][0]["server_end"]
assert o["cause"] == "keepalive-timeout" and 4.9 <= o["since_last_packet_s"] <= 5.5, o
o = by["rst-both-at-expiry"]["outcome"]
assert o["sessions"][0]["server_end"]["cause"] == "rst" and abs(o["fw_expired_s"] - 3.0) < 0.3, o
o = by["several-clients-rst-both"]["outcome"]
assert o["fw_expired"] == 3 and len({x["client_port"] for x in o["sessions"]}) == 3, o
assert all(x["server_end"]["cause"] == "rst" for x in o["sessions"]), o
rsts = [e for e in by["several-clients-rst-both"]["timeline"] if e["what"].startswith("RST sent")]
assert len(rsts) == 3, rsts
assert by["dcd-keeps-alive"]["outcome"]["fw_expired_s"] is None
assert any("keepalive" in e["what"] for e in by["dcd-keeps-alive"]["timeline"])
assert any("refreshed" in e["what"] for e in by["dcd-keeps-alive"]["timeline"])
suite = ET.parse(sys.argv[2]).getroot()
assert suite.tag == "testsuite" and int(suite.get("tests")) == n
cases = suite.findall("testcase")
assert len(cases) == n and not any(c.find("failure") is not None for c in cases)
print(f"ok: {n} scenarios, {sum(len(s['expectations']) for s in sc)} expectations held; "
      f"wall {doc['wall_s']:.1f} s")
PY
grep -q 'class="entry"' "$T/svg/dcd-keeps-alive.svg" || fail "no conntrack entry in the ladder"
python3 - "$T/svg" "$T/lib.json" <<'PY' || fail "SVG pictures"
# One ladder per session (a client measure scenario: its timeline); every
# SVG parses; everything drawn lies inside the picture; the conntrack
# entry's bar ends where the entry expired, not at the end of the run.
import glob, json, os, sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
sc = json.load(open(sys.argv[2]))["scenarios"]
want = sum(1 if "measured" in s["outcome"] else len(s["outcome"]["sessions"]) for s in sc)
have = glob.glob(sys.argv[1] + "/*.svg")
assert len(have) == want, (len(have), want)
for f in have:
    root = ET.parse(f).getroot()
    w, h = float(root.get("width")), float(root.get("height"))
    for c in root.iter(ns + "circle"):
        assert 0 <= float(c.get("cx")) <= w and 0 <= float(c.get("cy")) <= h, (f, "a dot off")
    for l in root.iter(ns + "line"):
        assert all(0 <= float(l.get(k)) <= w for k in ("x1", "x2")), (f, "a line off")
root = ET.parse(sys.argv[1] + "/rst-both-at-expiry.svg").getroot()
def ys(d):
    nums = [float(x) for x in d.replace("M", " ").replace("L", " ").replace("Z", " ").split()]
    return nums[1::2]
bars = [max(ys(p.get("d"))) for p in root.iter(ns + "path") if p.get("class") == "entry"]
expired = [float(t.get("y")) for t in root.iter(ns + "text") if "entry expired" in (t.text or "")]
h = float(root.get("height"))
# the bar ends at the note that says it expired (the row's text sits 4 px
# below it), and the picture goes on after it
assert bars and expired and max(bars) <= expired[0] + 1 and h > max(bars) + 60, \
    (bars[-3:], expired, h)
PY
[ -z "$(labns)" ] || fail "namespaces left: $(labns)"
[ "$(ip -o link show | awk -F': ' '{print $2}' | sort)" = "$host_links_before" ] ||
	fail "the host's interfaces changed"
ok "library: $n_files scenarios pass, JSON and JUnit agree, a ladder per session, nothing left"

# An expectation that does not hold: exit 1, named with file:line, its
# captures and logs kept and readable.
sed -e 's/^expect.*//' -e 's/^name .*/name wrong/' scenarios/no-dcd-silent-drop.scn >"$T/wrong.scn"
echo "expect session survives" >>"$T/wrong.scn"
line=$(wc -l <"$T/wrong.scn")
"$DCDLAB" lab run --junit "$T/j2.xml" --keep "$T/keep" "$T/wrong.scn" >"$T/wrong.out" 2>&1
rc=$?
cat "$T/wrong.out"
[ "$rc" -eq 1 ] || fail "a failed expectation: exit $rc, expected 1"
grep -q "FAIL  session survives .*call 2" "$T/wrong.out" || fail "the failure does not say what was seen"
grep -q "wrong.scn:$line: expected session survives" "$T/j2.xml" || fail "JUnit lacks file:line"
d=$(ls -d "$T"/keep/*-wrong)
for f in client-leg.pcap server-leg.pcap listen.jsonl client-1.jsonl report.txt ladder.svg; do
	[ -s "$d/$f" ] || fail "artifact $f missing"
done
"$DCDLAB" analyze --json "$d/client-leg.pcap" | grep -q '"verdict":"firewall-drop"' ||
	fail "the kept capture does not read as a firewall drop"
ok "a wrong expectation: exit 1, file:line in JUnit, captures and logs kept and readable"

# A bad file among good ones: file:line on stderr, exit 2, the good one ran.
printf 'name bad\nfirewall conntrack idle 3s expiry loud\nexpect session survives\n' >"$T/bad.scn"
"$DCDLAB" lab run "$T/bad.scn" scenarios/dead-client-keepalive.scn >"$T/bad.out" 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "bad file: exit $rc, expected 2"
grep -q "bad.scn:2: expiry \"loud\": expected silent, rst-next or rst-both" "$T/bad.out" ||
	fail "no file:line: $(cat "$T/bad.out")"
grep -q "PASS: .*expectations held" "$T/bad.out" || fail "the good scenario did not run"
ok "bad file: file:line, exit 2, the good scenario still ran"

# Ctrl-C in the middle: exit 130, every namespace removed.
printf 'name long\nfirewall conntrack idle 3s\nclient plan call, idle 60s\nexpect session survives\n' >"$T/long.scn"
"$DCDLAB" lab run -j 2 "$T/long.scn" "$T/long.scn" >"$T/int.out" 2>&1 &
pid=$!
_pids+=($pid)
for ((i = 0; i < 50; i++)); do [ "$(labns | wc -l)" -eq 6 ] && break; sleep 0.1; done
[ "$(labns | wc -l)" -eq 6 ] || fail "expected 6 namespaces (2 runs), got: $(labns)"
sleep 1
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] || fail "interrupted: exit $rc, expected 130: $(cat "$T/int.out")"
[ -z "$(labns)" ] || fail "Ctrl-C left namespaces: $(labns)"
pgrep -f "dcdlab (listen|connect)" && fail "Ctrl-C left processes"
grep -q "failed scenarios are in $T/dcdlab-lab-" "$T/int.out" ||
	fail "Ctrl-C: where the interrupted runs' logs are not said: $(cat "$T/int.out")"
ok "Ctrl-C: exit 130, all namespaces and processes removed"

# A scenario's process killed outright (SIGKILL: no cleanup of its own):
# its programs die with it (PR_SET_PDEATHSIG), lab run removes its
# namespaces, and --json is still one valid document naming what happened,
# with the other scenario's report beside it.
printf 'name quick\nfirewall none\nclient plan call\nexpect session survives\n' >"$T/quick.scn"
"$DCDLAB" lab run -j 2 --json "$T/long.scn" "$T/quick.scn" >"$T/kill.json" 2>"$T/kill.txt" &
pid=$!
_pids+=($pid)
for ((i = 0; i < 50; i++)); do pgrep -f "dcdlab connect" >/dev/null && break; sleep 0.1; done
sleep 2 # the quick one is done, the long one idles
victim=$(ps -o pid= --ppid "$pid" | head -1 | tr -d ' ')
[ -n "$victim" ] || fail "no scenario process under lab run $pid"
kill -KILL "$victim"
wait "$pid"
rc=$?
[ "$rc" -eq 1 ] || fail "a killed scenario: exit $rc, expected 1: $(cat "$T/kill.txt")"
jq -e '.errors == 1 and .passed == 1 and ([.scenarios[] | select(.name == "long")][0].error
	| test("killed by signal 9"))' "$T/kill.json" >/dev/null ||
	fail "--json after a killed scenario: $(cat "$T/kill.json")"
[ -z "$(labns)" ] || fail "a killed scenario left namespaces: $(labns)"
sleep 0.2
pgrep -f "dcdlab (listen|connect)" && fail "a killed scenario left its programs running"
ok "a scenario killed outright: valid --json naming the signal, nothing left behind"

# A report that cannot be written is an error with its path, not a pass.
"$DCDLAB" lab run --junit /dev/full "$T/quick.scn" >"$T/full.out" 2>&1
rc=$?
[ "$rc" -eq 1 ] && grep -q -- "--junit /dev/full: No space left on device" "$T/full.out" ||
	fail "--junit /dev/full: exit $rc: $(cat "$T/full.out")"
ok "a report that cannot be written: exit 1 naming the file"
