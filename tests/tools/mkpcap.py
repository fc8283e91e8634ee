#!/usr/bin/env python3
"""mkpcap.py DIR: hand-built captures with known ground truth.

Each capture is a short TCP conversation between 192.0.2.2:40000 (client)
and 198.51.100.2:1521 (server), written frame by frame, for the cases the
kernel will not produce on demand and for every supported link type.
Ground truth for each file is in TRUTH below (tests read it with --truth).
"""
import json
import os
import struct
import sys

C, S = bytes([192, 0, 2, 2]), bytes([198, 51, 100, 2])
C6 = bytes.fromhex("20010db8000000000000000000000002")
S6 = bytes.fromhex("20010db8000000000000000000000001")
CP, SP = 40000, 1521
FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16


def csum(b):
    return 0  # checksums are not checked by dcdlab or tshark by default


def tcp(sport, dport, seq, ack, flags, win=502, payload=b""):
    return struct.pack(">HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                       5 << 4, flags, win, 0, 0) + payload


def ipv4(src, dst, seg, ttl=64, ident=1, ihl=5):
    total = ihl * 4 + len(seg)
    hdr = struct.pack(">BBHHHBBH4s4s", 0x40 | ihl, 0, total, ident, 0x4000, ttl, 6, 0, src, dst)
    return hdr + b"\x00" * (ihl * 4 - 20) + seg


def ipv6(src, dst, seg, hop=64, ext=False):
    if ext:
        # hop-by-hop (8 bytes, PadN) then destination options, then TCP
        hbh = bytes([60, 0, 1, 4, 0, 0, 0, 0])
        dst_opts = bytes([6, 0, 1, 4, 0, 0, 0, 0])
        body = hbh + dst_opts + seg
        nh = 0
    else:
        body, nh = seg, 6
    return struct.pack(">IHBB16s16s", 6 << 28, len(body), nh, hop, src, dst) + body


def ether(ip, v6=False, tags=0):
    et = 0x86DD if v6 else 0x0800
    hdr = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02"
    for i in range(tags):
        hdr += struct.pack(">HH", 0x88A8 if (tags == 2 and i == 0) else 0x8100, 100 + i)
    return hdr + struct.pack(">H", et) + ip


def sll(ip, v6=False):
    return struct.pack(">HHH8sH", 0, 1, 6, b"\x02\x00\x00\x00\x00\x01\x00\x00", 0x86DD if v6 else 0x0800) + ip


def sll2(ip, v6=False):
    return struct.pack(">HHIHBB8s", 0x86DD if v6 else 0x0800, 0, 2, 1, 0, 6, b"\x02\x00\x00\x00\x00\x01\x00\x00") + ip


def null(ip, v6=False):
    return struct.pack("<I", 10 if v6 else 2) + ip


LINKS = {"ether": (1, ether), "sll": (113, sll), "sll2": (276, sll2), "raw": (101, lambda ip, v6=False: ip),
         "null": (0, null)}


def write(path, frames, linktype=1, snaplen=65535, truncate_to=None):
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype)
    for t, frame in frames:
        cap = frame[:snaplen]
        out += struct.pack("<IIII", int(t), int(round((t - int(t)) * 1e6)), len(cap), len(frame)) + cap
    if truncate_to is not None:
        out = out[:truncate_to]
    with open(path, "wb") as f:
        f.write(out)


