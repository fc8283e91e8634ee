/* analyze.c - where a packet becomes a verdict.
 *
 * analyzer_packet() finds the flow, then classify() reads the segment
 * against what each side has sent so far (Linux keepalive: a segment of 0
 * or 1 byte with seq = snd_una - 1, net/ipv4/tcp_output.c
 * tcp_xmit_probe_skb; Wireshark's rule in packet-tcp.c is the same test
 * against "next expected seq"), and finish_flow() turns the flow's state
 * into a verdict with evidence.
 *
 * Where Wireshark goes wrong, and what is done here instead:
 *  - capture starting in an idle period: Wireshark has no next-expected seq
 *    and calls the probes Dup ACKs. Here the peer's ACK number stands in for
 *    it, and a first zero-length segment is held as a candidate until the
 *    peer's ACK (ack == seq + 1) or a repeat of it settles what it was.
 *  - Linux zero-window probes have the same shape (seq = snd_una - 1): a
 *    probe while the peer's last window was 0 is a zero-window probe.
 *  - after a side's FIN its pure ACKs are never keepalives.
 *  - a keepalive ACK whose window changed is still a keepalive ACK.
 *  - both sides probing: each side's pending probe is tracked apart. */
#include "analyze.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/tns.h"
#include "../model/sqlnet.h"

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
	uint32_t last_ack;     /* the last ACK number it sent */
	uint32_t t_last;       /* its last packet */
	uint32_t t_last_probe; /* also the candidate's time while H_CAND */
	uint32_t t_pending;    /* first unACKed data */
	uint32_t t_rst;
	uint32_t t_last_retrans;
	uint32_t idle_ms;   /* inferred KEEPIDLE, 0 unknown */
	uint32_t intvl_ms;  /* inferred KEEPINTVL, 0 unknown */
	uint32_t pkt_unans; /* first probe of the current unanswered run,
				 * or the candidate while H_CAND */
	uint32_t t_unans;
	uint32_t pkt_pending;
	uint32_t pkt_rst;
	uint32_t packets;
	uint32_t sig; /* a hash of its last packet */
	uint16_t probes, probe_acks, zwp, ns_probes, retrans, retrans_pending;
	uint16_t unans_run;
	uint16_t bits;
	uint16_t data_to_probe; /* last data to its first probe, enc_ms() */
	uint8_t ttl;            /* of its packets before any RST */
	uint8_t rst_ttl;
};

/* IPv4 addresses live in the flow; IPv6 ones beside it (v6_at), so that a
 * flow stays within its memory budget (README: bytes per open session). */
struct flow {
	uint8_t addr[2][4];
	uint16_t port[2];
	uint8_t family;
	uint8_t client; /* which side is the client (0/1) */
	uint8_t state;  /* FLOW_FREE, FLOW_OPEN, FLOW_CLOSING */
	uint8_t pending_gap_side;
	uint32_t id;
	uint32_t base_ms[2]; /* its first packet, ms since the capture's start
	                      * (low, high word: no 8-byte alignment to pad) */
	uint32_t t_last;     /* the others are relative to base_ms */
	uint32_t max_gap, survived_gap, pending_gap;
	uint32_t drop_gap; /* the gap before data that then went unanswered */
	uint32_t pkt_gap;  /* first packet after the pending/drop gap */
	uint32_t hole_lo, hole_hi, t_hole, pkt_hole;
	uint16_t not_captured;            /* segments the capture missed (saturating) */
	uint16_t duplicates;              /* copies of one packet (saturating) */
	uint16_t reordered;               /* segments seen after later ones (saturating) */
	uint8_t fbits;                    /* enum flow_bits */
	uint32_t loss_pkt[LOSS_EXAMPLES]; /* where the first holes showed */
	uint32_t self;                    /* its own number in the chunks */
	struct half h[2];
};

enum { FLOW_FREE, FLOW_OPEN, FLOW_CLOSING };

const unsigned FLOW_BYTES = sizeof(struct flow);

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
	 * flow number + 1, open addressing with linear probing. */
	struct flow **chunks;
	uint8_t (**v6_chunks)[32]; /* per chunk, made at its first IPv6 flow */
	uint32_t n_chunks, n_flows_alloc, free_head, n_open, next_id;
	uint32_t *index;
	uint32_t index_mask, index_used, index_tomb;
	/* Closed flows wait here for their linger to pass (FIFO). */
	uint32_t *closing;
	uint32_t closing_cap, closing_head, closing_tail;
	struct summary s;
};

const double gap_bucket_s[GAP_BUCKETS] = {
	10, 60, 300, 600, 1800, 3600, 7200, 14400, 86400, 1e300
};

const char *pkt_class_name(enum pkt_class c)
{
	switch (c) {
	case PKT_KEEPALIVE: return "keepalive";
	case PKT_KEEPALIVE_ACK: return "keepalive-ack";
	case PKT_ZERO_WINDOW_PROBE: return "zero-window-probe";
	case PKT_NS_PROBE: return "ns-probe";
	case PKT_RETRANSMISSION: return "retransmission";
	}
	return "?";
}

/* A duration in 16 bits: 10 ms steps up to 327 s, then 1 s steps up to
 * about 9 h (it fits in padding; the flow's size is budgeted). 0 = unknown. */
static uint16_t enc_ms(uint32_t ms)
{
	if (ms < 32767u * 10)
		return (uint16_t)(ms / 10 + 1);
	uint32_t s = ms / 1000;
	return (uint16_t)(32768u + (s < 32767u ? s : 32767u));
}

