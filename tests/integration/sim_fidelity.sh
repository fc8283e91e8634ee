# The simulator against the kernel: every scenario in scenarios/ runs in
# the lab (real namespaces, real TCP, real conntrack) and in dcdlab sim;
# the outcomes must be the same - every expectation, every call's result,
# how and whether each server session ended, whether the firewall's entry
# expired, the capture analyzer's verdict on each firewall leg (the lab's
# pcaps, the simulator's segments) - and their times within max(5%,
# 200 ms). The kernel is the ground truth: a difference is a simulator bug.
. tests/lib.sh
need_root
"$DCDLAB" lab run -j 8 --json scenarios/*.scn >"$T/lab.json" 2>"$T/lab.txt"
rc_lab=$?
"$DCDLAB" sim --json scenarios/*.scn >"$T/sim.json" 2>"$T/sim.txt"
rc_sim=$?
# 0: every expectation held, 1: one did not (compared below), 2+: the run
# itself broke. The library's scenarios all hold, in both.
[ "$rc_lab" -eq 0 ] || { tail -20 "$T/lab.txt"; fail "dcdlab lab run exited $rc_lab"; }
[ "$rc_sim" -eq 0 ] || { tail -20 "$T/sim.txt"; fail "dcdlab sim exited $rc_sim"; }
python3 - "$T/lab.json" "$T/sim.json" <<'PY'
import json, sys
lab = {s["name"]: s for s in json.load(open(sys.argv[1]))["scenarios"]}
sim = {s["name"]: s for s in json.load(open(sys.argv[2]))["scenarios"]}
assert lab.keys() == sim.keys(), (lab.keys() ^ sim.keys())
bad, checked, worst, ratios = [], 0, (0, ""), []

def close(name, what, a, b):
    global checked, worst
    checked += 1
    if a is None or b is None:
        if a != b:
            bad.append(f"{name}: {what}: lab {a}, sim {b}")
        return
    tol = max(0.05 * abs(a), 0.2)
    d = abs(a - b)
    if d > worst[0]:
        worst = (d, f"{name}: {what}: lab {a:.3f} s, sim {b:.3f} s")
    ratios.append((d / tol, f"{name}: {what}: {d * 1000:.0f} of {tol * 1000:.0f} ms"))
    if d > tol:
        bad.append(f"{name}: {what}: lab {a:.3f} s, sim {b:.3f} s (tolerance {tol:.3f} s)")

def same(name, what, a, b):
    global checked
    checked += 1
    if a != b:
        bad.append(f"{name}: {what}: lab {a!r}, sim {b!r}")

for name in sorted(lab):
    l, s = lab[name], sim[name]
    same(name, "expectations", len(l["expectations"]), len(s["expectations"]))
    for el, es in zip(l["expectations"], s["expectations"]):
        # every expectation is judged in both (capture ones on simulated segments)
        same(name, "expect " + el["expect"], el["ok"], es["ok"])
        if el["ok"] is None or es["ok"] is None:
            bad.append(f"{name}: expect {el['expect']}: not judged")
    lo, so = l["outcome"], s["outcome"]
    if "measured" in lo or "measured" in so:
        # client measure: what dcdlab measure found (its hundred
        # connections' own entries and sessions are its business)
        ml, ms = lo.get("measured"), so.get("measured")
        if not ml or not ms:
            bad.append(f"{name}: measured: lab {ml}, sim {ms}")
            continue
        for k in ("expiry", "keepalives"):
            same(name, "measured " + k, ml[k], ms[k])
        for k in ("lo_s", "hi_s", "elapsed_s"):
            close(name, "measured " + k, ml[k], ms[k])
        continue
    same(name, "firewall entries expired", lo["fw_expired"], so["fw_expired"])
    close(name, "first expiry", lo["fw_expired_s"], so["fw_expired_s"])
    same(name, "sessions", len(lo["sessions"]), len(so["sessions"]))
    for k, (a, b) in enumerate(zip(lo["sessions"], so["sessions"])):
        w = f"session {k + 1}"
        same(name, w + " client exit", a["client_exit"], b["client_exit"])
        same(name, w + " calls", [(c["call"], c["ok"], c.get("ora")) for c in a["calls"]],
             [(c["call"], c["ok"], c.get("ora")) for c in b["calls"]])
        # (the list comparison above covers lengths; the times pair up below)
        for ca, cb in zip(a["calls"], b["calls"]):
            close(name, f"{w} call {ca['call']} time", ca["t_s"], cb["t_s"])
        for leg in ("server_leg_verdict", "client_leg_verdict"):
            same(name, f"{w} {leg}", a[leg], b[leg])   # the analyzer on each side's packets
        same(name, w + " server status", a["server_status"], b["server_status"])
        ea, eb = a["server_end"], b["server_end"]
        same(name, w + " server end", ea and ea["cause"], eb and eb["cause"])
        if ea and eb:
            close(name, w + " server end time", ea["t_s"], eb["t_s"])
            close(name, w + " since the client's last packet", ea["since_last_packet_s"],
                  eb["since_last_packet_s"])
for b in bad:
    print("DIFF", b)
print(f"{len(lab)} scenarios, {checked} comparisons; largest time difference "
      f"{worst[0] * 1000:.0f} ms ({worst[1]})")
print("closest to the tolerance:", "; ".join(w for _, w in sorted(ratios)[-3:]))
sys.exit(1 if bad else 0)
PY
[ $? -eq 0 ] || fail "the simulator disagrees with the kernel"
ok "every scenario: the same outcomes in the lab and the simulator, times within max(5%, 200 ms)"

# Deterministic: the same input, the same output, byte for byte.
"$DCDLAB" sim --json --wire scenarios/*.scn >"$T/a.json"
"$DCDLAB" sim --json --wire scenarios/*.scn >"$T/b.json"
cmp -s "$T/a.json" "$T/b.json" || fail "two simulator runs differ"
ok "two simulator runs are byte-identical"