class Conv:
    """A conversation: client and server sequence numbers tracked."""

    def __init__(self, link="ether", v6=False, ext=False, tags=0):
        self.frames, self.cseq, self.sseq = [], 1000, 5000
        self.ident = {True: 100, False: 7000}
        self.link, self.v6, self.ext, self.tags = link, v6, ext, tags

    def pkt(self, t, from_client, flags, payload=b"", seq=None, win=502, ttl=64, ack=None):
        src, dst = (C6, S6) if self.v6 else (C, S)
        if not from_client:
            src, dst = dst, src
        sp, dp = (CP, SP) if from_client else (SP, CP)
        s = seq if seq is not None else (self.cseq if from_client else self.sseq)
        a = ack if ack is not None else (self.sseq if from_client else self.cseq)
        seg = tcp(sp, dp, s, a, flags, win, payload)
        # Each sender numbers its IPv4 packets, as Linux does per socket.
        self.ident[from_client] += 1
        ident = self.ident[from_client]
        ip = ipv6(src, dst, seg, ttl, self.ext) if self.v6 else ipv4(src, dst, seg, ttl, ident)
        lt, fn = LINKS[self.link]
        frame = fn(ip, self.v6) if self.link != "ether" else ether(ip, self.v6, self.tags)
        self.frames.append((t, frame))
        if seq is None:
            adv = len(payload) + (1 if flags & (SYN | FIN) else 0)
            if from_client:
                self.cseq += adv
            else:
                self.sseq += adv
        return len(self.frames)

    def handshake(self, t=1.0):
        self.pkt(t, True, SYN)
        self.pkt(t + 0.001, False, SYN | ACK)
        self.pkt(t + 0.002, True, ACK)

    def call(self, t, n=20):
        self.pkt(t, True, PSH | ACK, b"c" * n)
        self.pkt(t + 0.001, False, PSH | ACK, b"s" * n)
        self.pkt(t + 0.002, True, ACK)

    def ka(self, t, from_client, answered=True, one_byte=False, ack_win=502):
        seq = (self.cseq if from_client else self.sseq) - 1
        n = self.pkt(t, from_client, ACK, b"\x00" if one_byte else b"", seq=seq)
        if answered:
            m = self.pkt(t + 0.0005, not from_client, ACK, win=ack_win)
            return n, m
        return n, None


TRUTH = {}


def case(name, conv, truth, **kw):
    lt = LINKS[conv.link][0]
    write(os.path.join(OUT, name + ".pcap"), conv.frames, lt, **kw)
    TRUTH[name] = truth


