#!/usr/bin/env python3
"""hostile.py HOST PORT CASE...: misbehaving TNS clients against dcdlab listen.

Each case opens a connection, sends something wrong and checks that the
server closes it (reads EOF or RST within a bound). Prints one JSON line per
case: {"case": ..., "closed": true/false, "after_s": ..., "reply_type": ...}.
The flood case opens N connections that each send most of a maximal packet
and then hang; it holds them until stdin closes, so the caller can measure
the server meanwhile.
"""
import json
import socket
import struct
import sys
import time


def connect_packet(descriptor: bytes, length=None, cdata_len=None, cdata_off=74):
    body = bytearray(74)
    struct.pack_into(">HHHHHH", body, 8, 318, 300, 1, 8192, 65535, 0)
    struct.pack_into(">H", body, 22, 1)
    struct.pack_into(">HH", body, 24, len(descriptor) if cdata_len is None else cdata_len, cdata_off)
    pkt = bytes(body) + descriptor
    total = len(pkt) if length is None else length
    return struct.pack(">HHBBH", total, 0, 1, 0, 0) + pkt[8:]


GOOD = b"(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=x)(PORT=1))(CONNECT_DATA=(SERVICE_NAME=orcl)))"

CASES = {
    "garbage": b"GET / HTTP/1.0\r\nHost: dcdlab\r\n\r\n",
    "zero_length": b"\x00\x00\x00\x00\x01\x00\x00\x00",
    "short_length": b"\x00\x04\x00\x00\x01\x00\x00\x00",
    "bad_type": b"\x00\x08\x00\x00\xee\x00\x00\x00",
    "oversize": b"\xff\xff\x00\x00\x01\x00\x00\x00" + b"A" * 100,
    "data_first": b"\x00\x0e\x00\x00\x06\x00\x00\x00\x00\x00ABCD",
    "short_connect": struct.pack(">HHBBH", 20, 0, 1, 0, 0) + b"\x00" * 12,
    "cdata_past_end": connect_packet(b"(DESCRIPTION=)", cdata_len=500, cdata_off=80)[:88],
    "cdata_zero": connect_packet(b"", cdata_len=0),
    "cdata_into_header": connect_packet(GOOD, cdata_off=10),
    "bad_descriptor": connect_packet(b"((((=)"),
    "deep_nesting": connect_packet(b"(A=" * 100 + b"x" + b")" * 100),
    "binary_descriptor": connect_packet(bytes(range(256))[:200]),
    "truncated": connect_packet(GOOD)[:40],
    "silent": b"",
    "flood_after_connect": connect_packet(GOOD) + b"\x00\x0a\x00\x00\x06\x00\x00\x00\x00\x00" * 2 + b"\xff" * 70000,
}


def run_case(host, port, name, wait_s):
    s = socket.create_connection((host, port), timeout=5)
    t0 = time.monotonic()
    reply = b""
    try:
        if CASES[name]:
            s.sendall(CASES[name])
        s.settimeout(wait_s)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
        closed = True
    except socket.timeout:
        closed = False
    except (ConnectionResetError, BrokenPipeError):
        closed = True
    finally:
        s.close()
    return {
        "case": name,
        "closed": closed,
        "after_s": round(time.monotonic() - t0, 3),
        "reply_type": reply[4] if len(reply) > 4 else None,
        "reply_len": len(reply),
    }


def flood(host, port, n):
    socks = []
    claim = 16384
    for i in range(n):
        s = socket.create_connection((host, port), timeout=10)
        # A CONNECT header claiming the largest pre-ACCEPT size, then most
        # of it, then nothing: the server must hold it, and no more.
        s.sendall(struct.pack(">HHBBH", claim, 0, 1, 0, 0) + b"\x00" * (claim - 9))
        socks.append(s)
    print(json.dumps({"case": "flood", "open": len(socks)}), flush=True)
    sys.stdin.read()  # hold until the caller is done measuring
    alive = 0
    for s in socks:
        s.setblocking(False)
        try:
            if s.recv(1) != b"":
                alive += 1
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
        s.close()
    print(json.dumps({"case": "flood", "still_open": alive}), flush=True)


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    for name in sys.argv[3:]:
        if name.startswith("flood="):
            flood(host, port, int(name.split("=")[1]))
        else:
            print(json.dumps(run_case(host, port, name, 6.0)), flush=True)


if __name__ == "__main__":
    main()
