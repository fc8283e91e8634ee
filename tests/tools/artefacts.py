#!/usr/bin/env python3
"""artefacts.py DCDLAB DIR [--check]: the analyzer's verdicts against ground truth,
on real-kernel captures (realhost.py) and on variants with the artefacts real
host captures have.

From DIR/clean.pcap (tcpdump on the server's bridge) it derives, with fixed
seeds: frames not captured (0.1 %, 1 %, 5 %, and 1 % in bursts of 10, as
"dropped by kernel" gives), 1 % of adjacent frames swapped (multi-queue
reordering), every frame twice, a capture cut at both ends, and the keepalive
prober's RST missing. DIR/any.pcap is the real `tcpdump -i any` over the
bridge and its port. Each variant goes through `dcdlab analyze --json`; every
session of DIR/truth.json is scored by its client port:

  false alarm  a healthy session with a dead-peer or firewall-drop flow
  miss         a fault none of whose flows is dead-peer or firewall-drop
  wrong cause  a fault flagged, but not with the expected verdict (or, for a
               reused port, whose new session is not a flow of its own)

Random variants run with 20 seeds and add up (with 5, 50 faults a variant,
one fault missed more or less was the difference between 4 % and 6 %). The
matrix is printed; with --check the targets of issue 9 are enforced (exit 1
when one is missed): no false alarm on the clean capture, the duplicates and
`-i any`; at most 2 % of healthy sessions flagged at 1 % loss and at 1 %
reordering; at most 5 % of faults missed on every variant but the cut and the
missing RST (where the evidence itself is gone).
"""
import json
import random
import struct
import subprocess
import sys

SEEDS = tuple(range(1, 21))


