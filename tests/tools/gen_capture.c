/* gen_capture.c - a synthetic database-host capture with ground truth, for
 * `make bench`: N sessions (clients 203.0.113.x, server 198.51.100.2:1521)
 * over ROUNDS rounds of 600 s, each round a burst of calls then an idle
 * period answered by an Oracle DCD keepalive (EXPIRE_TIME=10: 600/6/10).
 * Sessions end as:
 *   alive          still open at the end                (70%)
 *   closed         FIN both ways in the last round      (15%)
 *   dead-peer      the client vanishes: 10 probes 6 s apart, then RST (10%)
 *   firewall-drop  3700 s idle (> a 3600 s firewall), then the client's
 *                  call is retransmitted 5 times, never answered  (5%)
 * With a fifth argument "interleaved" every call is at a random time of its
 * round and answered 1-50 ms later, ACKed 40 ms after that (delayed ACK):
 * as on a busy host, nearly every packet is of another flow than the last.
 * usage: gen_capture OUT.pcap SESSIONS ROUNDS CALLS_PER_ROUND [interleaved]
 *        > truth.json */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rec {
	uint64_t ts_us;
	uint32_t off; /* into the frame arena */
	uint16_t len;
};

static struct rec *recs;
static uint8_t *arena;
static size_t n_recs, cap_recs, arena_len, arena_cap;

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

struct sess {
	uint8_t cli[4];
	uint16_t cport;
	uint32_t cseq, sseq;
};

static const uint8_t SRV[4] = { 198, 51, 100, 2 };

/* Append one Ethernet/IPv4/TCP frame. */
static void frame(uint64_t ts_us, struct sess *s, int from_client, uint8_t flags, uint32_t seq,
                  uint32_t ack, uint16_t payload, uint8_t ttl)
{
	uint16_t len = (uint16_t)(54 + payload);
	if (n_recs == cap_recs) {
		cap_recs = cap_recs ? cap_recs * 2 : 1 << 20;
		recs = realloc(recs, cap_recs * sizeof(*recs));
	}
	if (arena_len + len > arena_cap) {
		arena_cap = arena_cap ? arena_cap * 2 : 64u << 20;
		arena = realloc(arena, arena_cap);
	}
	if (recs == NULL || arena == NULL) {
		fputs("gen_capture: out of memory\n", stderr);
		exit(1);
	}
	uint8_t *p = arena + arena_len;
	memset(p, 0, 54);
	memcpy(p, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00", 14);
	uint8_t *ip = p + 14, *t = ip + 20;
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(40 + payload));
	put16(ip + 4, (uint16_t)n_recs);
	ip[6] = 0x40;
	ip[8] = ttl;
	ip[9] = 6;
	memcpy(ip + 12, from_client ? s->cli : SRV, 4);
	memcpy(ip + 16, from_client ? SRV : s->cli, 4);
	put16(t, from_client ? s->cport : 1521);
	put16(t + 2, from_client ? 1521 : s->cport);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = 5 << 4;
	t[13] = flags;
	put16(t + 14, 502);
	memset(t + 20, 'd', payload);
	recs[n_recs++] = (struct rec){ ts_us, (uint32_t)arena_len, len };
	arena_len += len;
}

enum { F_FIN = 1, F_SYN = 2, F_RST = 4, F_PSH = 8, F_ACK = 16 };

/* One call at t; the answer `answer_us` later, its ACK `ack_us` after that.
 * Returns the time of its last packet. */
static uint64_t call(uint64_t t, struct sess *s, uint64_t answer_us, uint64_t ack_us)
{
	frame(t, s, 1, F_PSH | F_ACK, s->cseq, s->sseq, 40, 64);
	s->cseq += 40;
	frame(t + answer_us, s, 0, F_PSH | F_ACK, s->sseq, s->cseq, 60, 64);
	s->sseq += 60;
	frame(t + answer_us + ack_us, s, 1, F_ACK, s->cseq, s->sseq, 0, 64);
	return t + answer_us + ack_us;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	return x->ts_us < y->ts_us ? -1 : x->ts_us > y->ts_us;
}