static double dec_s(uint16_t v)
{
	return v == 0 ? -1 : v < 32768u ? (v - 1) / 100.0 : (double)(v - 32768u);
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

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

/* Symmetric (both directions hash alike): each endpoint is mixed on its
 * own, and the two are combined with + (order-independent). Words, not
 * bytes: this runs for every packet. */
static uint64_t hash_key(const uint8_t *a0, uint16_t p0, const uint8_t *a1, uint16_t p1,
                         unsigned alen)
{
	uint64_t e0 = p0, e1 = p1;
	for (unsigned i = 0; i < alen; i += 4) {
		uint32_t w0, w1;
		memcpy(&w0, a0 + i, 4);
		memcpy(&w1, a1 + i, 4);
		e0 = e0 * 0x9e3779b97f4a7c15ull + w0;
		e1 = e1 * 0x9e3779b97f4a7c15ull + w1;
	}
	return mix64(mix64(e0) + mix64(e1));
}

static void index_grow(struct analyzer *a);

static void index_insert(struct analyzer *a, uint64_t h, uint32_t n)
{
	uint32_t i = (uint32_t)(h >> 32) & a->index_mask;

	while (a->index[i] != 0 && a->index[i] != UINT32_MAX)
		i = (i + 1) & a->index_mask;
	if (a->index[i] == UINT32_MAX)
		a->index_tomb--;
	else
		a->index_used++;
	a->index[i] = n + 1;
}

static uint64_t flow_hash(const struct analyzer *a, const struct flow *f)
{
	unsigned alen = f->family == 4 ? 4 : 16;
	return hash_key(flow_addr(a, f, 0), f->port[0], flow_addr(a, f, 1), f->port[1], alen);
}

static void index_grow(struct analyzer *a)
{
	uint32_t old_size = a->index ? a->index_mask + 1 : 0;
	uint32_t *old = a->index;
	uint32_t size = old_size ? old_size * 2 : 1024;

	/* Grow only if the table is really fuller, not just tombstoned. */
	if (old_size && (uint64_t)(a->index_used - a->index_tomb) * 4 < (uint64_t)old_size)
		size = old_size;
	a->index = calloc(size, sizeof(uint32_t));
	if (a->index == NULL) {
		fputs("dcdlab analyze: out of memory for the flow index\n", stderr);
		abort();
	}
	a->index_mask = size - 1;
	a->index_used = a->index_tomb = 0;
	for (uint32_t i = 0; i < old_size; i++)
		if (old[i] != 0 && old[i] != UINT32_MAX)
			index_insert(a, flow_hash(a, flow_at(a, old[i] - 1)), old[i] - 1);
	free(old);
}

static uint32_t flow_alloc(struct analyzer *a)
{
	uint32_t n;

	if (a->free_head != UINT32_MAX) {
		n = a->free_head;
		a->free_head = flow_at(a, n)->id; /* a free flow's id links the list */
		return n;
	}
	if (a->n_flows_alloc % CHUNK_FLOWS == 0) {
		struct flow **c = realloc(a->chunks, (a->n_chunks + 1) * sizeof(*c));
		if (c == NULL)
			abort();
		a->chunks = c;
		uint8_t(**v6)[32] = realloc(a->v6_chunks, (a->n_chunks + 1) * sizeof(*v6));
		if (v6 == NULL)
			abort();
		a->v6_chunks = v6;
		a->v6_chunks[a->n_chunks] = NULL;
		a->chunks[a->n_chunks] = malloc(CHUNK_FLOWS * sizeof(struct flow));
		if (a->chunks[a->n_chunks] == NULL) {
			fputs("dcdlab analyze: out of memory for flows\n", stderr);
			abort();
		}
		a->n_chunks++;
	}
	return a->n_flows_alloc++;
}

struct analyzer *analyzer_new(report_fn on_report, pkt_fn on_pkt, void *arg)
{
	struct analyzer *a = calloc(1, sizeof(*a));

	if (a == NULL)
		abort();
	a->on_report = on_report;
	a->on_pkt = on_pkt;
	a->arg = arg;
	a->free_head = UINT32_MAX;
	a->s.longest_survived_gap_s = -1;
	a->s.shortest_drop_gap_s = -1;
	a->s.kernel_drops = -1;
	index_grow(a);
	return a;
}

static void mark(struct analyzer *a, uint32_t pkt, enum pkt_class c)
{
	if (a->on_pkt)
		a->on_pkt(pkt, c, a->arg);
}

/* Look up (or create) the flow of `p`; *dir is the sending side. */
static inline bool addr_eq(const uint8_t *a, const uint8_t *b, unsigned alen)
{
	/* Fixed sizes, so the compiler inlines the compares: every packet. */
	return alen == 4 ? memcmp(a, b, 4) == 0 : memcmp(a, b, 16) == 0;
}

static inline int flow_match(const struct analyzer *a, const struct flow *f,
                             const struct tcp_pkt *p, unsigned alen)
{
	if (f->family != p->family)
		return -1;
	const uint8_t *a0 = flow_addr(a, f, 0), *a1 = flow_addr(a, f, 1);
	if (f->port[0] == p->sport && f->port[1] == p->dport && addr_eq(a0, p->src, alen) &&
	    addr_eq(a1, p->dst, alen))
		return 0;
	if (f->port[1] == p->sport && f->port[0] == p->dport && addr_eq(a1, p->src, alen) &&
	    addr_eq(a0, p->dst, alen))
		return 1;
	return -1;
}

static struct flow *flow_find_slow(struct analyzer *a, const struct tcp_pkt *p, uint64_t h,
                                   int *dir);

static struct flow *flow_find(struct analyzer *a, const struct tcp_pkt *p, int *dir)
{
	struct flow *f = a->last_flow;
	unsigned alen = p->family == 4 ? 4 : 16;
	int d;

	if (f && f->state != FLOW_FREE && (d = flow_match(a, f, p, alen)) >= 0) {
		*dir = d;
		return f;
	}
	/* Hash only on a miss: most packets continue the last flow's exchange. */
	f = flow_find_slow(a, p, hash_key(p->src, p->sport, p->dst, p->dport, alen), dir);
	a->last_flow = f;
	return f;
}

static struct flow *flow_find_slow(struct analyzer *a, const struct tcp_pkt *p, uint64_t h,
                                   int *dir)
{
	unsigned alen = p->family == 4 ? 4 : 16;
	uint32_t i = (uint32_t)(h >> 32) & a->index_mask;

	for (;;) {
		uint32_t v = a->index[i];
		if (v == 0)
			break;
		if (v != UINT32_MAX) { /* UINT32_MAX: a tombstone, probe on */
			struct flow *f = flow_at(a, v - 1);
			int d = flow_match(a, f, p, alen);
			if (d >= 0) {
				*dir = d;
				return f;
			}
		}
		i = (i + 1) & a->index_mask;
	}
	/* New flow. Keep the index at most 3/4 full (tombstones included). */
	if ((uint64_t)(a->index_used + 1) * 4 > (uint64_t)(a->index_mask + 1) * 3) {
		index_grow(a);
		return flow_find_slow(a, p, h, dir);
	}
	uint32_t n = flow_alloc(a);
	struct flow *f = flow_at(a, n);
	memset(f, 0, sizeof(*f));
	f->self = n;
	f->family = p->family;
	if (alen == 4) {
		memcpy(f->addr[0], p->src, 4);
		memcpy(f->addr[1], p->dst, 4);
	} else {
		uint32_t c = n / CHUNK_FLOWS;
		if (a->v6_chunks[c] == NULL &&
		    (a->v6_chunks[c] = calloc(CHUNK_FLOWS, sizeof(*a->v6_chunks[c]))) == NULL) {
			fputs("dcdlab analyze: out of memory for IPv6 flows\n", stderr);
			abort();
		}
		memcpy(v6_at(a, n), p->src, 16);
		memcpy(v6_at(a, n) + 16, p->dst, 16);
	}
	f->port[0] = p->sport;
	f->port[1] = p->dport;
	f->state = FLOW_OPEN;
	f->id = ++a->next_id;
	f->base_ms[0] = (uint32_t)a->now_ms;
	f->base_ms[1] = (uint32_t)(a->now_ms >> 32);
	/* The client is the SYN sender, else the side with the higher port
	 * (servers listen on well-known ports such as 1521). */
	if ((p->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
		f->client = 0;
	else if ((p->flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		f->client = 1;
	else
		f->client = p->sport > p->dport ? 0 : 1;
	index_insert(a, h, n);
	a->n_open++;
	a->s.flows++;
	if (a->n_open > a->s.max_open_flows)
		a->s.max_open_flows = a->n_open;
	*dir = 0;
	return f;
}

static void flow_release(struct analyzer *a, struct flow *f, uint32_t n)
{
	uint64_t h = flow_hash(a, f);
	uint32_t i = (uint32_t)(h >> 32) & a->index_mask;

	while (a->index[i] != 0) {
		if (a->index[i] == n + 1) {
			a->index[i] = UINT32_MAX;
			a->index_tomb++;
			break;
		}
		i = (i + 1) & a->index_mask;
	}
	f->state = FLOW_FREE;
	f->id = a->free_head;
	if (a->last_flow == f)
		a->last_flow = NULL;
	a->free_head = n;
	a->n_open--;
}

static void probe_answered(struct analyzer *a, struct half *x, uint32_t pkt_answer, bool pure_ack,
                           struct half *y)
{
	x->bits &= ~H_PROBE_PENDING;
	x->unans_run = 0;
	if (pure_ack) {
		y->probe_acks++;
		mark(a, pkt_answer, PKT_KEEPALIVE_ACK);
	}
}

/* A keepalive probe from x at now. */
static void on_probe(struct analyzer *a, struct half *x, const struct half *y, uint32_t seq,
                     uint32_t len, uint32_t pkt, uint32_t now)
{
	x->probes++;
	if (x->probes == 1 && ((x->bits | y->bits) & H_DATA_SEEN)) {
		uint32_t last = 0;
		if ((x->bits & H_DATA_SEEN) && !seq_lt(now, x->t_pending))
			last = x->t_pending;
		if ((y->bits & H_DATA_SEEN) && !seq_lt(now, y->t_pending) &&
		    seq_lt(last, y->t_pending))
			last = y->t_pending;
		x->data_to_probe = enc_ms(now - last);
	}
	if (len == 1)
		x->bits |= H_ONE_BYTE;
	if (x->bits & H_PROBE_PENDING) {
		/* Unanswered: probes come every KEEPINTVL. */
		x->unans_run++;
		x->intvl_ms = now - x->t_last_probe;
	} else {
		if (x->probes > 1 && x->unans_run == 0 && x->t_last_probe)
			x->idle_ms = now - x->t_last_probe; /* answered: every KEEPIDLE */
		else if (x->probes == 1 && (y->bits & H_SEEN) && !seq_lt(now, y->t_last))
			/* Idle counts from the last packet received (tcp_timer.c,
			 * keepalive_time_elapsed). */
			x->idle_ms = now - y->t_last;
		x->unans_run = 1;
		x->pkt_unans = pkt;
		x->t_unans = now;
	}
	x->t_last_probe = now;
	if (!(x->bits & H_NXT)) {
		x->nxt = seq + 1;
		x->bits |= H_NXT;
	}
	x->bits |= H_PROBE_PENDING;
	mark(a, pkt, PKT_KEEPALIVE);
}

static void finish_flow(struct analyzer *a, struct flow *f);

/* A zero-window probe from side d: the peer's window is 0, so d's timer
 * probes it (tcp_probe_timer). A live peer answers each with an ACK; an
 * unanswered run, like a keepalive run, is kept in the half's probe fields
 * (not in its keepalive counts or inferred settings). */
static void on_zero_window_probe(struct analyzer *a, struct flow *f, int d, uint32_t pkt,
                                 uint32_t now)
{
	struct half *x = &f->h[d];

	x->zwp++;
	if ((x->bits & H_PROBE_PENDING) && (f->fbits & ZWP_RUN(d))) {
		x->unans_run++;
	} else {
		x->unans_run = 1;
		x->pkt_unans = pkt;
		x->t_unans = now;
	}
	x->bits |= H_PROBE_PENDING;
	f->fbits |= ZWP_RUN(d);
	mark(a, pkt, PKT_ZERO_WINDOW_PROBE);
}

static inline void sat_inc(uint16_t *n)
{
	if (*n < UINT16_MAX)
		(*n)++;
}

/* The packet's time on the flow's own clock: ms since its first packet,
 * never before the flow's previous packet (timestamps step back in merged
 * files and multi-queue `-i any` captures; a gap is never negative), and
 * saturating after 49 days instead of wrapping. */
static uint32_t flow_clock(const struct analyzer *a, const struct flow *f)
{
	uint64_t base = flow_base_ms(f);
	uint64_t d = a->now_ms > base ? a->now_ms - base : 0;
	uint32_t now = d < UINT32_MAX ? (uint32_t)d : UINT32_MAX - 1;

	return now < f->t_last ? f->t_last : now;
}

/* What makes two captured packets one transmission: everything TCP says
 * plus the IPv4 ID the sender gave it, but not the TTL. */
static uint32_t pkt_sig(const struct tcp_pkt *p)
{
	/* One multiply: this runs for every packet. */
	uint64_t h = ((uint64_t)p->seq << 32 | p->ack) ^
	             ((uint64_t)(p->payload_len ^ p->win << 16) << 11) ^
	             ((uint64_t)p->flags << 56 | (uint64_t)p->ip_id << 40);
	return (uint32_t)((h * 0x9e3779b97f4a7c15ull) >> 32);
}

/* Side d's bytes [lo, hi) were not captured. */
static void hole_open(struct flow *f, int d, uint32_t lo, uint32_t hi, uint32_t pkt, uint32_t now)
{
	if (f->not_captured < LOSS_EXAMPLES)
		f->loss_pkt[f->not_captured] = pkt;
	sat_inc(&f->not_captured);
	f->hole_lo = lo;
	f->hole_hi = hi;
	f->t_hole = now;
	f->pkt_hole = pkt;
	f->fbits = (uint8_t)((f->fbits & ~HOLE_BITS) | HOLE_OPEN | (d ? HOLE_SIDE1 : 0));
}

static inline bool hole_of(const struct flow *f, int d)
{
	return (f->fbits & HOLE_OPEN) && !!(f->fbits & HOLE_SIDE1) == !!d;
}

/* A segment of side d below its highest sequence: does it fall in the hole
 * the capture saw? Then it is late (reordered), not sent again. */
static bool hole_fill(struct flow *f, int d, uint32_t seq, uint32_t len)
{
	if (!hole_of(f, d) || seq_lt(seq, f->hole_lo) || !seq_lt(seq, f->hole_hi))
		return false;
	if (seq == f->hole_lo)
		f->hole_lo = seq + len;
	if (!seq_lt(f->hole_lo, f->hole_hi)) {
		/* Filled: nothing was lost, it came out of order. */
		f->fbits &= (uint8_t)~HOLE_BITS;
		if (f->not_captured > 0 && f->not_captured < UINT16_MAX) {
			unsigned n =
			        f->not_captured < LOSS_EXAMPLES ? f->not_captured : LOSS_EXAMPLES;
			for (unsigned i = 0; i < n; i++)
				if (f->loss_pkt[i] == f->pkt_hole) {
					memmove(&f->loss_pkt[i], &f->loss_pkt[i + 1],
					        (n - 1 - i) * sizeof(f->loss_pkt[0]));
					break;
				}
			f->not_captured--;
		}
		sat_inc(&f->reordered);
	}
	return true;
}

static void classify(struct analyzer *a, struct flow *f, int dir, const struct tcp_pkt *p,
                     uint32_t pkt)
{
	struct half *x = &f->h[dir], *y = &f->h[!dir];
	uint32_t now = flow_clock(a, f), len = p->payload_len;
	uint8_t fl = p->flags;
	bool ctl = fl & (TCP_SYN | TCP_FIN | TCP_RST);

	/* A copy of x's previous packet (same sequence, ACK, length, flags,
	 * window and IP ID; the TTL may differ when a routing host is seen on
	 * both sides) is one transmission seen twice: drop it here. */
	uint32_t sig = pkt_sig(p);
	if ((x->bits & H_SIG) && sig == x->sig && now - x->t_last <= DUP_WINDOW_MS) {
		sat_inc(&f->duplicates);
		a->s.duplicates++;
		return;
	}
	x->sig = sig;
	x->bits |= H_SIG;

	/* Idle gaps: the time without any packet, either way. */
	if (f->t_last || f->h[0].bits & H_SEEN || f->h[1].bits & H_SEEN) {
		uint32_t gap = now - f->t_last;
		if (gap > f->max_gap)
			f->max_gap = gap;
		if (gap >= IDLE_GAP_MS) {
			unsigned b = 0;
			while (b < GAP_BUCKETS - 1 && (double)gap / 1000.0 >= gap_bucket_s[b])
				b++;
			a->s.gaps[b]++;
			f->pending_gap = gap;
			f->pending_gap_side = (uint8_t)dir;
			f->pkt_gap = pkt;
		} else if (f->pending_gap && dir != f->pending_gap_side && !(fl & TCP_RST)) {
			/* The other side answered after the gap: it survived. */
			if (f->pending_gap > f->survived_gap)
				f->survived_gap = f->pending_gap;
			f->pending_gap = 0;
		}
	}
	f->t_last = now;
	x->packets++;

	if (fl & TCP_RST) {
		x->bits |= H_RST;
		x->t_rst = now;
		x->pkt_rst = pkt;
		x->rst_ttl = p->ttl;
		/* A middlebox's RST comes from another hop count. */
		if ((x->bits & H_TTL) && p->ttl != x->ttl)
			x->bits |= H_RST_INJECTED;
	} else {
		x->ttl = p->ttl;
		x->bits |= H_TTL;
	}

	/* A keepalive probe's shape (0 or 1 byte at seq = expected - 1): it is
	 * sent by a timer, so it answers nothing the peer asked. */
	bool probe_shape = !ctl && len <= 1 && !(x->bits & H_FIN) &&
	                   (((x->bits & H_NXT) && p->seq == x->nxt - 1) ||
	                    (!(x->bits & H_NXT) && (y->bits & H_ACK) && p->seq == y->last_ack - 1));

	/* What does this segment answer? */
	if (fl & TCP_ACK) {
		/* x's ACK settles y's candidate (capture began idle). */
		if ((y->bits & H_CAND) && !(fl & TCP_RST)) {
			y->bits &= ~H_CAND;
			if (p->ack == y->nxt + 1)
				on_probe(a, y, x, y->nxt, 0, y->pkt_unans, y->t_last_probe);
			y->bits |= H_NXT; /* else the candidate's seq was its next */
		}
		if ((y->bits & H_PROBE_PENDING) && !(fl & TCP_RST) && !probe_shape &&
		    !seq_lt(p->ack, y->nxt)) {
			/* The answer to a zero-window probe is no keepalive ACK. */
			bool zwp = f->fbits & ZWP_RUN(!dir);
			f->fbits &= (uint8_t)~ZWP_RUN(!dir);
			probe_answered(a, y, pkt, len == 0 && !ctl && !zwp, x);
		}
		/* ACK for bytes never seen: x received them, so they crossed the
		 * capture point and the capture missed them (Wireshark's "ACKed
		 * segment that wasn't captured"). Not a loss on the path. */
		if ((y->bits & H_NXT) && !(y->bits & H_CAND) && seq_lt(y->nxt, p->ack) &&
		    !(fl & (TCP_SYN | TCP_RST))) {
			hole_open(f, !dir, y->nxt, p->ack, pkt, now);
			f->fbits |= HOLE_ACKED;
			y->nxt = p->ack;
		}
		bool advanced = !(x->bits & H_ACK) || seq_lt(x->last_ack, p->ack);
		if ((y->bits & H_DATA_PENDING) && !seq_lt(p->ack, y->nxt)) {
			y->bits &= ~(H_DATA_PENDING | H_PENDING_AFTER_GAP | H_PENDING_NS);
			y->retrans_pending = 0;
		} else if ((y->bits & H_DATA_PENDING) && advanced && !(fl & TCP_RST)) {
			/* Part of y's data arrived: what is still unanswered was sent
			 * no earlier than now, so silence counts from here (a peer
			 * that dies in the middle of a long answer). */
			y->t_pending = now;
			y->pkt_pending = 0;
			y->retrans_pending = 0;
			y->bits &= ~(H_PENDING_AFTER_GAP | H_PENDING_NS);
		}
		if (hole_of(f, !dir) && !seq_lt(p->ack, f->hole_hi))
			f->fbits |= HOLE_ACKED;
		x->last_ack = p->ack;
		x->bits |= H_ACK;
	}

	/* A segment that starts past everything seen from x: the capture did
	 * not see x's earlier data (capture loss, or loss before the capture
	 * point, or reordering: a later segment can still fill the hole). */
	if ((x->bits & H_NXT) && !(x->bits & H_CAND) && !ctl && seq_lt(x->nxt, p->seq)) {
		hole_open(f, dir, x->nxt, p->seq, pkt, now);
		if (f->pending_gap && f->pending_gap_side == dir) {
			f->fbits |= HOLE_AFTER_GAP; /* the first data after an idle gap */
			f->drop_gap = f->pending_gap;
		}
	}

	/* What is this segment? */
	if (!ctl && len <= 1 && !(x->bits & H_FIN)) {
		bool known = (x->bits & H_NXT) || (y->bits & H_ACK);
		uint32_t expected = (x->bits & H_NXT) ? x->nxt : y->last_ack;
		if (known && p->seq == expected - 1) {
			if (y->bits & H_ZERO_WIN) {
				on_zero_window_probe(a, f, dir, pkt, now);
			} else {
				if (f->fbits & ZWP_RUN(dir)) { /* a new run, of keepalives */
					f->fbits &= (uint8_t)~ZWP_RUN(dir);
					x->bits &= ~H_PROBE_PENDING;
					x->unans_run = 0;
				}
				on_probe(a, x, y, p->seq, len, pkt, now);
			}
			goto done;
		}
		if (!known && len == 0) {
			if ((x->bits & H_CAND) && p->seq == x->nxt &&
			    now - x->t_last_probe >= 500) {
				/* The same zero-length segment again, unanswered and
				 * at least 0.5 s later: probes (peer silent). */
				x->bits &= ~H_CAND;
				on_probe(a, x, y, x->nxt, 0, x->pkt_unans, x->t_last_probe);
				on_probe(a, x, y, p->seq, 0, pkt, now);
				goto done;
			}
			x->bits |= H_CAND;
			x->nxt = p->seq;
			x->t_last_probe = now;
			x->pkt_unans = pkt;
			goto done;
		}
	}
	if (len > 0) {
		bool ns = len == TNS_DATA_HEADER_LEN &&
		          (p->caplen_payload < TNS_DATA_HEADER_LEN ||
		           tns_is_dcd_probe(p->head, p->caplen_payload));
		bool retrans =
		        (x->bits & H_NXT) && !seq_lt(x->nxt, p->seq + len) && !(x->bits & H_CAND);
		if (retrans && hole_fill(f, dir, p->seq, len)) {
			/* Data the capture had missed, seen late: reordering. */
		} else if (retrans) {
			x->retrans++;
			x->t_last_retrans = now;
			if (x->bits & H_DATA_PENDING)
				x->retrans_pending++;
			mark(a, pkt, PKT_RETRANSMISSION);
		} else {
			if (ns) {
				x->ns_probes++;
				mark(a, pkt, PKT_NS_PROBE);
			}
			if (!(x->bits & H_DATA_PENDING)) {
				x->bits |= H_DATA_PENDING | H_DATA_SEEN;
				x->t_pending = now;
				x->pkt_pending = pkt;
				x->retrans_pending = 0;
				if (f->pending_gap && f->pending_gap_side == dir &&
				    f->pkt_gap == pkt) {
					x->bits |= H_PENDING_AFTER_GAP;
					f->drop_gap = f->pending_gap;
				}
				if (ns)
					x->bits |= H_PENDING_NS;
			} else if (x->pkt_pending == 0) {
				x->pkt_pending = pkt; /* first data after a partial ACK */
			}
		}
	}
	if (x->bits & H_CAND) {
		/* Anything else from x settles its candidate as a plain ACK. */
		x->bits &= ~H_CAND;
	}
	{
		uint32_t end = p->seq + len + ((fl & TCP_SYN) ? 1 : 0) + ((fl & TCP_FIN) ? 1 : 0);
		if (!(fl & TCP_RST) && (!(x->bits & H_NXT) || seq_lt(x->nxt, end))) {
			x->nxt = end;
			x->bits |= H_NXT;
		}
	}
done:
	if (fl & TCP_FIN)
		x->bits |= H_FIN;
	if (!(fl & (TCP_SYN | TCP_RST))) {
		if (p->win == 0)
			x->bits |= H_ZERO_WIN;
		else
			x->bits &= ~H_ZERO_WIN;
	}
	x->bits |= H_SEEN;
	x->t_last = now;
}

static void format_addr(const struct analyzer *a, const struct flow *f, int side, char *buf,
                        size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";

	inet_ntop(f->family == 4 ? AF_INET : AF_INET6, flow_addr(a, f, side), host, sizeof(host));
	if (f->family == 4)
		snprintf(buf, len, "%s:%u", host, f->port[side]);
	else
		snprintf(buf, len, "[%s]:%u", host, f->port[side]);
}

/* Evidence at `t_ms` on flow f's clock. */
static void add_evidence(struct flow_report *r, const struct flow *f, uint32_t pkt, uint32_t t_ms,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void add_evidence(struct flow_report *r, const struct flow *f, uint32_t pkt, uint32_t t_ms,
                         const char *fmt, ...)
{
	va_list ap;
	struct evidence *e;

	if (r->n_evidence == REPORT_MAX_EVIDENCE)
		return;
	e = &r->evidence[r->n_evidence++];
	e->pkt = pkt;
	e->t_s = (double)(flow_base_ms(f) + t_ms) / 1000.0;
	va_start(ap, fmt);
	vsnprintf(e->what, sizeof(e->what), fmt, ap);
	va_end(ap);
}

/* Which known keepalive configuration the inferred numbers match. */
static void match_profile(struct side_report *s)
{
	s->expire_time_min = -1;
	if (s->probes == 0) {
		s->profile = "none";
		return;
	}
	if (s->one_byte_probes) {
		s->profile = "windows";
		return;
	}
	if (s->idle_s > 0) {
		double min = s->idle_s / 60.0;
		long n = (long)(min + 0.5);
		bool near_minutes =
		        n >= 1 && (s->idle_s > n * 60 * 0.98 && s->idle_s < n * 60 * 1.02 + 1);
		bool intvl6 = s->interval_s < 0 || (s->interval_s > 5.4 && s->interval_s < 6.6);
		bool intvl75 = s->interval_s < 0 || (s->interval_s > 70 && s->interval_s < 80);
		if (s->idle_s > 7200 * 0.98 && s->idle_s < 7200 * 1.02 + 1 && intvl75) {
			s->profile = "linux-default";
			return;
		}
		if (near_minutes && intvl6 && n <= SQLNET_EXPIRE_TIME_MAX_MIN) {
			s->profile = "oracle-dcd";
			s->expire_time_min = (int)n;
			return;
		}
	}
	s->profile = "custom";
}

static void side_report(const struct analyzer *a, const struct flow *f, int side,
                        struct side_report *s)
{
	const struct half *h = &f->h[side];

	format_addr(a, f, side, s->addr, sizeof(s->addr));
	s->packets = h->packets;
	s->probes = h->probes;
	s->probe_acks = h->probe_acks;
	s->zero_window_probes = h->zwp;
	s->ns_probes = h->ns_probes;
	s->retransmissions = h->retrans;
	s->one_byte_probes = h->bits & H_ONE_BYTE;
	s->idle_s = h->idle_ms ? h->idle_ms / 1000.0 : -1;
	s->interval_s = h->intvl_ms ? h->intvl_ms / 1000.0 : -1;
	s->data_to_probe_s = dec_s(h->data_to_probe);
	/* Probes unanswered when the prober reset: its KEEPCNT. */
	s->count = (h->bits & H_RST) && (h->bits & H_PROBE_PENDING) ? h->unans_run : -1;
	match_profile(s);
}

/* dead-peer: probes unanswered, then the prober's own RST. */
static bool rule_keepalive_timeout(struct flow_report *r, const struct analyzer *a,
                                   const struct flow *f, int d)
{
	const struct half *x = &f->h[d], *y = &f->h[!d];
	const char *who = d == f->client ? "client" : "server";

	if (!((x->bits & H_RST) && (x->bits & H_PROBE_PENDING) && x->unans_run > 0 &&
	      !(x->bits & H_RST_INJECTED) && !(f->fbits & ZWP_RUN(d))))
		return false;
	r->verdict = VERDICT_DEAD_PEER;
	add_evidence(r, f, x->pkt_unans, x->t_unans, "%s keepalive probe 1 of %u unanswered", who,
	             x->unans_run);
	if (y->bits & H_SEEN) {
		r->detect_s = (x->t_rst - y->t_last) / 1000.0;
		add_evidence(
		        r, f, x->pkt_rst, x->t_rst,
		        "%s RST after %u unanswered probes, %.2f s after the peer's last packet",
		        who, x->unans_run, r->detect_s);
	} else {
		add_evidence(r, f, x->pkt_rst, x->t_rst,
		             "%s RST after %u unanswered probes; the peer sent nothing in this "
		             "capture",
		             who, x->unans_run);
	}
	return true;
}

/* Probes unanswered, the peer silent since the first, and then the prober
 * silent too while the capture went on for two more probe intervals: it
 * gave up. Linux gives up on zero-window probes without a RST
 * (tcp_probe_timer -> tcp_write_err), and a keepalive prober's RST can be
 * missing from a capture; a live prober would have probed again. */
static bool rule_probes_stopped(struct flow_report *r, const struct analyzer *a,
                                const struct flow *f, int d)
{
	const struct half *x = &f->h[d], *y = &f->h[!d];
	const char *who = d == f->client ? "client" : "server";
	bool zwp = f->fbits & ZWP_RUN(d);
	uint64_t capture_end = a->last_ms > flow_base_ms(f) ? a->last_ms - flow_base_ms(f) : 0;
	uint32_t step = x->unans_run >= 2 && x->t_last > x->t_unans
	                        ? (x->t_last - x->t_unans) / (x->unans_run - 1)
	                        : 0;

	if (!((x->bits & H_PROBE_PENDING) && x->unans_run >= 2 && !(x->bits & H_RST) &&
	      !(y->bits & H_RST) && !seq_lt(x->t_unans, y->t_last) && step > 0 &&
	      capture_end > (uint64_t)x->t_last + 2 * (uint64_t)step + IDLE_GAP_MS))
		return false;
	r->verdict = VERDICT_DEAD_PEER;
	r->detect_s = (x->t_last - y->t_last) / 1000.0;
	add_evidence(r, f, x->pkt_unans, x->t_unans, "%s %s probe 1 of %u unanswered", who,
	             zwp ? "zero-window" : "keepalive", x->unans_run);
	add_evidence(r, f, 0, x->t_last,
	             "then the %s stopped probing (%.1f s more of capture): it gave up, %.2f s "
	             "after the peer's last packet%s",
	             who, (double)(capture_end - x->t_last) / 1000.0, r->detect_s,
	             zwp ? "" : " (its RST was not captured)");
	return true;
}

/* Data (or an NS probe) sent, retransmitted, never acknowledged. Silence
 * counts from the last ACK that moved forward (see classify). */
static bool rule_unacked_data(struct flow_report *r, const struct analyzer *a, const struct flow *f,
                              int d)
{
	const struct half *x = &f->h[d], *y = &f->h[!d];
	const char *who = d == f->client ? "client" : "server";

	if (!((x->bits & H_DATA_PENDING) && x->retrans_pending > 0 && !(y->bits & H_RST)))
		return false;
	/* Its own RST right after the data: an abort, the flow is closed. */
	if ((x->bits & H_RST) && !seq_lt(x->t_rst, x->t_pending) &&
	    x->t_rst - x->t_pending < ABORT_WINDOW_MS)
		return false;
	if (seq_lt(x->t_pending, y->t_last)) {
		/* The peer kept sending but never ACKed this data: the path
		 * passes its packets and loses ours. One retransmission could be
		 * a tail-loss probe whose ACK the capture missed: ask for two. */
		if (x->retrans_pending < 2)
			return false;
		r->verdict = VERDICT_FIREWALL_DROP;
		add_evidence(r, f, x->pkt_pending, x->t_pending,
		             "%s data retransmitted %u times, never ACKed", who,
		             x->retrans_pending);
		add_evidence(r, f, 0, y->t_last,
		             "the peer kept sending (last packet %.2f s after that data) without "
		             "ACKing it: the path drops this direction's data",
		             (y->t_last - x->t_pending) / 1000.0);
		if (f->drop_gap && (x->bits & H_PENDING_AFTER_GAP))
			r->drop_gap_s = f->drop_gap / 1000.0;
		return true;
	}
	if (x->bits & H_PENDING_NS) {
		r->verdict = VERDICT_DEAD_PEER;
		r->detect_s = (x->t_last_retrans - y->t_last) / 1000.0;
		add_evidence(r, f, x->pkt_pending, x->t_pending,
		             "%s NS probe (10-byte TNS DATA) never ACKed", who);
		add_evidence(
		        r, f, 0, x->t_last_retrans,
		        "%s retransmitted it %u times; last %.2f s after the peer's last packet",
		        who, x->retrans_pending, r->detect_s);
	} else if (x->bits & H_PENDING_AFTER_GAP) {
		r->verdict = VERDICT_FIREWALL_DROP;
		r->drop_gap_s = f->drop_gap / 1000.0;
		add_evidence(r, f, x->pkt_pending, x->t_pending,
		             "%s data after %.1f s idle, never answered", who, r->drop_gap_s);
		add_evidence(r, f, 0, x->t_last_retrans, "%s retransmitted it %u times", who,
		             x->retrans_pending);
	} else {
		r->verdict = VERDICT_DEAD_PEER;
		r->detect_s = (x->t_last_retrans - y->t_last) / 1000.0;
		add_evidence(r, f, x->pkt_pending, x->t_pending,
		             "%s data never ACKed, retransmitted %u times", who,
		             x->retrans_pending);
	}
	return true;
}

/* A RST that did not come from the host it claims to. */
static bool rule_injected_rst(struct flow_report *r, const struct analyzer *a, const struct flow *f,
                              int d)
{
	const struct half *x = &f->h[d];
	const char *who = d == f->client ? "client" : "server";

	if (!((x->bits & H_RST) && (x->bits & H_RST_INJECTED)))
		return false;
	r->verdict = VERDICT_FIREWALL_DROP;
	if (f->pending_gap)
		r->drop_gap_s = f->pending_gap / 1000.0;
	add_evidence(r, f, x->pkt_rst, x->t_rst,
	             "RST in the name of the %s with TTL %u; its packets had TTL %u: injected by "
	             "a middlebox",
	             who, x->rst_ttl, x->ttl);
	return true;
}

/* A hole in x's data right after an idle gap that no later segment filled
 * and the peer never ACKed (its later ACKs, if any, stop short of it): lost
 * on the path before the capture point. A hole the peer ACKed crossed the
 * capture point: the capture missed it, nothing more. */
static bool rule_lost_after_gap(struct flow_report *r, const struct analyzer *a,
                                const struct flow *f, int d)
{
	const char *who = d == f->client ? "client" : "server";

	if (!(hole_of(f, d) && (f->fbits & HOLE_AFTER_GAP) && !(f->fbits & HOLE_ACKED)))
		return false;
	r->verdict = VERDICT_FIREWALL_DROP;
	r->drop_gap_s = f->drop_gap / 1000.0;
	add_evidence(r, f, f->pkt_hole, f->t_hole,
	             "after %.1f s idle, %s data before this packet never reached the capture "
	             "point and the peer never ACKed it: data lost on the path",
	             r->drop_gap_s, who);
	return true;
}

typedef bool (*verdict_rule_fn)(struct flow_report *r, const struct analyzer *a,
                                const struct flow *f, int side);

/* In order of strength; the first that holds for either side decides. */
static const verdict_rule_fn verdict_rules[] = {
	rule_keepalive_timeout, rule_probes_stopped, rule_unacked_data,
	rule_injected_rst,      rule_lost_after_gap,
};

static void finish_flow(struct analyzer *a, struct flow *f)
{
	struct flow_report r;
	int c = f->client;

	memset(&r, 0, sizeof(r));
	r.id = f->id;
	/* An unsettled candidate at the end was a lone zero-length segment. */
	for (int d = 0; d < 2; d++)
		f->h[d].bits &= ~H_CAND;
	side_report(a, f, c, &r.client);
	side_report(a, f, !c, &r.server);
	r.first_s = (double)flow_base_ms(f) / 1000.0;
	r.last_s = (double)(flow_base_ms(f) + f->t_last) / 1000.0;
	r.packets = r.client.packets + r.server.packets;
	r.idle_max_s = f->max_gap / 1000.0;
	r.survived_gap_s = f->survived_gap ? f->survived_gap / 1000.0 : -1;
	r.drop_gap_s = -1;
	r.detect_s = -1;
	r.verdict = VERDICT_UNKNOWN;
	r.not_captured = f->not_captured;
	r.duplicates = f->duplicates;
	r.reordered = f->reordered;
	r.n_loss_pkt = f->not_captured < LOSS_EXAMPLES ? f->not_captured : LOSS_EXAMPLES;
	memcpy(r.loss_pkt, f->loss_pkt, sizeof(r.loss_pkt));

	for (size_t k = 0; k < sizeof(verdict_rules) / sizeof(verdict_rules[0]); k++)
		if (verdict_rules[k](&r, a, f, 0) || verdict_rules[k](&r, a, f, 1))
			break;

	if (r.verdict == VERDICT_UNKNOWN) {
		const struct half *h0 = &f->h[0], *h1 = &f->h[1];
		if ((h0->bits & H_RST) || (h1->bits & H_RST) ||
		    ((h0->bits & H_FIN) && (h1->bits & H_FIN))) {
			int d = (h0->bits & H_RST) ? 0 : (h1->bits & H_RST) ? 1 : -1;
			r.verdict = VERDICT_CLOSED;
			if (d >= 0)
				add_evidence(&r, f, f->h[d].pkt_rst, f->h[d].t_rst, "%s sent RST",
				             d == c ? "client" : "server");
			else
				add_evidence(&r, f, 0, f->t_last, "FIN both ways");
		} else if ((h0->bits & H_SEEN) && (h1->bits & H_SEEN)) {
			r.verdict = VERDICT_ALIVE;
		}
	}
	if (f->survived_gap && (a->s.longest_survived_gap_s < 0 ||
	                        f->survived_gap / 1000.0 > a->s.longest_survived_gap_s))
		a->s.longest_survived_gap_s = f->survived_gap / 1000.0;
	if (r.verdict == VERDICT_FIREWALL_DROP && r.drop_gap_s > 0 &&
	    (a->s.shortest_drop_gap_s < 0 || r.drop_gap_s < a->s.shortest_drop_gap_s))
		a->s.shortest_drop_gap_s = r.drop_gap_s;
	a->s.by_verdict[r.verdict]++;
	a->s.not_captured += f->not_captured;
	a->s.reordered += f->reordered;
	if (f->not_captured)
		a->s.flows_with_loss++;
	if (a->on_report)
		a->on_report(&r, a->arg);
}

static void closing_push(struct analyzer *a, uint32_t n)
{
	if (a->closing_tail - a->closing_head == a->closing_cap) {
		uint32_t cap = a->closing_cap ? a->closing_cap * 2 : 1024;
		uint32_t *q = malloc(cap * sizeof(*q));
		if (q == NULL)
			abort();
		for (uint32_t i = 0; i < a->closing_cap; i++)
			q[i] = a->closing[(a->closing_head + i) % a->closing_cap];
		a->closing_tail = a->closing_cap;
		a->closing_head = 0;
		free(a->closing);
		a->closing = q;
		a->closing_cap = cap;
	}
	a->closing[a->closing_tail++ % a->closing_cap] = n;
}

/* Report and forget flows that closed more than the linger ago. */
static void expire_closed(struct analyzer *a)
{
	while (a->closing_head != a->closing_tail) {
		uint32_t n = a->closing[a->closing_head % a->closing_cap];
		struct flow *f = flow_at(a, n);
		if (f->state == FLOW_CLOSING &&
		    a->now_ms < flow_base_ms(f) + f->t_last + CLOSE_LINGER_MS)
			break;
		a->closing_head++;
		if (f->state != FLOW_CLOSING)
			continue; /* reopened: it went back to FLOW_OPEN */
		finish_flow(a, f);
		flow_release(a, f, n);
	}
}

/* A SYN on a known 4-tuple: a new session, unless it is the flow's own
 * SYN sent again (same initial sequence number). A flow that ended
 * silently (a firewall dropped it, a client gave up) has no FIN or RST, so
 * the sequence number is what tells a reused port. */
static bool syn_starts_new_session(const struct flow *f, int dir, const struct tcp_pkt *p)
{
	const struct half *x = &f->h[dir], *y = &f->h[!dir];

	if ((x->bits | y->bits) & (H_FIN | H_RST))
		return true;
	if (x->bits & H_NXT)
		return p->seq != x->nxt - 1 || (x->bits & H_DATA_SEEN);
	return (y->bits & H_DATA_SEEN) != 0;
}

void analyzer_packet(struct analyzer *a, uint64_t ts_us, uint32_t pkt, const struct tcp_pkt *p)
{
	struct flow *f;
	int dir;

	if (!a->started) {
		a->started = true;
		a->t0_us = ts_us;
	}
	/* Before the first packet: clamped here; within a flow see flow_clock. */
	a->now_ms = ts_us > a->t0_us ? (ts_us - a->t0_us) / 1000 : 0;
	if (a->now_ms > a->last_ms)
		a->last_ms = a->now_ms;
	a->s.packets++;
	a->s.tcp_packets++;
	f = flow_find(a, p, &dir);
	if ((p->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN && syn_starts_new_session(f, dir, p)) {
		uint32_t n = f->self;
		finish_flow(a, f);
		flow_release(a, f, n);
		f = flow_find(a, p, &dir);
	}
	a->last_flow_id = f->id; /* before classify: its on_pkt callback may ask */
	a->last_dir_client = dir == f->client;
	classify(a, f, dir, p, pkt);
	if (f->state == FLOW_OPEN &&
	    ((p->flags & TCP_RST) || ((f->h[0].bits & H_FIN) && (f->h[1].bits & H_FIN)))) {
		f->state = FLOW_CLOSING;
		closing_push(a, f->self);
	}
	if ((a->s.packets & 1023) == 0)
		expire_closed(a);
}

uint32_t analyzer_last_flow(const struct analyzer *a, bool *from_client)
{
	*from_client = a->last_dir_client;
	return a->last_flow_id;
}

void analyzer_skip(struct analyzer *a, enum decode_result why)
{
	a->s.packets++;
	if ((unsigned)why < 8)
		a->s.skipped[why]++;
}

void analyzer_finish(struct analyzer *a, struct summary *s)
{
	/* Closed flows first, in closing order, then the rest by number. */
	a->now_ms = UINT64_MAX - CLOSE_LINGER_MS;
	expire_closed(a);
	for (uint32_t n = 0; n < a->n_flows_alloc; n++) {
		struct flow *f = flow_at(a, n);
		if (f->state != FLOW_FREE) {
			finish_flow(a, f);
			flow_release(a, f, n);
		}
	}
	a->s.duration_s = a->last_ms / 1000.0;
	*s = a->s;
}

void analyzer_free(struct analyzer *a)
{
	if (a == NULL)
		return;
	for (uint32_t c = 0; c < a->n_chunks; c++) {
		free(a->chunks[c]);
		free(a->v6_chunks[c]);
	}
	free(a->v6_chunks);
	free(a->chunks);
	free(a->index);
	free(a->closing);
	free(a);
}
