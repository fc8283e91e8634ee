#!/usr/bin/env python3
"""check_truth.py DCDLAB DIR: compare `dcdlab analyze` with DIR/truth.json.

For each capture: the packets classified keepalive / keepalive-ack /
zero-window-probe must be exactly the listed ones, and the flow's verdict
and inferred settings must match. Prints one line per capture, exits 1 on
any mismatch.
"""
import json
import subprocess
import sys


def run(dcdlab, args):
    p = subprocess.run([dcdlab, "analyze"] + args, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def main():
    dcdlab, d = sys.argv[1], sys.argv[2]
    truth = json.load(open(d + "/truth.json"))
    bad = 0
    for name, t in sorted(truth.items()):
        path = "%s/%s.pcap" % (d, name)
        problems = []
        if t.get("truncated"):
            rc, out, err = run(dcdlab, ["--json", path])
            flows = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
            summ = [f for f in flows if f["type"] == "summary"]
            if rc != 3:
                problems.append("exit %d, expected 3" % rc)
            if "byte " not in err or "after packet %d" % t["packets_before"] not in err:
                problems.append("warning does not name the byte offset and packet: %r" % err)
            if not summ or summ[0]["tcp_packets"] != t["packets_before"]:
                problems.append("summary should report the %d packets read" % t["packets_before"])
        else:
            rc, out, err = run(dcdlab, ["--packets", path])
            got = {}
            for line in out.splitlines():
                parts = line.split()
                if len(parts) == 2 and parts[0].isdigit():
                    got.setdefault(parts[1], []).append(int(parts[0]))
            for cls, key in (("keepalive", "keepalive"), ("keepalive-ack", "keepalive_ack"),
                             ("zero-window-probe", "zero_window_probe")):
                if key in t and sorted(got.get(cls, [])) != sorted(t[key]):
                    problems.append("%s: got %s, expected %s" % (cls, sorted(got.get(cls, [])), t[key]))
            rc, out, err = run(dcdlab, ["--json", path])
            objs = [json.loads(l) for l in out.splitlines()]
            flows = [o for o in objs if o["type"] == "flow"]
            summ = [o for o in objs if o["type"] == "summary"][0]
            if "flows" in t:
                got_v = [f["verdict"] for f in flows]
                if got_v != t["flows"]:
                    problems.append("flows %s, expected %s" % (got_v, t["flows"]))
            elif len(flows) != 1:
                problems.append("%d flows, expected 1" % len(flows))
            else:
                f = flows[0]
                ka = f["keepalive"]
                if f["verdict"] != t["verdict"]:
                    problems.append("verdict %s, expected %s (%s)" % (f["verdict"], t["verdict"], f["evidence"]))
                for side in ("client", "server"):
                    if side + "_profile" in t and ka[side]["profile"] != t[side + "_profile"]:
                        problems.append("%s profile %s, expected %s" % (side, ka[side]["profile"], t[side + "_profile"]))
                    k2 = side + "_data_to_probe_s"
                    if k2 in t and (ka[side]["data_to_probe_s"] is None or abs(ka[side]["data_to_probe_s"] - t[k2]) > 0.02):
                        problems.append("%s data_to_probe %s, expected %s" % (side, ka[side]["data_to_probe_s"], t[k2]))
                    if side + "_idle_s" in t and (ka[side]["idle_s"] is None or abs(ka[side]["idle_s"] - t[side + "_idle_s"]) > 0.01):
                        problems.append("%s idle %s, expected %s" % (side, ka[side]["idle_s"], t[side + "_idle_s"]))
                for k in ("expire_time_min", "count", "interval_s"):
                    if k in t and (ka[k] is None or abs(ka[k] - t[k]) > 0.01):
                        problems.append("%s %s, expected %s" % (k, ka[k], t[k]))
                cap = f.get("capture", {})
                for k in ("not_captured", "duplicates", "reordered"):
                    if k in t and cap.get(k) != t[k]:
                        problems.append("%s %s, expected %s" % (k, cap.get(k), t[k]))
                if "retransmissions" in t:
                    n = ka["client"]["retransmissions"] + ka["server"]["retransmissions"]
                    if n != t["retransmissions"]:
                        problems.append("retransmissions %d, expected %d" % (n, t["retransmissions"]))
                if "idle_max_lt" in t and f["idle_max_s"] >= t["idle_max_lt"]:
                    problems.append("idle_max_s %s, expected < %s" % (f["idle_max_s"], t["idle_max_lt"]))
                if "detect_s" in t and abs(f.get("detect_s", -1) - t["detect_s"]) > 0.01:
                    problems.append("detect_s %s, expected %s" % (f.get("detect_s"), t["detect_s"]))
            for k, v in t.get("skipped", {}).items():
                if summ["skipped"].get(k) != v:
                    problems.append("skipped %s: %s, expected %s" % (k, summ["skipped"].get(k), v))
        if problems:
            bad += 1
            print("FAIL %s: %s" % (name, "; ".join(problems)))
        else:
            print("ok   %s" % name)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
