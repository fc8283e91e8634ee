#!/usr/bin/env python3
"""realhost.py OUTDIR [--seed N]: captures like a database host's, on the real kernel.

Needs root. Builds three network namespaces of its own (client -- firewall --
server, documentation addresses, IPv4 and IPv6), a conntrack firewall with a
12 s established timeout, and on the server a bridge carrying its addresses
(as on a virtualised database host). A server and a client written here run
database-like sessions through it: a login, calls of 200 B to 4 MB, idle gaps
of 0.05 to 10 s, keepalive on some sockets, FIN, RST and server-abort endings.
Some sessions meet a fault:

  crash-mid-answer   the client's host vanishes in the middle of a 4 MB answer
  crash-idle         the client's host vanishes while idle; server keepalive 2/1/3
  fw-drop            idle 15 s > the firewall's 12 s; the server's next data is dropped
  fw-drop-reuse      the same, then a new session from the same client port
  data-dropped       the path drops the server's data but passes pure ACKs
                     while the client's keepalive keeps talking

tcpdump -s 128 (headers, as on a busy host) on the server's bridge writes
OUTDIR/clean.pcap; a second tcpdump
with -i any (the bridge and its port: every packet twice) writes
OUTDIR/any.pcap. OUTDIR/truth.json lists every session by client port with
what a correct analyzer says of it. Everything it made is removed at exit,
on error and on Ctrl-C; every wait is bounded.
"""
import json
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

# The client and server run as children of the driver: they take its names.
P = os.environ.get("DCDRH_PREFIX") or "dcdrh-%d" % os.getpid()
os.environ["DCDRH_PREFIX"] = P
NS_C, NS_F, NS_S = P + "-c", P + "-f", P + "-s"
C4, S4 = "192.0.2.2", "198.51.100.2"
C6, S6 = "2001:db8:1::2", "2001:db8:2::2"
PORT = 1521
FW_IDLE_S = 12
HDR = struct.Struct(">IIBH")  # request length, answer length, action, argument

# Server actions, set by the client per request.
A_ANSWER, A_ABORT, A_LATE_DATA, A_KEEPALIVE = 0, 1, 2, 3


def sh(*cmd, ns=None, check=True, **kw):
    if ns:
        cmd = ("ip", "netns", "exec", ns) + cmd
    return subprocess.run(cmd, check=check, **kw)


# ---- the server: one thread per session --------------------------------------

def recv_exact(s, n):
    b = bytearray()
    while len(b) < n:
        chunk = s.recv(min(65536, n - len(b)))
        if not chunk:
            return None
        b += chunk
    return bytes(b)


def serve_one(s):
    try:
        while True:
            h = recv_exact(s, HDR.size)
            if h is None:
                break
            req, ans, action, arg = HDR.unpack(h)
            if req and recv_exact(s, req) is None:
                break
            if action == A_KEEPALIVE:  # Oracle-like DCD, lab-scaled: 2/1/3
                s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 2)
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)
            s.sendall(b"a" * ans)
            if action == A_ABORT:  # an answer, then the server's own RST
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                break
            if action == A_LATE_DATA:  # a message of its own after `arg` s
                time.sleep(arg)
                s.sendall(b"m" * 300)
    except OSError:
        pass  # the peer vanished: the kernel gave up (ETIMEDOUT) or reset
    finally:
        s.close()


def server_main():
    socks = []
    for fam, addr in ((socket.AF_INET, S4), (socket.AF_INET6, S6)):
        ls = socket.socket(fam, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((addr, PORT))
        ls.listen(512)
        socks.append(ls)
        threading.Thread(target=accept_loop, args=(ls,), daemon=True).start()
    print("ready", flush=True)
    time.sleep(120)  # bounded: the driver kills it long before


def accept_loop(ls):
    while True:
        s, _ = ls.accept()
        threading.Thread(target=serve_one, args=(s,), daemon=True).start()


# ---- the client: one thread per session ---------------------------------------

def vanish(port):
    """The client's host is gone for this session: nothing in, nothing out."""
    for chain, key in (("input", "dport"), ("output", "sport")):
        sh("nft", "add", "rule", "inet", "cli", chain, "tcp", key, str(port), "drop")


def dial(fam, port, keepalive=False, rcvbuf=0):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:
        # A small window: once the client stops reading, the server's
        # answer cannot all be delivered before the host vanishes (with
        # autotuning the kernel would take all 4 MB into its buffer, ACK
        # it, and the crash would come after the answer, not in it).
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.bind((C4 if fam == socket.AF_INET else C6, port))
    if keepalive:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, keepalive)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 9)
    s.settimeout(30)
    s.connect((S4 if fam == socket.AF_INET else S6, PORT))
    return s


def call(s, req, ans, action=A_ANSWER, arg=0, stop_after=None):
    s.sendall(HDR.pack(req, ans, action, arg) + b"q" * req)
    got = 0
    while got < ans:
        chunk = s.recv(65536)
        if not chunk:
            return False
        got += len(chunk)
        if stop_after is not None and got >= stop_after:
            return True
    return True