int main(int argc, char **argv)
{
	if (argc != 5 && !(argc == 6 && strcmp(argv[5], "interleaved") == 0)) {
		fputs("usage: gen_capture OUT.pcap SESSIONS ROUNDS CALLS_PER_ROUND [interleaved] "
		      "> truth.json\n",
		      stderr);
		return 2;
	}
	int interleaved = argc == 6;
	long n = strtol(argv[2], NULL, 10), rounds = strtol(argv[3], NULL, 10),
	     calls = strtol(argv[4], NULL, 10);
	if (n < 1 || n > 4000000 || rounds < 2 || calls < 1 || calls > 1000) {
		fputs("gen_capture: bad SESSIONS/ROUNDS/CALLS\n", stderr);
		return 2;
	}
	const uint64_t S = 1000000, t0 = 1700000000ull * S, round_us = 600 * S;
	long truth[4] = { 0 }; /* alive, closed, dead-peer, firewall-drop */
	srand(42);
	for (long i = 0; i < n; i++) {
		struct sess s = { .cli = { 203, 0, 113, (uint8_t)(1 + i % 250) },
			          .cport = (uint16_t)(10000 + (i / 250) % 55000),
			          .cseq = (uint32_t)rand(),
			          .sseq = (uint32_t)rand() };
		int kind = i % 20 < 14 ? 0 : i % 20 < 17 ? 1 : i % 20 < 19 ? 2 : 3;
		/* Spread sessions over the first round. */
		uint64_t t = t0 + (uint64_t)i * (round_us / 2 / (uint64_t)n);
		truth[kind]++;
		frame(t, &s, 1, F_SYN, s.cseq++, 0, 0, 64);
		frame(t + 100, &s, 0, F_SYN | F_ACK, s.sseq++, s.cseq, 0, 64);
		frame(t + 200, &s, 1, F_ACK, s.cseq, s.sseq, 0, 64);
		uint64_t last = t;
		for (long r = 0; r < rounds; r++) {
			uint64_t rt = t + (uint64_t)r * round_us + 1000;
			int final = r == rounds - 1;
			if (interleaved) {
				/* Random times in the round, in order, 100 ms apart at
				 * least so that a call ends before the next begins. */
				uint64_t at[1000];
				for (long c = 0; c < calls; c++)
					at[c] = rt + (uint64_t)rand() % (round_us - 2 * S);
				qsort(at, (size_t)calls, sizeof(at[0]), cmp_u64);
				for (long c = 1; c < calls; c++)
					if (at[c] < at[c - 1] + 100000)
						at[c] = at[c - 1] + 100000;
				for (long c = 0; c < calls; c++)
					last = call(at[c], &s, 1000 + (uint64_t)rand() % 49000,
					            40000);
			} else {
				for (long c = 0; c < calls; c++)
					last = call(rt + (uint64_t)c * 20000, &s, 300, 300);
			}
			if (final && kind == 1) {
				frame(last + 5000, &s, 1, F_FIN | F_ACK, s.cseq++, s.sseq, 0, 64);
				frame(last + 5300, &s, 0, F_FIN | F_ACK, s.sseq++, s.cseq, 0, 64);
				frame(last + 5600, &s, 1, F_ACK, s.cseq, s.sseq, 0, 64);
				break;
			}
			if (final && kind == 2) {
				/* 600 s after the last packet received: 10 probes, RST. */
				for (int k = 0; k < 10; k++)
					frame(last + 600 * S + (uint64_t)k * 6 * S, &s, 0, F_ACK,
					      s.sseq - 1, s.cseq, 0, 64);
				frame(last + 660 * S, &s, 0, F_RST | F_ACK, s.sseq, s.cseq, 0, 64);
				break;
			}
			if (final && kind == 3) {
				uint64_t late = last + 3700 * S, rto = 200000;
				for (int k = 0; k <= 5; k++) {
					frame(late, &s, 1, F_PSH | F_ACK, s.cseq, s.sseq, 40, 64);
					late += rto;
					rto *= 2;
				}
				break;
			}
			if (!final) /* idle until the next round: a keepalive after 600 s? No:
				       * the next round starts first unless calls fill it. */
				continue;
		}
		/* Alive sessions: one answered keepalive 600 s after the last call. */
		if (kind == 0) {
			frame(last + 600 * S, &s, 0, F_ACK, s.sseq - 1, s.cseq, 0, 64);
			frame(last + 600 * S + 200, &s, 1, F_ACK, s.cseq, s.sseq, 0, 64);
		}
	}
	qsort(recs, n_recs, sizeof(*recs), cmp);
	FILE *f = fopen(argv[1], "wb");
	if (f == NULL) {
		perror(argv[1]);
		return 1;
	}
	uint8_t gh[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0 };
	gh[16] = 128; /* snaplen 128 */
	gh[20] = 1;   /* Ethernet */
	fwrite(gh, 1, 24, f);
	for (size_t i = 0; i < n_recs; i++) {
		uint32_t h[4] = { (uint32_t)(recs[i].ts_us / S), (uint32_t)(recs[i].ts_us % S),
			          recs[i].len, recs[i].len };
		fwrite(h, 4, 4, f);
		fwrite(arena + recs[i].off, 1, recs[i].len, f);
	}
	fclose(f);
	printf("{\"packets\":%zu,\"flows\":%ld,\"alive\":%ld,\"closed\":%ld,\"dead-peer\":%ld,"
	       "\"firewall-drop\":%ld}\n",
	       n_recs, n, truth[0], truth[1], truth[2], truth[3]);
	return 0;
}
