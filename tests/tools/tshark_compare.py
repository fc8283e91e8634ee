#!/usr/bin/env python3
"""tshark_compare.py DCDLAB KNOWN PCAP...: the packets dcdlab flags as
keepalive / keepalive-ack must equal tshark's tcp.analysis.keep_alive /
keep_alive_ack, except where KNOWN documents tshark being wrong - and there
both tools must say exactly what KNOWN records (so a change in either is
noticed). One line per capture; exit 1 on any mismatch."""
import os
import subprocess
import sys


def tshark(path, field):
    out = subprocess.run(["tshark", "-n", "-r", path, "-Y", field, "-T", "fields", "-e", "frame.number"],
                         capture_output=True, text=True, timeout=120).stdout
    return sorted(int(x) for x in out.split())


def dcdlab(exe, path):
    out = subprocess.run([exe, "analyze", "--packets", path], capture_output=True, text=True, timeout=120).stdout
    got = {"keepalive": [], "keepalive-ack": []}
    for line in out.splitlines():
        p = line.split()
        if len(p) == 2 and p[0].isdigit() and p[1] in got:
            got[p[1]].append(int(p[0]))
    return {k: sorted(v) for k, v in got.items()}


def nums(s):
    return [] if s == "-" else sorted(int(x) for x in s.split(","))


def main():
    exe, known_path, pcaps = sys.argv[1], sys.argv[2], sys.argv[3:]
    known = {}
    for line in open(known_path):
        if line.startswith("#") or not line.strip():
            continue
        cap, cls, t, d = line.split()[:4]
        known[(cap, cls)] = (nums(t), nums(d))
    bad = 0
    for path in pcaps:
        name = os.path.basename(path)[:-5]
        d = dcdlab(exe, path)
        problems = []
        for cls, field in (("keepalive", "tcp.analysis.keep_alive"), ("keepalive-ack", "tcp.analysis.keep_alive_ack")):
            t = tshark(path, field)
            if (name, cls) in known:
                kt, kd = known[(name, cls)]
                if t != kt or d[cls] != kd:
                    problems.append("%s: tshark %s dcdlab %s, documented tshark %s dcdlab %s" % (cls, t, d[cls], kt, kd))
            elif t != d[cls]:
                problems.append("%s: tshark %s, dcdlab %s" % (cls, t, d[cls]))
        print(("FAIL %s: %s" % (name, "; ".join(problems))) if problems else "ok   %s" % name)
        bad += bool(problems)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