def hold(stop):
    stop.wait(60)


def session(spec, stop):
    fam = socket.AF_INET6 if spec["family"] == 6 else socket.AF_INET
    port, kind, rng = spec["port"], spec["kind"], random.Random(spec["port"])
    time.sleep(spec["start_s"])
    try:
        s = dial(fam, port, keepalive=spec.get("client_keepalive", 0),
                 rcvbuf=64 << 10 if kind == "crash-mid-answer" else 0)
        call(s, 300, 2000)  # the login
        if kind == "crash-mid-answer":
            call(s, 200, 4 << 20, stop_after=1 << 20)
            vanish(port)
            return hold(stop)
        if kind == "crash-idle":
            call(s, 200, 500, A_KEEPALIVE)
            time.sleep(1)
            vanish(port)
            return hold(stop)
        if kind in ("fw-drop", "fw-drop-reuse"):
            call(s, 200, 500, A_LATE_DATA, FW_IDLE_S + 3)
            time.sleep(FW_IDLE_S + 12)  # the server's late data is dropped, it gives up
            if kind == "fw-drop":
                return hold(stop)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()  # its RST is dropped too: the firewall forgot the flow
            s = dial(fam, port)  # the same 4-tuple, a new session
            call(s, 300, 2000)
            call(s, 200, 20000)
            s.close()
            return hold(stop)
        if kind == "data-dropped":
            sh("ip", "netns", "exec", NS_F, "nft", "insert", "rule", "inet", "fw", "forward",
               "ip", "daddr", C4, "tcp", "dport", str(port), "ip", "length", ">", "80", "drop")
            s.settimeout(25)
            try:
                call(s, 200, 5000)
            except OSError:
                pass
            return hold(stop)
        # healthy: calls and idle gaps, then an ending
        for _ in range(spec["calls"]):
            time.sleep(rng.choice((0.05, 0.2, 1, 2.5, 4, 6, 10)))
            ans = rng.choice((200, 1500, 20000, 300000, 4 << 20))
            call(s, rng.randint(200, 2000), ans, A_KEEPALIVE if spec.get("server_keepalive") else 0)
        end = spec["end"]
        if end == "fin":
            s.close()
        elif end == "rst":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        elif end == "server-abort":
            call(s, 200, 3000, A_ABORT)
            s.close()
        else:  # still open when the capture ends
            hold(stop)
    except OSError as e:
        print("session %d (%s): %s" % (port, kind, e), file=sys.stderr, flush=True)


def client_main(specs_path):
    specs = json.load(open(specs_path))
    stop = threading.Event()
    threads = [threading.Thread(target=session, args=(sp, stop), daemon=True) for sp in specs]
    for t in threads:
        t.start()
    deadline = time.time() + 60
    while time.time() < deadline and any(
            t.is_alive() and sp["end"] != "open" and sp["kind"] == "healthy"
            for t, sp in zip(threads, specs)):
        time.sleep(0.2)
    # Faults and open sessions hold their sockets; let the slowest fault run out.
    time.sleep(max(0, 42 - (time.time() - (deadline - 60))))
    print("done", flush=True)
    time.sleep(60)  # bounded: the driver kills it


# ---- the driver ------------------------------------------------------------

def sessions(seed):
    rng = random.Random(seed)
    specs, port = [], 40000
    for i in range(51):
        specs.append({
            "port": port + i, "family": 6 if i % 4 == 3 else 4, "kind": "healthy",
            "start_s": round(rng.uniform(0, 6), 3), "calls": rng.randint(2, 4),
            "client_keepalive": 2 if i % 5 == 1 else 0, "server_keepalive": i % 7 == 2,
            "end": ("fin", "rst", "server-abort", "open")[i % 4 if i % 4 != 3 else rng.randint(0, 3)],
        })
    port += 100
    faults = (["crash-mid-answer"] * 3 + ["crash-idle"] * 2 + ["fw-drop"] * 2 +
              ["fw-drop-reuse"] * 2 + ["data-dropped"] * 1)
    for i, kind in enumerate(faults):
        specs.append({"port": port + i, "family": 6 if kind == "crash-idle" and i % 2 else 4,
                      "kind": kind, "start_s": round(rng.uniform(0, 3), 3), "end": "open",
                      "client_keepalive": 1 if kind == "data-dropped" else 0})
    return specs


EXPECT = {  # per session: the verdicts a correct analyzer gives its flows, in order
    "crash-mid-answer": ["dead-peer"],
    "crash-idle": ["dead-peer"],
    "fw-drop": ["firewall-drop"],
    "fw-drop-reuse": ["firewall-drop", "healthy"],
    "data-dropped": ["firewall-drop"],
}