def main():
    global OUT
    OUT = sys.argv[1]
    os.makedirs(OUT, exist_ok=True)

    # Answered keepalives every 10 s, ACK windows changing: still KA ACKs.
    c = Conv()
    c.handshake()
    c.call(1.1)
    kas, acks = [], []
    for i, t in enumerate((11.1, 21.1, 31.1)):
        n, m = c.ka(t, False, ack_win=502 + i * 7)
        kas.append(n)
        acks.append(m)
    c.call(35.0)
    case("window-change", c, {"verdict": "alive", "keepalive": kas, "keepalive_ack": acks,
                              "server_idle_s": 10.0})

    # Linux zero-window probes: same shape as keepalives (seq = snd_una - 1),
    # but the client advertised a zero window.
    c = Conv()
    c.handshake()
    c.pkt(1.1, True, PSH | ACK, b"q" * 20)
    c.pkt(1.2, False, PSH | ACK, b"r" * 1000)
    c.pkt(1.21, True, ACK, win=0)
    zwp = []
    for t in (1.5, 2.1, 3.3):
        n = c.pkt(t, False, ACK, seq=c.sseq - 1)
        zwp.append(n)
        c.pkt(t + 0.0005, True, ACK, win=0)
    c.pkt(4.0, True, ACK, win=502)
    c.call(4.5)
    case("zero-window", c, {"verdict": "alive", "keepalive": [], "keepalive_ack": [],
                            "zero_window_probe": zwp})

    # Both sides probe at the same moment; each answers the other.
    c = Conv()
    c.handshake()
    c.call(1.1)
    a = c.pkt(11.1, True, ACK, seq=c.cseq - 1)
    b = c.pkt(11.1002, False, ACK, seq=c.sseq - 1)
    a2 = c.pkt(11.1004, False, ACK)
    b2 = c.pkt(11.1006, True, ACK)
    c.call(15.0)
    case("both-probing", c, {"verdict": "alive", "keepalive": [a, b], "keepalive_ack": [a2, b2]})

    # Windows: 1-byte probes (payload 0x00), every 2 s unanswered... then RST.
    c = Conv()
    c.handshake()
    c.call(1.1)
    kas = []
    n, m = c.ka(3.1, True, one_byte=True)
    kas.append(n)
    for t in (5.1, 6.1, 7.1):
        n, _ = c.ka(t, True, answered=False, one_byte=True)
        kas.append(n)
    c.pkt(8.1, True, RST | ACK)
    case("windows-probes", c, {"verdict": "dead-peer", "keepalive": kas, "keepalive_ack": [m],
                               "client_profile": "windows"})

    # Oracle 12c+ DCD, EXPIRE_TIME=1 (60/6/10) on the server, client gone.
    c = Conv()
    c.handshake()
    c.call(1.1)
    kas, acks = [], []
    n, m = c.ka(61.1, False)
    kas.append(n)
    acks.append(m)
    for i in range(10):
        n, _ = c.ka(121.1 + 6 * i, False, answered=False)
        kas.append(n)
    rst = c.pkt(181.1, False, RST | ACK)
    case("oracle-dcd-dead", c, {"verdict": "dead-peer", "keepalive": kas, "keepalive_ack": acks,
                                "server_profile": "oracle-dcd", "expire_time_min": 1,
                                "count": 10, "interval_s": 6.0, "detect_s": 120.0 - 0.0005,
                                "server_data_to_probe_s": 60.0})

    # A capture that begins in an idle period: nothing but probes and ACKs.
    c = Conv()
    c.cseq, c.sseq = 70000, 90000
    kas, acks = [], []
    for t in (100.0, 160.0, 220.0):
        n, m = c.ka(t, False)
        kas.append(n)
        acks.append(m)
    case("starts-idle-hand", c, {"verdict": "alive", "keepalive": kas, "keepalive_ack": acks,
                                 "server_idle_s": 60.0})

    # The ACK after a FIN: a FIN, then an ACK with seq = FIN's seq + 1 - 1.
    c = Conv()
    c.handshake()
    c.call(1.1)
    c.pkt(2.0, True, FIN | ACK)
    c.pkt(2.001, False, ACK)
    c.pkt(2.002, False, FIN | ACK)
    last = c.pkt(2.003, True, ACK, seq=c.cseq - 1)  # stale seq: not a keepalive
    case("ack-after-fin", c, {"verdict": "closed", "keepalive": [], "keepalive_ack": []})

    # After 400 s idle the client's call is lost before the capture point
    # (server side); its next segment starts past it and the server's ACKs
    # never cover it.
    c = Conv()
    c.handshake()
    c.call(1.1)
    old = c.cseq
    c.cseq += 30                     # 30 bytes sent at 401.0, never seen here
    jump = c.pkt(401.5, True, PSH | ACK, b"x" * 10)
    c.pkt(401.501, False, ACK, ack=old)  # the server still ACKs the old sequence
    case("seq-jump", c, {"verdict": "firewall-drop", "keepalive": [], "keepalive_ack": []})

    # The same, but the server ACKs the 30 bytes: they crossed the capture
    # point, the capture missed them (tcpdump "dropped by kernel").
    c = Conv()
    c.handshake()
    c.call(1.1)
    c.cseq += 30
    c.pkt(401.5, True, PSH | ACK, b"x" * 10)
    c.pkt(401.501, False, PSH | ACK, b"y" * 20)
    c.pkt(401.502, True, ACK)
    case("capture-loss-acked", c, {"verdict": "alive", "not_captured": 1, "keepalive": []})

    # Capture loss of a server answer after an idle gap: the client's ACK
    # covers bytes never seen (Wireshark: ACKed segment that wasn't captured).
    c = Conv()
    c.handshake()
    c.call(1.1)
    c.pkt(30.0, True, PSH | ACK, b"c" * 20)
    c.sseq += 20                      # the answer, not captured
    c.pkt(30.041, True, ACK)
    c.call(31.0)
    case("capture-loss-answer", c, {"verdict": "alive", "not_captured": 1})

    # Two segments of an answer swapped by the capture (multi-queue NIC):
    # the late one is not a retransmission and nothing was lost.
    c = Conv()
    c.handshake()
    c.call(1.1)
    c.pkt(5.0, True, PSH | ACK, b"c" * 20)
    s0 = c.sseq
    c.pkt(5.0011, False, ACK, b"b" * 100, seq=s0 + 100)
    c.pkt(5.0010, False, ACK, b"a" * 100, seq=s0)
    c.sseq += 200
    c.pkt(5.002, True, ACK)
    c.call(6.0)
    case("reordered", c, {"verdict": "alive", "not_captured": 0, "reordered": 1, "retransmissions": 0})

    # `tcpdump -i any` over a bridge: every packet twice. The server aborts
    # (an answer, then its own RST at once): not a dead peer. The answer is
    # ORA-00028: the database killed the session (server-ended).
    c = Conv()
    c.handshake()
    c.call(1.1)
    c.pkt(2.0, True, PSH | ACK, b"c" * 20)
    c.pkt(2.001, False, PSH | ACK, b"ORA-00028" + b"s" * 11)
    c.pkt(2.0012, False, RST | ACK)
    frames = []
    for t, fr in c.frames:
        frames += [(t, fr), (t + 0.00002, fr)]
    c.frames = frames
    case("duplicated-abort", c, {"verdict": "server-ended", "duplicates": 9, "retransmissions": 0})

    # A client that dies in the middle of a long answer: it ACKed the first
    # part, then nothing; the server retransmits. Dead peer, though the
    # client's last ACK came after the answer began.
    c = Conv()
    c.handshake()
    c.call(1.1)
    c.pkt(2.0, True, PSH | ACK, b"c" * 20)
    s0 = c.sseq
    for i in range(4):
        c.pkt(2.001 + i * 0.001, False, ACK, b"r" * 1000)
    c.pkt(2.003, True, ACK, ack=s0 + 2000)
    for i in range(3):
        c.pkt(2.006 + i * 0.001, False, ACK, b"r" * 1000)
    for i, dt in enumerate((0.21, 0.63, 1.47)):
        c.pkt(2.008 + dt, False, ACK, b"r" * 1000, seq=s0 + 2000)
    case("dies-mid-answer", c, {"verdict": "dead-peer"})

    # A path that passes pure ACKs but drops data: the client's call is
    # retransmitted and never ACKed while the server's keepalives and ACKs
    # keep coming.
    c = Conv()
    c.handshake()
    c.call(1.1)
    c.pkt(3.0, True, PSH | ACK, b"c" * 20)
    cs = c.cseq - 20
    for dt in (0.21, 0.63, 1.47, 3.15):
        c.pkt(3.0 + dt, True, PSH | ACK, b"c" * 20, seq=cs)
        c.pkt(3.0 + dt + 0.0005, False, ACK, ack=cs)
    case("data-dropped-acks-pass", c, {"verdict": "firewall-drop"})

    # A firewall forgot the flow: the call after 400 s idle is retransmitted
    # and never answered; later the client's port is reused by a new session
    # (no FIN or RST in between). Two flows, the first dropped.
    c = Conv()
    c.handshake()
    c.call(1.1)
    c.pkt(401.0, True, PSH | ACK, b"c" * 20)
    cs = c.cseq - 20
    for dt in (0.21, 0.63, 1.47):
        c.pkt(401.0 + dt, True, PSH | ACK, b"c" * 20, seq=cs)
    c.cseq, c.sseq = 90000, 70000
    c.handshake(t=500.0)
    c.call(500.1)
    case("port-reuse", c, {"flows": ["firewall-drop", "alive"]})

    # A timestamp 1 ms earlier than the one before (merged files): no
    # negative gap, no wrap to 49 days.
    c = Conv()
    c.handshake()
    c.call(1.1)
    c.pkt(2.0, True, PSH | ACK, b"c" * 20)
    c.pkt(1.999, False, PSH | ACK, b"s" * 20)
    c.pkt(2.001, True, ACK)
    case("time-backwards", c, {"verdict": "alive", "idle_max_lt": 2.0})

    # A RST injected by a middlebox: another TTL than the server's packets.
    c = Conv()
    c.handshake()
    c.call(1.1)
    c.pkt(400.0, True, PSH | ACK, b"late call")
    c.pkt(400.001, False, RST, ttl=250)
    case("injected-rst", c, {"verdict": "firewall-drop", "keepalive": [], "keepalive_ack": []})

    # Every link type and IPv6 with extension headers: the same keepalive.
    for link, v6, ext, tags in (("ether", False, False, 1), ("ether", False, False, 2),
                                ("sll", False, False, 0), ("sll2", True, False, 0),
                                ("raw", True, True, 0), ("null", False, False, 0)):
        c = Conv(link, v6, ext, tags)
        c.handshake()
        c.call(1.1)
        n, m = c.ka(3.1, False)
        c.call(4.0)
        name = "link-%s%s%s%s" % (link, "-v6" if v6 else "", "-ext" if ext else "",
                                  "-tags%d" % tags if tags else "")
        case(name, c, {"verdict": "alive", "keepalive": [n], "keepalive_ack": [m]})

    # Snaplen 54: headers only (Ethernet+IPv4+TCP); still analyzable.
    c = Conv()
    c.handshake()
    c.call(1.1, n=500)
    n, m = c.ka(3.1, False)
    c.call(4.0, n=500)
    case("snaplen-54", c, {"verdict": "alive", "keepalive": [n], "keepalive_ack": [m]}, snaplen=54)

    # A file cut in the middle of a packet record.
    c = Conv()
    c.handshake()
    c.call(1.1)
    c.ka(3.1, False)
    c.call(4.0)
    case("truncated-file", c, {"truncated": True, "packets_before": 9}, truncate_to=24 + 9 * 16 + sum(len(f) for _, f in c.frames[:9]) + 30)

    # Malformed headers in the middle of a good conversation.
    c = Conv()
    c.handshake()
    c.frames.append((1.05, ether(b"\x45\x00\x00\x10" + b"\x00" * 16)))          # total < ihl
    c.frames.append((1.06, ether(b"\x4f\x00\x00\x28" + b"\x00" * 36)))          # ihl 60 > total 40
    c.frames.append((1.07, ether(ipv4(C, S, tcp(CP, SP, 1, 1, ACK)[:12] + b"\x10" + b"\x00" * 7))))  # doff 4
    c.frames.append((1.08, ether(ipv4(C, S, tcp(CP, SP, 1, 1, ACK)[:12] + b"\xf0" + b"\x00" * 7))))  # doff 60
    c.frames.append((1.09, b"\x02\x00"))                                        # 2-byte frame
    c.frames.append((1.10, ether(b"\x60" + b"\x00" * 10)))                      # short IPv6
    c.call(1.2)
    case("malformed", c, {"verdict": "alive", "keepalive": [], "keepalive_ack": [],
                          "skipped": {"malformed": 4, "truncated": 2}})

    # A record whose header says fewer original bytes than were captured
    # (caplen > len): the IP header's length is what counts.
    c = Conv()
    c.handshake()
    c.call(1.1)
    n, m = c.ka(3.1, False)
    c.call(4.0)
    case("caplen-gt-len", c, {"verdict": "alive", "keepalive": [n], "keepalive_ack": [m]})
    path = os.path.join(OUT, "caplen-gt-len.pcap")
    b = bytearray(open(path, "rb").read())
    off = 24
    for i in range(4):  # the 5th record's orig len := 20
        off += 16 + struct.unpack_from("<I", b, off + 8)[0]
    struct.pack_into("<I", b, off + 12, 20)
    open(path, "wb").write(bytes(b))

    with open(os.path.join(OUT, "truth.json"), "w") as f:
        json.dump(TRUTH, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
