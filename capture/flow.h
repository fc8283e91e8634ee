/* flow.h - what the analyzer keeps of one TCP flow, and the table that
 * holds the flows (flow.c). Private to capture/: analyze.c classifies each
 * packet into these fields, verdict.c turns them into a verdict. Every time
 * in a flow is in ms since the flow's first packet (its base_ms). */
#ifndef DCDLAB_CAPTURE_FLOW_H
#define DCDLAB_CAPTURE_FLOW_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "analyze.h"

/* A gap this long without a packet counts as idle (for drops/bracket). */
#define IDLE_GAP_MS 1000u
/* The same packet again this soon is a copy the capture made (`-i any`
 * seeing a bridge and its port, a mirror port), not a retransmission:
 * the kernel's earliest retransmission (TLP, RTO) is milliseconds later. */
#define DUP_WINDOW_MS 2u
/* A sender's own RST this soon after its unanswered data is an abort
 * (close with unread data, SO_LINGER 0), not the end of a dead peer's wait:
 * Linux's retransmission give-up sends no RST (tcp_write_err). */
#define ABORT_WINDOW_MS 1000u
/* Packet numbers kept per flow as examples of capture loss. */
#define LOSS_EXAMPLES (sizeof(((struct flow_report *)0)->loss_pkt) / sizeof(uint32_t))
/* How long a closed flow is kept for its last ACKs (capture time). */
#define CLOSE_LINGER_MS 5000u
#define CHUNK_FLOWS     4096u

enum half_bits {
	H_SEEN = 1 << 0,
	H_NXT = 1 << 1, /* nxt is known */
	H_ACK = 1 << 2, /* last_ack is known */
	H_FIN = 1 << 3,
	H_RST = 1 << 4,
	H_ZERO_WIN = 1 << 5, /* its last window was 0 */
	H_PROBE_PENDING = 1 << 6,
	H_ONE_BYTE = 1 << 7,     /* 1-byte probes: Windows */
	H_CAND = 1 << 8,         /* an unsettled zero-length segment (capture began idle) */
	H_DATA_PENDING = 1 << 9, /* data sent and not yet ACKed */
	H_PENDING_AFTER_GAP = 1 << 10,
	H_PENDING_NS = 1 << 11,
	H_RST_INJECTED = 1 << 12,
	H_TTL = 1 << 13,
	H_DATA_SEEN = 1 << 14, /* t_pending holds the start of its last data run */
	H_SIG = 1 << 15,       /* sig is a hash of its last packet (sent at t_last) */
};

/* Flow-wide flags. The flow's latest hole: data of one side the capture did
 * not see (one at a time is enough: a new one replaces it, every one is
 * counted). And which side's pending probe run is of zero-window probes
 * (their unanswered run lives in the same half fields as keepalives'). */
enum flow_bits {
	HOLE_OPEN = 1 << 0,      /* [hole_lo, hole_hi) of one side's data */
	HOLE_AFTER_GAP = 1 << 1, /* ... found right after an idle gap */
	HOLE_ACKED = 1 << 2,     /* ... and the peer ACKed it: capture loss */
	HOLE_SIDE1 = 1 << 3,     /* its side is 1, else 0 */
	HOLE_BITS = 0x0f,
	ZWP_RUN0 = 1 << 4, /* side 0's pending run is zero-window probes */
	ZWP_RUN1 = 1 << 5,
	FIN_FIRST = 1 << 6,       /* a FIN came before any RST: fin_idle_enc holds */
	FIN_FIRST_SIDE1 = 1 << 7, /* ... from side 1, else side 0 */
};

#define ZWP_RUN(d) ((d) ? ZWP_RUN1 : ZWP_RUN0)

/* What one endpoint has sent. Times are ms since the flow's first packet
 * (struct flow's base_ms), never decreasing within a flow.
 * nxt is the next sequence number expected from it once H_NXT is set; while
 * H_CAND it holds the candidate's sequence number instead. A pending
 * keepalive probe's sequence number is nxt - 1 (seq = snd_una - 1 with
 * everything ACKed), so it needs no field of its own. */
struct half {
	uint32_t nxt;
	uint32_t last_ack;        /* the last ACK number it sent */
	uint32_t t_last_ms;       /* its last packet */
	uint32_t t_last_probe_ms; /* also the candidate's time while H_CAND */
	uint32_t t_pending_ms;    /* first unACKed data */
	uint32_t t_rst_ms;
	uint32_t t_last_retrans_ms;
	uint32_t idle_ms;   /* inferred KEEPIDLE, 0 unknown */
	uint32_t intvl_ms;  /* inferred KEEPINTVL, 0 unknown */
	uint32_t pkt_unans; /* first probe of the current unanswered run,
				 * or the candidate while H_CAND */
	uint32_t t_unans_ms;
	uint32_t pkt_pending;
	uint32_t pkt_rst;
	uint32_t packets;
	uint32_t sig; /* a hash of its last packet */
	uint16_t probes, probe_acks, zwp, ns_probes, retrans, retrans_pending;
	uint16_t unans_run;
	uint16_t bits;
	uint16_t data_to_probe_enc; /* last data to its first probe, enc_ms() */
	uint8_t ttl;                /* of its packets before any RST */
	uint8_t rst_ttl;
};