def topology():
    for n in (NS_C, NS_F, NS_S):
        sh("ip", "netns", "add", n)
        sh("ip", "-n", n, "link", "set", "lo", "up")
    sh("ip", "link", "add", "vc", "netns", NS_C, "type", "veth", "peer", "name", "fc", "netns", NS_F)
    sh("ip", "link", "add", "vs", "netns", NS_S, "type", "veth", "peer", "name", "fs", "netns", NS_F)
    sh("ip", "-n", NS_S, "link", "add", "br0", "type", "bridge")
    sh("ip", "-n", NS_S, "link", "set", "vs", "master", "br0")
    for ns, dev, addrs in ((NS_C, "vc", (C4 + "/24", C6 + "/64")),
                           (NS_F, "fc", ("192.0.2.1/24", "2001:db8:1::1/64")),
                           (NS_F, "fs", ("198.51.100.1/24", "2001:db8:2::1/64")),
                           (NS_S, "br0", (S4 + "/24", S6 + "/64"))):
        for a in addrs:
            sh("ip", "-n", ns, "addr", "add", a, "dev", dev, *(("nodad",) if ":" in a else ()))
    for ns, dev in ((NS_C, "vc"), (NS_F, "fc"), (NS_F, "fs"), (NS_S, "vs"), (NS_S, "br0")):
        sh("ip", "-n", ns, "link", "set", dev, "up")
    sh("ip", "-n", NS_C, "route", "add", "default", "via", "192.0.2.1")
    sh("ip", "-n", NS_C, "-6", "route", "add", "default", "via", "2001:db8:1::1")
    sh("ip", "-n", NS_S, "route", "add", "default", "via", "198.51.100.1")
    sh("ip", "-n", NS_S, "-6", "route", "add", "default", "via", "2001:db8:2::1")
    sh("sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1", ns=NS_F)
    sh("nft", "-f", "-", ns=NS_F, input="""table inet fw {
	chain forward {
		type filter hook forward priority 0; policy drop;
		ct state established,related accept
		ct state new tcp flags & (syn|ack) == syn accept
		meta l4proto ipv6-icmp accept
	}
}
""", text=True)
    # After the ruleset: the conntrack sysctls exist once conntrack is loaded.
    sh("sysctl", "-qw", "net.netfilter.nf_conntrack_tcp_loose=0",
       "net.netfilter.nf_conntrack_tcp_timeout_established=%d" % FW_IDLE_S, ns=NS_F)
    sh("nft", "-f", "-", ns=NS_C, input="""table inet cli {
	chain input { type filter hook input priority 0; policy accept; }
	chain output { type filter hook output priority 0; policy accept; }
}
""", text=True)
    # A dead peer is given up on after about 6 s of retransmissions.
    sh("sysctl", "-qw", "net.ipv4.tcp_retries2=4", ns=NS_S)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--server":
        return server_main()
    if len(sys.argv) > 1 and sys.argv[1] == "--client":
        return client_main(sys.argv[2])
    if len(sys.argv) < 2:
        sys.exit("usage: realhost.py OUTDIR [--seed N]")
    out = sys.argv[1]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--seed" else 1
    os.makedirs(out, exist_ok=True)
    procs = []

    def cleanup(*_):
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
        for n in (NS_C, NS_F, NS_S):
            subprocess.run(["ip", "netns", "del", n], stderr=subprocess.DEVNULL)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(130))
    try:
        topology()
        specs = sessions(seed)
        json.dump(specs, open(out + "/specs.json", "w"))
        me = os.path.abspath(__file__)
        for name, args in (("clean", ["-i", "br0"]), ("any", ["-i", "any"])):
            procs.append(subprocess.Popen(
                ["ip", "netns", "exec", NS_S, "tcpdump", "-n", "-s", "128", "--immediate-mode",
                 "-w", "%s/%s.pcap" % (out, name)] + args + ["tcp port %d" % PORT],
                stderr=subprocess.DEVNULL))
        time.sleep(1)  # tcpdump is listening
        srv = subprocess.Popen(["ip", "netns", "exec", NS_S, "python3", me, "--server"],
                               stdout=subprocess.PIPE, text=True)
        procs.append(srv)
        if srv.stdout.readline().strip() != "ready":
            sys.exit("realhost.py: the server did not start")
        cli = subprocess.Popen(["ip", "netns", "exec", NS_C, "python3", me, "--client",
                                out + "/specs.json"], stdout=subprocess.PIPE, text=True)
        procs.append(cli)
        line = cli.stdout.readline().strip()
        if line != "done":
            sys.exit("realhost.py: the client ended early")
        time.sleep(0.5)
        for p in procs[:2]:  # stop the captures before anything closes
            p.send_signal(signal.SIGINT)
            p.wait(10)
        truth = {str(sp["port"]): {"family": sp["family"], "kind": sp["kind"],
                                   "expect": EXPECT.get(sp["kind"], ["healthy"])}
                 for sp in specs}
        json.dump(truth, open(out + "/truth.json", "w"), indent=0)
    finally:
        cleanup()


if __name__ == "__main__":
    main()
