# The pictures people read: the ladder diagrams and the HTML reports of a
# lab run, a simulation and a capture. Each is valid (an XML parser for
# every SVG, an HTML parser for the page), and a real browser renders it
# without errors, with no empty picture, no text outside its picture or
# cell and no two labels on top of each other (headless Chromium; the
# rendered DOM's boxes, tests/tools/layout_check.js). The ladders of a few
# simulated sessions are golden files: a drawing change is a visible diff.
. tests/lib.sh
need_root
command -v chromium >/dev/null || skip "needs chromium (Debian package): run scripts/setup"

"$DCDLAB" sim --html "$T/sim.html" --svg "$T/svg" scenarios/kill-idle-session.scn \
	scenarios/idle-blocker.scn scenarios/no-dcd-silent-drop.scn scenarios/dcd-keeps-alive.scn \
	scenarios/rst-both-at-expiry.scn scenarios/dead-client-keepalive.scn >/dev/null ||
	fail "sim --html: exit $?"
"$DCDLAB" lab run --html "$T/lab.html" scenarios/kill-idle-session.scn >/dev/null ||
	fail "lab run --html: exit $?"
"$DCDLAB" analyze --html "$T/analyze.html" tests/data/captures/fw-silent-drop.pcap >/dev/null ||
	fail "analyze --html: exit $?"
"$DCDLAB" sim --sessions 2000 --html "$T/population.html" scenarios/real/asa-1h-expire-10.scn \
	>/dev/null || fail "sim --sessions --html: exit $?"

# Golden ladders: deterministic, byte for byte.
for g in tests/data/ladders/*.svg; do
	diff -u "$g" "$T/svg/$(basename "$g")" >"$T/diff" ||
		{ head -40 "$T/diff"; fail "$(basename "$g") differs from its golden file"; }
done
ok "$(ls tests/data/ladders/*.svg | wc -l) ladders equal their golden files"

python3 - "$T" <<'PY' || fail "an SVG or HTML page does not parse"
import glob, re, sys, xml.etree.ElementTree as ET
from html.parser import HTMLParser
t = sys.argv[1]
for f in glob.glob(t + "/svg/*.svg"):
    ET.parse(f)
VOID = {"meta", "br", "img", "input", "link", "hr", "circle", "rect", "line", "path"}
class Balanced(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []
    def handle_starttag(self, tag, attrs):
        if tag not in VOID: self.stack.append(tag)
    def handle_startendtag(self, tag, attrs): pass
    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()
for f in ("sim.html", "lab.html", "analyze.html", "population.html"):
    doc = open(t + "/" + f).read()
    p = Balanced(); p.feed(doc); p.close()
    assert not p.stack, (f, p.stack)
    for m in re.finditer(r"<svg.*?</svg>", doc, re.S):
        ET.fromstring(m.group(0))
    assert "<script src" not in doc and "http://" not in doc.replace("http://www.w3.org", ""), f
print("parsed")
PY
ok "every SVG and the three pages parse; no external script or resource"

# In a browser: each page, with the layout check injected into a copy.
for f in sim lab analyze population; do
	sed "s#<head>#<head><script src=\"file://$PWD/tests/tools/layout_check.js\"></script>#" \
		"$T/$f.html" >"$T/$f-check.html"
	timeout 60 chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
		--window-size=1200,1600 --virtual-time-budget=3000 --dump-dom \
		"file://$T/$f-check.html" >"$T/$f.dom" 2>"$T/$f.chromium.log" ||
		{ tail -5 "$T/$f.chromium.log"; fail "chromium could not render $f.html"; }
	check=$(grep -o '<body data-check="[^"]*"' "$T/$f.dom" | head -1 |
		sed 's/^<body data-check="//; s/"$//; s/&quot;/"/g; s/&amp;/\&/g; s/&lt;/</g; s/&gt;/>/g')
	echo "$f: $check"
	[ -n "$check" ] || fail "$f.html: the layout check did not run"
	jq -e '.ok and .pictures > 0 and .texts > 8' <<<"$check" >/dev/null ||
		fail "$f.html renders badly: $check"
	# and as a person sees it: a screenshot of the page
	timeout 60 chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
		--window-size=1200,1600 --screenshot="$T/$f.png" "file://$T/$f.html" >/dev/null 2>&1 ||
		fail "chromium could not take a screenshot of $f.html"
	[ "$(head -c 8 "$T/$f.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
		[ "$(stat -c %s "$T/$f.png")" -gt 20000 ] || fail "the screenshot of $f.html is empty"
done
ok "sim, lab, analyze and population pages render in Chromium: no error, no empty picture, no text out of its box, no overlap"

# The check itself can fail: a page with two labels on top of each other
# and one outside its picture is caught.
cat >"$T/bad.html" <<'HTML'
<!DOCTYPE html><html><head><script src="LAYOUT"></script></head><body><h1>bad</h1>
<div style="height:300px"></div>
<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100"><text x="10" y="50">one label</text>
<text x="14" y="52">another label</text><text x="280" y="50">outside</text></svg></body></html>
HTML
sed -i "s#LAYOUT#file://$PWD/tests/tools/layout_check.js#" "$T/bad.html"
timeout 60 chromium --headless=new --no-sandbox --disable-gpu --virtual-time-budget=3000 \
	--dump-dom "file://$T/bad.html" >"$T/bad.dom" 2>/dev/null
grep -q 'overlaps' "$T/bad.dom" && grep -q 'outside it' "$T/bad.dom" ||
	fail "the layout check misses overlapping and outside labels: $(grep -o 'data-check="[^"]*"' "$T/bad.dom")"
ok "the layout check catches overlapping labels and text outside its picture"

# The README's screenshot: a ladder as the browser shows it.
timeout 60 chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
	--window-size=1120,900 --screenshot="$T/ladder.png" "file://$T/svg/kill-idle-session.svg" \
	>/dev/null 2>&1 || fail "chromium screenshot"
[ "$(head -c 8 "$T/ladder.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
	fail "the screenshot is not a PNG"
cp "$T/ladder.png" "${BUILD:-build/release}/ladder.png"
ok "screenshot of a ladder: ${BUILD:-build/release}/ladder.png ($(stat -c %s "$T/ladder.png") bytes)"