/* IPv4 addresses live in the flow; IPv6 ones beside it (v6_at), so that a
 * flow stays within its memory budget (README: bytes per open session). */
struct flow {
	uint8_t addr[2][4];
	uint16_t port[2];
	uint8_t family;
	uint8_t client : 1; /* which side is the client (0/1) */
	uint8_t state : 2;  /* FLOW_FREE, FLOW_OPEN, FLOW_CLOSING */
	uint8_t pending_gap_side : 1;
	uint16_t fin_idle_enc; /* the first FIN: how long after the last data, enc_ms() */
	uint32_t id;
	uint32_t base_ms[2]; /* its first packet, ms since the capture's start
	                      * (low, high word: no 8-byte alignment to pad) */
	uint32_t t_last_ms;  /* the others are relative to base_ms */
	uint32_t max_gap_ms, survived_gap_ms, pending_gap_ms;
	uint32_t drop_gap_ms; /* the gap before data that then went unanswered */
	uint32_t pkt_gap;     /* first packet after the pending/drop gap */
	uint32_t hole_lo, hole_hi, t_hole_ms, pkt_hole;
	uint16_t not_captured;            /* segments the capture missed (saturating) */
	uint16_t duplicates;              /* copies of one packet (saturating) */
	uint16_t reordered;               /* segments seen after later ones (saturating) */
	uint8_t fbits;                    /* enum flow_bits */
	uint8_t server_ora;               /* the server's last ORA error: ora_known_index(),
	                                   * SERVER_ORA_OTHER another one, 0 none */
	uint32_t loss_pkt[LOSS_EXAMPLES]; /* where the first holes showed */
	uint32_t self;                    /* its own number in the chunks */
	struct half h[2];
};

enum { FLOW_FREE, FLOW_OPEN, FLOW_CLOSING };

/* struct flow's server_ora for an ORA- error ora_text() does not know. */
#define SERVER_ORA_OTHER 255

struct analyzer {
	report_fn on_report;
	pkt_fn on_pkt;
	void *arg;
	uint64_t t0_us;
	bool started;
	uint64_t now_ms, last_ms; /* since the capture's first packet */
	uint32_t last_flow_id;
	bool last_dir_client;
	struct flow *last_flow; /* packets of one exchange come in runs */
	/* Flows live in fixed chunks (never moved); the index maps a hash to
	 * its flow's number, open addressing with linear probing (entries:
	 * index_entry()). */
	struct flow **chunks;
	uint8_t (**v6_chunks)[32]; /* per chunk, made at its first IPv6 flow */
	uint32_t n_chunks, n_flows_alloc, free_head, n_open, next_id;
	uint32_t *index;
	uint32_t index_mask, index_used, index_tomb;
	/* Idle before the server's FIN of each server-ended flow (verdict.c):
	 * grouped at the end (analyzer_finish). */
	double *srv_idle_s;
	size_t n_srv_idle, cap_srv_idle;
	/* Closed flows wait here for their linger to pass (FIFO). */
	uint32_t *closing;
	uint32_t closing_cap, closing_head, closing_tail;
	struct summary s;
	uint64_t marks; /* packets classified for on_pkt */
	/* DCDLAB_CHECK_FASTPATH (analyze.c, steady()): segments checked, and
	 * how many the steady path got wrong. */
	bool check_fast;
	uint64_t fast_checked, fast_differed;
};

/* An index entry: 8 bits of the flow's hash over its number + 1 (24 bits),
 * so that a lookup reads only the flows whose tag matches (1 in 256 of
 * the others): on a busy host nearly every packet is of another flow than
 * the last, and each flow read is a cache miss. 0 is an empty slot. */
#define INDEX_TAG       0xff000000u
#define INDEX_TOMB      0xffffffffu /* a removed entry: probing goes on */
#define INDEX_MAX_FLOWS 0xfffffeu   /* flow numbers 0 .. INDEX_MAX_FLOWS - 1 */

static inline uint32_t index_tag(uint64_t h)
{
	return (uint32_t)h & INDEX_TAG;
}

static inline uint32_t index_entry(uint64_t h, uint32_t n)
{
	return index_tag(h) | (n + 1);
}

/* The index slot where hash h's linear probing starts. */
static inline uint32_t index_slot(const struct analyzer *a, uint64_t h)
{
	return (uint32_t)(h >> 32) & a->index_mask;
}

