# The command line: help, version, and errors that say what was wrong.
. tests/lib.sh

run() { # WANT-EXIT WANT-TEXT ARGS...
	local want=$1 text=$2 out rc
	shift 2
	out=$("$DCDLAB" "$@" 2>&1)
	rc=$?
	[ "$rc" -eq "$want" ] || fail "dcdlab $*: exit $rc, expected $want; output: $out"
	grep -qF -- "$text" <<<"$out" || fail "dcdlab $*: no \"$text\" in: $out"
	ok "dcdlab $* -> $rc, \"$text\""
}

run 0 "dcdlab 0.1.0" --version
run 0 "subcommands:" help
run 0 "usage: dcdlab listen" help listen
run 0 "usage: dcdlab connect" connect --help
run 2 "no subcommand \"nope\"" help nope
run 2 "unknown subcommand \"frobnicate\"" frobnicate
run 2 "usage: dcdlab" 
run 2 "--expire-time \"ten\": expected minutes, 0 to 546" listen --expire-time ten
run 2 "--keepidle \"40000\": expected seconds, 1 to 32767" listen --keepidle 40000
run 2 "--keepcnt \"0\": expected 1 to 127" listen --keepcnt 0
run 2 "--probe-interval \"10ms\": expected a duration of at least 100ms" listen --probe-interval 10ms
run 1 "--release: release \"7\": expected 11.2" listen --release 7
run 1 "tests/data/bad-expire.ora:4:22: SQLNET.EXPIRE_TIME: bad value \"ten\"" listen --sqlnet tests/data/bad-expire.ora
run 1 "tests/data/none.ora: No such file or directory" listen --sqlnet tests/data/none.ora
run 2 "--listen: address \"nowhere\": expected HOST:PORT" listen -l nowhere
run 2 "unexpected argument \"extra\"" listen extra
run 2 "missing CONNECT-STRING" connect
run 1 "plan, byte 6: unknown step \"dance\"" connect --plan "call, dance" h:1/x
run 1 "Easy Connect \"h:99999/x\", byte 2: bad port \"99999\"" connect h:99999/x
run 1 "connect descriptor, byte 30: missing ')' at end of text" connect "(DESCRIPTION=(ADDRESS=(HOST=h)"
run 1 "tests/data/tnsnames.ora: no entry named \"nosuch\"" connect --tnsnames tests/data/tnsnames.ora nosuch
run 1 "neither --tnsnames nor \$TNS_ADMIN is set" connect orcl
run 2 "--call-timeout \"soon\": expected a duration" connect --call-timeout soon h/x

# dcdlab sim --svg: one well-formed ladder per session, named after its
# scenario, with the scenario's name and its result; a directory that
# cannot be made is an error before anything runs.
"$DCDLAB" sim --svg "$T/svg" scenarios/dcd-keeps-alive.scn scenarios/no-dcd-silent-drop.scn >"$T/sim.out" ||
	fail "sim --svg: exit $?: $(cat "$T/sim.out")"
python3 - "$T/svg" <<'PY' || fail "sim --svg pictures"
import os, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
assert sorted(os.listdir(d)) == ["dcd-keeps-alive.svg", "no-dcd-silent-drop.svg"], os.listdir(d)
for n in os.listdir(d):
    root = ET.parse(os.path.join(d, n)).getroot()
    assert root.tag.endswith("svg"), root.tag
    text = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert text.startswith(n[:-4] + " - ") and "PASS: " in text, (n, text[:200])
    assert sum(1 for c in root.iter() if c.tag.endswith("circle")) >= 3, n
PY
run 2 "--svg /dev/null/x: Not a directory" sim --svg /dev/null/x scenarios/dcd-keeps-alive.scn
ok "sim --svg writes one ladder per session"

# The error paths again under valgrind (memcheck): an exit status alone
# does not show a free of uninitialised memory (listen --release typo did
# that and passed). On the release build, since ASan and valgrind do not
# mix: .ci/run builds it before the ASan one. scripts/setup installs valgrind.
VG_DCDLAB=${VG_DCDLAB:-build/release/dcdlab}
[ -x "$VG_DCDLAB" ] || fail "no release build at $VG_DCDLAB for valgrind (make first)"
if command -v valgrind >/dev/null; then
	vg() { # WANT-EXIT ARGS...
		local want=$1 rc
		shift
		valgrind -q --error-exitcode=99 --leak-check=no "$VG_DCDLAB" "$@" >"$T/vg.out" 2>&1
		rc=$?
		[ "$rc" -eq "$want" ] || fail "valgrind dcdlab $*: exit $rc, expected $want: $(head -20 "$T/vg.out")"
	}
	vg 1 listen --release 7
	vg 1 listen --release 19x
	vg 1 listen --sqlnet tests/data/bad-expire.ora
	vg 1 listen --sqlnet tests/data/none.ora
	vg 2 listen --expire-time ten
	vg 2 listen -l nowhere
	vg 1 connect --plan "call, dance" h:1/x
	vg 1 connect "(DESCRIPTION=(ADDRESS=(HOST=h)"
	vg 1 connect --tnsnames tests/data/tnsnames.ora nosuch
	vg 2 connect --call-timeout soon h/x
	ok "command-line error paths are clean under valgrind"
else
	skip "valgrind is not installed (Debian package valgrind); every other check passed"
fi