def read_pcap(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    e = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    hdr = data[:24]
    frames, off = [], 24
    while off + 16 <= len(data):
        sec, frac, caplen, length = struct.unpack(e + "IIII", data[off:off + 16])
        frames.append((sec, frac, length, data[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return hdr, e, frames


def write_pcap(path, hdr, e, frames):
    with open(path, "wb") as f:
        f.write(hdr)
        for sec, frac, length, b in frames:
            f.write(struct.pack(e + "IIII", sec, frac, len(b), length) + b)


def tcp_of(frame):
    """(sport, dport, flags) of an Ethernet frame with TCP, else None."""
    et = struct.unpack(">H", frame[12:14])[0]
    off = 14
    while et in (0x8100, 0x88a8):
        et = struct.unpack(">H", frame[off + 2:off + 4])[0]
        off += 4
    if et == 0x0800:
        if frame[off + 9] != 6:
            return None
        off += (frame[off] & 15) * 4
    elif et == 0x86dd:
        if frame[off + 6] != 6:
            return None
        off += 40
    else:
        return None
    sport, dport = struct.unpack(">HH", frame[off:off + 4])
    return sport, dport, frame[off + 13]


def variants(d, truth):
    hdr, e, frames = read_pcap(d + "/clean.pcap")
    out = [("clean", d + "/clean.pcap", None), ("tcpdump -i any (bridge + port)", d + "/any.pcap", None)]

    def make(name, fn, seed=None):
        slug = "".join(c if c.isalnum() else "-" for c in name)
        path = "%s/v-%s-%s.pcap" % (d, slug, seed)
        write_pcap(path, hdr, e, fn(random.Random(seed)))
        out.append((name, path, seed))

    for share in (0.001, 0.01, 0.05):
        for s in SEEDS:
            make("%g%% not captured" % (share * 100),
                 lambda r, share=share: [f for f in frames if r.random() >= share], s)
    for s in SEEDS:
        def bursts(r):
            keep, skip = [], 0
            for f in frames:
                if skip == 0 and r.random() < 0.001:
                    skip = 10
                if skip:
                    skip -= 1
                else:
                    keep.append(f)
            return keep
        make("1%-in-bursts not captured", bursts, s)
    for s in SEEDS:
        def swap(r):
            fs = list(frames)
            i = 0
            while i < len(fs) - 1:
                if r.random() < 0.01:
                    fs[i], fs[i + 1] = fs[i + 1], fs[i]
                    i += 2
                else:
                    i += 1
            return fs
        make("1% adjacent swapped", swap, s)
    make("every frame twice", lambda r: [g for f in frames for g in (f, f)], 0)
    t0 = frames[0][0] + frames[0][1] / 1e6
    t1 = frames[-1][0] + frames[-1][1] / 1e6
    make("cut: first and last 15% gone",
         lambda r: [f for f in frames
                    if t0 + 0.15 * (t1 - t0) <= f[0] + f[1] / 1e6 <= t1 - 0.15 * (t1 - t0)], 0)
    idle_crash = {int(p) for p, t in truth.items() if t["kind"] == "crash-idle"}

    def no_rst(r):
        keep = []
        for f in frames:
            t = tcp_of(f[3])
            if t and t[0] == 1521 and t[1] in idle_crash and t[2] & 4:
                continue
            keep.append(f)
        return keep
    make("the prober's RST not captured", no_rst, 0)
    return out


def score(dcdlab, path, truth):
    p = subprocess.run([dcdlab, "analyze", "--json", path], capture_output=True, text=True,
                       timeout=120)
    if p.returncode not in (0, 1):
        raise SystemExit("%s: dcdlab analyze exit %d: %s" % (path, p.returncode, p.stderr))
    by_port = {}
    summary = {}
    for line in p.stdout.splitlines():
        o = json.loads(line)
        if o["type"] == "summary":
            summary = o
            continue
        port = o["client"].rsplit(":", 1)[1]
        by_port.setdefault(port, []).append(o)
    fa = miss = wrong = 0
    bad = []
    n_healthy = n_fault = 0
    for port, t in truth.items():
        flows = sorted(by_port.get(port, []), key=lambda o: o["first_s"])
        got = [o["verdict"] for o in flows]
        flagged = [v for v in got if v in ("dead-peer", "firewall-drop")]
        if t["kind"] == "healthy":
            n_healthy += 1
            if flagged:
                fa += 1
                bad.append("false alarm %s (%s): %s" % (port, t["kind"], got))
        else:
            n_fault += 1
            want = t["expect"]
            ok = bool(got) and got[0] == want[0]
            if len(want) > 1:
                ok = ok and len(got) >= 2 and got[1] not in ("dead-peer", "firewall-drop")
            if not flagged:
                miss += 1
                bad.append("miss %s (%s): %s, expected %s" % (port, t["kind"], got, want))
            elif not ok:
                wrong += 1
                bad.append("wrong cause %s (%s): %s, expected %s" % (port, t["kind"], got, want))
    return fa, n_healthy, miss, wrong, n_fault, bad, summary.get("capture", {})


def main():
    dcdlab, d = sys.argv[1], sys.argv[2]
    check = "--check" in sys.argv
    truth = json.load(open(d + "/truth.json"))
    rows = {}
    details = []
    for name, path, seed in variants(d, truth):
        fa, nh, miss, wrong, nf, bad, cap = score(dcdlab, path, truth)
        r = rows.setdefault(name, [0, 0, 0, 0, 0, 0, 0])
        for i, v in enumerate((fa, nh, miss, wrong, nf, cap.get("segments_not_captured", 0),
                               cap.get("duplicates", 0))):
            r[i] += v
        details += ["%s%s: %s" % (name, "" if seed is None else " seed %s" % seed, b) for b in bad]
    print("%-34s %16s %14s %12s %13s %11s" % ("capture", "healthy flagged", "faults missed",
                                              "wrong cause", "not captured", "duplicates"))
    for name, (fa, nh, miss, wrong, nf, nc, dup) in rows.items():
        print("%-34s %7d of %-6d %5d of %-5d %7d of %-2d %13d %11d" %
              (name, fa, nh, miss, nf, wrong, nf, nc, dup))
    for line in details:
        print("  " + line)
    if not check:
        return
    failed = []
    for name, (fa, nh, miss, wrong, nf, _, _) in rows.items():
        if name in ("clean", "tcpdump -i any (bridge + port)", "every frame twice") and fa:
            failed.append("%s: %d false alarms, expected none" % (name, fa))
        if name in ("1% not captured", "1% adjacent swapped") and fa > 0.02 * nh:
            failed.append("%s: %d of %d healthy sessions flagged (limit 2%%)" % (name, fa, nh))
        if not name.startswith(("cut", "the prober")) and miss > 0.05 * nf:
            failed.append("%s: %d of %d faults missed (limit 5%%)" % (name, miss, nf))
    for f in failed:
        print("TARGET MISSED: " + f)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