static inline uint32_t index_flow(uint32_t v)
{
	return (v & ~INDEX_TAG) - 1;
}

/* Serial-number arithmetic (RFC 1982): a < b modulo 2^32. */
static inline bool seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline struct flow *flow_at(const struct analyzer *a, uint32_t n)
{
	return &a->chunks[n / CHUNK_FLOWS][n % CHUNK_FLOWS];
}

/* Flow n's two IPv6 addresses (16 bytes each). */
static inline uint8_t *v6_at(const struct analyzer *a, uint32_t n)
{
	return a->v6_chunks[n / CHUNK_FLOWS][n % CHUNK_FLOWS];
}

static inline const uint8_t *flow_addr(const struct analyzer *a, const struct flow *f, int side)
{
	return f->family == 4 ? f->addr[side] : v6_at(a, f->self) + 16 * side;
}

static inline uint64_t flow_base_ms(const struct flow *f)
{
	return (uint64_t)f->base_ms[1] << 32 | f->base_ms[0];
}

static inline void sat_inc(uint16_t *n)
{
	if (*n < UINT16_MAX)
		(*n)++;
}

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

/* The hash of an IPv6 4-tuple, both directions alike: each endpoint is
 * mixed on its own, and the two are combined with + (order-independent).
 * Words, not bytes: this runs for every packet. */
static inline uint64_t hash_v6(const uint8_t a0[16], uint16_t p0, const uint8_t a1[16], uint16_t p1)
{
	uint64_t e0 = p0, e1 = p1;
	for (unsigned i = 0; i < 16; i += 4) {
		uint32_t w0, w1;
		memcpy(&w0, a0 + i, 4);
		memcpy(&w1, a1 + i, 4);
		e0 = e0 * 0x9e3779b97f4a7c15ull + w0;
		e1 = e1 * 0x9e3779b97f4a7c15ull + w1;
	}
	return mix64(mix64(e0) + mix64(e1));
}

/* The hash of an IPv4 4-tuple, from its addresses and ports as loaded
 * (any byte order; both directions alike): XOR and sum are both
 * order-independent, and together they tell apart the flows of one server
 * (fixed address and port, the client's varying). */
static inline uint64_t hash_v4(uint32_t a0, uint32_t a1, uint16_t p0, uint16_t p1)
{
	uint64_t k = ((uint64_t)(a0 ^ a1) << 32 | (uint32_t)(a0 + a1)) ^
	             ((uint32_t)(p0 ^ p1) << 16 | (uint16_t)(p0 + p1));
	return mix64(k * 0x9e3779b97f4a7c15ull);
}

static inline uint32_t load32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

/* Which side of IPv6 flow f sent `p` (0 or 1), or -1: another flow. */
static inline int flow_match_v6(const struct analyzer *a, const struct flow *f,
                                const struct tcp_pkt *p)
{
	if (f->family != 6)
		return -1;
	const uint8_t *a0 = v6_at(a, f->self), *a1 = a0 + 16;
	if (f->port[0] == p->sport && f->port[1] == p->dport && memcmp(a0, p->src, 16) == 0 &&
	    memcmp(a1, p->dst, 16) == 0)
		return 0;
	if (f->port[1] == p->sport && f->port[0] == p->dport && memcmp(a1, p->src, 16) == 0 &&
	    memcmp(a0, p->dst, 16) == 0)
		return 1;
	return -1;
}

/* The same for IPv4, from the packet's words. Both addresses in one 64-bit
 * compare, both ports in one 32-bit. */
static inline int flow_match_v4(const struct flow *f, uint32_t src, uint32_t dst, uint16_t sport,
                                uint16_t dport)
{
	/* Laid out as in the flow, so any byte order compares alike. */
	const uint32_t fwd_a[2] = { src, dst }, rev_a[2] = { dst, src };
	const uint16_t fwd_p[2] = { sport, dport }, rev_p[2] = { dport, sport };
	uint64_t fa, pa, ra;
	uint32_t fp, pp, rp;

	memcpy(&fa, f->addr, 8);
	memcpy(&pa, fwd_a, 8);
	memcpy(&ra, rev_a, 8);
	memcpy(&fp, f->port, 4);
	memcpy(&pp, fwd_p, 4);
	memcpy(&rp, rev_p, 4);
	if (f->family != 4)
		return -1;
	return fa == pa && fp == pp ? 0 : fa == ra && fp == rp ? 1 : -1;
}

/* Which side of f sent `p`, or -1. */
static inline int flow_side(const struct analyzer *a, const struct flow *f, const struct tcp_pkt *p)
{
	return p->family == 4 ? flow_match_v4(f, load32(p->src), load32(p->dst), p->sport, p->dport)
	                      : flow_match_v6(a, f, p);
}

static inline uint64_t hash_pkt(const struct tcp_pkt *p)
{
	if (p->family == 4)
		return hash_v4(load32(p->src), load32(p->dst), p->sport, p->dport);
	return hash_v6(p->src, p->sport, p->dst, p->dport);
}

/* flow.c: a new flow for `p` (hash h), side 0 its sender. */
struct flow *flow_new(struct analyzer *a, const struct tcp_pkt *p, uint64_t h, int *dir);

/* From slot *i on, the first flow whose entry carries `tag` (another tag
 * is another flow, or a tombstone: not looked at), *i left at its entry;
 * NULL at an empty slot: no more. */
static inline __attribute__((always_inline)) struct flow *index_next(const struct analyzer *a,
                                                                     uint32_t *i, uint32_t tag)
{
	for (uint32_t v; (v = a->index[*i]) != 0; *i = (*i + 1) & a->index_mask)
		if ((v & INDEX_TAG) == tag && v != INDEX_TOMB)
			return flow_at(a, index_flow(v));
	return NULL;
}

/* The flow of `p` in the index (hash h), or a new one. */
static inline __attribute__((always_inline)) struct flow *
flow_lookup(struct analyzer *a, const struct tcp_pkt *p, uint64_t h, int *dir)
{
	uint32_t i = index_slot(a, h), tag = index_tag(h);

	for (struct flow *f; (f = index_next(a, &i, tag)) != NULL; i = (i + 1) & a->index_mask) {
		int d = flow_side(a, f, p);
		if (d >= 0) {
			*dir = d;
			return f;
		}
	}
	return flow_new(a, p, h, dir);
}

/* Look up (or create) the flow of `p` (hash h); *dir is the sending side.
 * `guess` (NULL: the last packet's flow) is tried first: any flow still
 * open whose 4-tuple is the packet's is the one the index holds. */
static inline __attribute__((always_inline)) struct flow *
flow_find(struct analyzer *a, const struct tcp_pkt *p, uint64_t h, struct flow *guess, int *dir)
{
	struct flow *f = guess ? guess : a->last_flow;
	int d;

	if (f && f->state != FLOW_FREE && (d = flow_side(a, f, p)) >= 0) {
		*dir = d;
		a->last_flow = f;
		return f;
	}
	f = flow_lookup(a, p, h, dir);
	a->last_flow = f;
	return f;
}

/* Reading ahead (analyzer_batch): the index slot of hash h into the cache;
 * later, the flow it names (the first with h's tag), also into the cache,
 * as the guess for flow_find(). Always inlined: as calls, GCC finds them
 * free of side effects (a prefetch has none it counts) and drops them. */
static inline __attribute__((always_inline)) void flow_prefetch_slot(const struct analyzer *a,
                                                                     uint64_t h)
{
	__builtin_prefetch(&a->index[index_slot(a, h)]);
}

static inline __attribute__((always_inline)) struct flow *flow_guess(const struct analyzer *a,
                                                                     uint64_t h)
{
	uint32_t i = index_slot(a, h);
	struct flow *f = index_next(a, &i, index_tag(h));
	const char *c = (const char *)f;

	/* Its first two lines; the rest comes on demand. Fetching all four
	 * or five was 1-3 % slower on a busy host's capture, never faster
	 * (README, "Where the time goes"). */
	if (f) {
		__builtin_prefetch(c);
		__builtin_prefetch(c + 64);
	}
	return f;
}

static inline bool hole_of(const struct flow *f, int d)
{
	return (f->fbits & HOLE_OPEN) && !!(f->fbits & HOLE_SIDE1) == !!d;
}

/* A duration in 16 bits: 10 ms steps up to 327 s, then 1 s steps up to
 * about 9 h (it fits in padding; the flow's size is budgeted). 0 = unknown. */
static inline uint16_t enc_ms(uint32_t ms)
{
	if (ms < 32767u * 10)
		return (uint16_t)(ms / 10 + 1);
	uint32_t s = ms / 1000;
	return (uint16_t)(32768u + (s < 32767u ? s : 32767u));
}

static inline double dec_s(uint16_t v)
{
	return v == 0 ? -1 : v < 32768u ? (v - 1) / 100.0 : (double)(v - 32768u);
}

/* flow.c: forget a flow (its number n); queue a closed flow for its linger;
 * report and forget the flows whose linger has passed. */
void flow_release(struct analyzer *a, struct flow *f, uint32_t n);
void closing_push(struct analyzer *a, uint32_t n);
void expire_closed(struct analyzer *a);

/* analyze.c: remember a server-ended flow's idle time (verdict.c tells). */
void note_server_idle(struct analyzer *a, double idle_s);

/* verdict.c: the flow's verdict with evidence, handed to on_report. */
void finish_flow(struct analyzer *a, struct flow *f);

#endif
