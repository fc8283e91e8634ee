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
#include "flow.h"
#include "../lib/grow.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/tns.h"
#include "../model/dbend.h"
#include "../model/sqlnet.h"

const double gap_bucket_s[GAP_BUCKETS] = {
	10, 60, 300, 600, 1800, 3600, 7200, 14400, 86400, 1e300
};
/* The same bounds in ms, for the packet path (no floating point there). */
static const uint32_t gap_bound_ms[GAP_BUCKETS - 1] = {
	10000, 60000, 300000, 600000, 1800000, 3600000, 7200000, 14400000, 86400000,
};

const char *pkt_class_name(enum pkt_class c)
{
	static const char *const names[] = {
		[PKT_KEEPALIVE] = "keepalive",
		[PKT_KEEPALIVE_ACK] = "keepalive-ack",
		[PKT_ZERO_WINDOW_PROBE] = "zero-window-probe",
		[PKT_NS_PROBE] = "ns-probe",
		[PKT_RETRANSMISSION] = "retransmission",
	};
	return (unsigned)c < sizeof(names) / sizeof(names[0]) && names[c] ? names[c] : "?";
}

static void mark(struct analyzer *a, uint32_t pkt, enum pkt_class c)
{
	a->marks++;
	if (a->on_pkt)
		a->on_pkt(pkt, c, a->arg);
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
                     uint32_t len, uint32_t pkt, uint32_t now_ms)
{
	x->probes++;
	if (x->probes == 1 && ((x->bits | y->bits) & H_DATA_SEEN)) {
		uint32_t last = 0;
		if ((x->bits & H_DATA_SEEN) && !seq_lt(now_ms, x->t_pending_ms))
			last = x->t_pending_ms;
		if ((y->bits & H_DATA_SEEN) && !seq_lt(now_ms, y->t_pending_ms) &&
		    seq_lt(last, y->t_pending_ms))
			last = y->t_pending_ms;
		x->data_to_probe_enc = enc_ms(now_ms - last);
	}
	if (len == 1)
		x->bits |= H_ONE_BYTE;
	if (x->bits & H_PROBE_PENDING) {
		/* Unanswered: probes come every KEEPINTVL. */
		x->unans_run++;
		x->intvl_ms = now_ms - x->t_last_probe_ms;
	} else {
		if (x->probes > 1 && x->unans_run == 0 && x->t_last_probe_ms)
			x->idle_ms = now_ms - x->t_last_probe_ms; /* answered: every KEEPIDLE */
		else if (x->probes == 1 && (y->bits & H_SEEN) && !seq_lt(now_ms, y->t_last_ms))
			/* Idle counts from the last packet received (tcp_timer.c,
			 * keepalive_time_elapsed). */
			x->idle_ms = now_ms - y->t_last_ms;
		x->unans_run = 1;
		x->pkt_unans = pkt;
		x->t_unans_ms = now_ms;
	}
	x->t_last_probe_ms = now_ms;
	if (!(x->bits & H_NXT)) {
		x->nxt = seq + 1;
		x->bits |= H_NXT;
	}
	x->bits |= H_PROBE_PENDING;
	mark(a, pkt, PKT_KEEPALIVE);
}

/* A zero-window probe from side d: the peer's window is 0, so d's timer
 * probes it (tcp_probe_timer). A live peer answers each with an ACK; an
 * unanswered run, like a keepalive run, is kept in the half's probe fields
 * (not in its keepalive counts or inferred settings). */
static void on_zero_window_probe(struct analyzer *a, struct flow *f, int d, uint32_t pkt,
                                 uint32_t now_ms)
{
	struct half *x = &f->h[d];

	x->zwp++;
	if ((x->bits & H_PROBE_PENDING) && (f->fbits & ZWP_RUN(d))) {
		x->unans_run++;
	} else {
		x->unans_run = 1;
		x->pkt_unans = pkt;
		x->t_unans_ms = now_ms;
	}
	x->bits |= H_PROBE_PENDING;
	f->fbits |= ZWP_RUN(d);
	mark(a, pkt, PKT_ZERO_WINDOW_PROBE);
}

/* The packet's time on the flow's own clock: ms since its first packet,
 * never before the flow's previous packet (timestamps step back in merged
 * files and multi-queue `-i any` captures; a gap is never negative), and
 * saturating after 49 days instead of wrapping. */
static uint32_t flow_clock(const struct analyzer *a, const struct flow *f)
{
	uint64_t base = flow_base_ms(f);
	uint64_t d = a->now_ms > base ? a->now_ms - base : 0;
	uint32_t now_ms = d < UINT32_MAX ? (uint32_t)d : UINT32_MAX - 1;

	return now_ms < f->t_last_ms ? f->t_last_ms : now_ms;
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
static void hole_open(struct flow *f, int d, uint32_t lo, uint32_t hi, uint32_t pkt,
                      uint32_t now_ms)
{
	if (f->not_captured < LOSS_EXAMPLES)
		f->loss_pkt[f->not_captured] = pkt;
	sat_inc(&f->not_captured);
	f->hole_lo = lo;
	f->hole_hi = hi;
	f->t_hole_ms = now_ms;
	f->pkt_hole = pkt;
	f->fbits = (uint8_t)((f->fbits & ~HOLE_BITS) | HOLE_OPEN | (d ? HOLE_SIDE1 : 0));
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

/* The histogram bucket of an idle gap: the first whose bound (whole
 * seconds, gap_bucket_s) it stays below. */
static unsigned gap_bucket(uint32_t gap_ms)
{
	unsigned b = 0;

	/* Counted, not searched: the bounds ascend, and on a busy host the
	 * loop's exit was a guess. */
	for (unsigned i = 0; i < GAP_BUCKETS - 1; i++)
		b += gap_ms >= gap_bound_ms[i];
	return b;
}

/* Idle gaps: the time without any packet, either way. A gap the other
 * side answers was survived; one followed by unanswered data may be where
 * a middlebox forgot the flow. */
static void note_gap(struct analyzer *a, struct flow *f, int dir, uint8_t fl, uint32_t pkt,
                     uint32_t now_ms)
{
	if (!f->t_last_ms && !(f->h[0].bits & H_SEEN) && !(f->h[1].bits & H_SEEN))
		return;
	uint32_t gap_ms = now_ms - f->t_last_ms;
	if (gap_ms > f->max_gap_ms)
		f->max_gap_ms = gap_ms;
	if (gap_ms >= IDLE_GAP_MS) {
		a->s.gaps[gap_bucket(gap_ms)]++;
		f->pending_gap_ms = gap_ms;
		f->pending_gap_side = (uint8_t)dir;
		f->pkt_gap = pkt;
	} else if (f->pending_gap_ms && dir != f->pending_gap_side && !(fl & TCP_RST)) {
		/* The other side answered after the gap: it survived. */
		if (f->pending_gap_ms > f->survived_gap_ms)
			f->survived_gap_ms = f->pending_gap_ms;
		f->pending_gap_ms = 0;
	}
}

/* x's hop count, and whether its RST came from another one (a middlebox). */
static void note_ttl(struct half *x, const struct tcp_pkt *p, uint32_t pkt, uint32_t now_ms)
{
	if (p->flags & TCP_RST) {
		x->bits |= H_RST;
		x->t_rst_ms = now_ms;
		x->pkt_rst = pkt;
		x->rst_ttl = p->ttl;
		if ((x->bits & H_TTL) && p->ttl != x->ttl)
			x->bits |= H_RST_INJECTED;
	} else {
		x->ttl = p->ttl;
		x->bits |= H_TTL;
	}
}

/* What x's ACK answers of y: a candidate, a probe, data (all or part of
 * it), or bytes the capture never saw. `probe_shape`: this segment is
 * itself shaped like a keepalive, so it answers nothing. */
static void on_ack(struct analyzer *a, struct flow *f, int dir, const struct tcp_pkt *p,
                   uint32_t pkt, uint32_t now_ms, bool probe_shape)
{
	struct half *x = &f->h[dir], *y = &f->h[!dir];
	uint8_t fl = p->flags;
	bool ctl = fl & (TCP_SYN | TCP_FIN | TCP_RST);

	/* x's ACK settles y's candidate (capture began idle). */
	if ((y->bits & H_CAND) && !(fl & TCP_RST)) {
		y->bits &= ~H_CAND;
		if (p->ack == y->nxt + 1)
			on_probe(a, y, x, y->nxt, 0, y->pkt_unans, y->t_last_probe_ms);
		y->bits |= H_NXT; /* else the candidate's seq was its next */
	}
	if ((y->bits & H_PROBE_PENDING) && !(fl & TCP_RST) && !probe_shape &&
	    !seq_lt(p->ack, y->nxt)) {
		/* The answer to a zero-window probe is no keepalive ACK. */
		bool zwp = f->fbits & ZWP_RUN(!dir);
		f->fbits &= (uint8_t)~ZWP_RUN(!dir);
		probe_answered(a, y, pkt, p->payload_len == 0 && !ctl && !zwp, x);
	}
	/* ACK for bytes never seen: x received them, so they crossed the
	 * capture point and the capture missed them (Wireshark's "ACKed
	 * segment that wasn't captured"). Not a loss on the path. */
	if ((y->bits & H_NXT) && !(y->bits & H_CAND) && seq_lt(y->nxt, p->ack) &&
	    !(fl & (TCP_SYN | TCP_RST))) {
		hole_open(f, !dir, y->nxt, p->ack, pkt, now_ms);
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
		y->t_pending_ms = now_ms;
		y->pkt_pending = 0;
		y->retrans_pending = 0;
		y->bits &= ~(H_PENDING_AFTER_GAP | H_PENDING_NS);
	}
	if (hole_of(f, !dir) && !seq_lt(p->ack, f->hole_hi))
		f->fbits |= HOLE_ACKED;
	x->last_ack = p->ack;
	x->bits |= H_ACK;
}

/* A segment of at most one byte: a keepalive or zero-window probe, or a
 * zero-length segment held as a candidate while nothing says which it is.
 * True when it was one of those (nothing more to do with it). */
static bool on_tiny_segment(struct analyzer *a, struct flow *f, int dir, const struct tcp_pkt *p,
                            uint32_t pkt, uint32_t now_ms)
{
	struct half *x = &f->h[dir], *y = &f->h[!dir];
	uint32_t len = p->payload_len;
	bool known = (x->bits & H_NXT) || (y->bits & H_ACK);
	uint32_t expected = (x->bits & H_NXT) ? x->nxt : y->last_ack;

	if (known && p->seq == expected - 1) {
		if (y->bits & H_ZERO_WIN) {
			on_zero_window_probe(a, f, dir, pkt, now_ms);
			return true;
		}
		if (f->fbits & ZWP_RUN(dir)) { /* a new run, of keepalives */
			f->fbits &= (uint8_t)~ZWP_RUN(dir);
			x->bits &= ~H_PROBE_PENDING;
			x->unans_run = 0;
		}
		on_probe(a, x, y, p->seq, len, pkt, now_ms);
		return true;
	}
	if (known || len != 0)
		return false;
	if ((x->bits & H_CAND) && p->seq == x->nxt && now_ms - x->t_last_probe_ms >= 500) {
		/* The same zero-length segment again, unanswered and at least
		 * 0.5 s later: probes (peer silent). */
		x->bits &= ~H_CAND;
		on_probe(a, x, y, x->nxt, 0, x->pkt_unans, x->t_last_probe_ms);
		on_probe(a, x, y, p->seq, 0, pkt, now_ms);
		return true;
	}
	x->bits |= H_CAND;
	x->nxt = p->seq;
	x->t_last_probe_ms = now_ms;
	x->pkt_unans = pkt;
	return true;
}

/* A segment with data: late (fills a capture hole), sent again, or new
 * data that now waits for the peer's ACK (an NS probe is such data). */
/* The first FIN of the flow: who sent it, and how long after the last
 * data either way (the start of each side's last data run, moved forward
 * by each ACK of it: about its end). A server that closes an idle session
 * is the database's own end (verdict.c). */
static void first_fin(struct flow *f, int dir, uint32_t now_ms)
{
	uint32_t last = 0;

	for (int d = 0; d < 2; d++)
		if ((f->h[d].bits & H_DATA_SEEN) && seq_lt(last, f->h[d].t_pending_ms) &&
		    !seq_lt(now_ms, f->h[d].t_pending_ms))
			last = f->h[d].t_pending_ms;
	f->fbits |= FIN_FIRST | (dir ? FIN_FIRST_SIDE1 : 0);
	f->fin_idle_enc = enc_ms(now_ms - last);
}

/* An Oracle error in the server's data (ORA-00028 for a killed session,
 * ORA-02396 for a sniped one): evidence of the database's own end, if the
 * flow ends after it. A new call from the client means the session went on
 * (an application's error, ORA-00942 say): forgotten. Only small segments,
 * the first bytes captured: error packets are short. */
static inline void note_ora(struct flow *f, int dir, const struct tcp_pkt *p)
{
	size_t n = p->caplen_payload < ORA_SCAN_BYTES ? p->caplen_payload : ORA_SCAN_BYTES;

	if (dir == f->client) {
		f->server_ora = 0;
		return;
	}
	if (p->payload == NULL || p->payload_len > 2048 || n < 10)
		return;
	int code = ora_find(p->payload, n), known = code ? ora_known_index(code) : 0;
	if (code)
		f->server_ora = known ? (uint8_t)known : SERVER_ORA_OTHER;
}

static void on_data(struct analyzer *a, struct flow *f, int dir, const struct tcp_pkt *p,
                    uint32_t pkt, uint32_t now_ms)
{
	struct half *x = &f->h[dir];
	uint32_t len = p->payload_len;
	bool ns = len == TNS_DATA_HEADER_LEN && (p->caplen_payload < TNS_DATA_HEADER_LEN ||
	                                         tns_is_dcd_probe(p->head, p->caplen_payload));
	bool retrans = (x->bits & H_NXT) && !seq_lt(x->nxt, p->seq + len) && !(x->bits & H_CAND);

	if (retrans && hole_fill(f, dir, p->seq, len))
		return; /* data the capture had missed, seen late: reordering */
	if (retrans) {
		x->retrans++;
		x->t_last_retrans_ms = now_ms;
		if (x->bits & H_DATA_PENDING)
			x->retrans_pending++;
		mark(a, pkt, PKT_RETRANSMISSION);
		return;
	}
	if (ns) {
		x->ns_probes++;
		mark(a, pkt, PKT_NS_PROBE);
	}
	if (!ns)
		note_ora(f, dir, p);
	if (!(x->bits & H_DATA_PENDING)) {
		x->bits |= H_DATA_PENDING | H_DATA_SEEN;
		x->t_pending_ms = now_ms;
		x->pkt_pending = pkt;
		x->retrans_pending = 0;
		if (f->pending_gap_ms && f->pending_gap_side == dir && f->pkt_gap == pkt) {
			x->bits |= H_PENDING_AFTER_GAP;
			f->drop_gap_ms = f->pending_gap_ms;
		}
		if (ns)
			x->bits |= H_PENDING_NS;
	} else if (x->pkt_pending == 0) {
		x->pkt_pending = pkt; /* first data after a partial ACK */
	}
}

/* Header prediction, as in Van Jacobson's TCP input path: most segments
 * of a flow in its steady state are in-order data or pure ACKs, while
 * nothing is pending that a probe, a capture hole, a candidate or a close
 * would change. For them the general path of classify() comes down to the
 * updates of steady_segment(). DCDLAB_CHECK_FASTPATH=1 runs both on every
 * such segment and compares the flows byte for byte; the tests do so over
 * every capture they read (analyze_captures.sh, analyze_real_host.sh). */
static bool steady(const struct flow *f, const struct half *x, const struct half *y,
                   const struct tcp_pkt *p)
{
	uint32_t len = p->payload_len;

	/* A pure ACK or data: not a 1-byte keepalive nor a 10-byte NS probe. */
	return (p->flags & (TCP_SYN | TCP_FIN | TCP_RST | TCP_ACK)) == TCP_ACK && len != 1 &&
	       len != TNS_DATA_HEADER_LEN && !(f->fbits & HOLE_OPEN) &&
	       (x->bits & (H_NXT | H_CAND | H_PROBE_PENDING | H_FIN | H_RST)) == H_NXT &&
	       (y->bits & (H_NXT | H_CAND | H_PROBE_PENDING | H_RST)) == H_NXT &&
	       p->seq == x->nxt && !seq_lt(y->nxt, p->ack);
}

/* What classify() does with such a segment, step by step in its order:
 * note_gap (an idle gap noted; else the other side's answer ends a pending
 * one), note_ttl, on_ack (y's data all or partly answered), on_data (new
 * data in order: no retransmission, no hole, no NS probe; the first after
 * an idle gap is marked so). */
static inline __attribute__((always_inline)) void steady_segment(struct analyzer *a, struct flow *f,
                                                                 int dir, const struct tcp_pkt *p,
                                                                 uint32_t pkt, uint32_t now_ms)
{
	struct half *x = &f->h[dir], *y = &f->h[!dir];
	uint32_t len = p->payload_len, gap_ms = now_ms - f->t_last_ms;
	bool after_gap = gap_ms >= IDLE_GAP_MS;

	if (gap_ms > f->max_gap_ms)
		f->max_gap_ms = gap_ms;
	if (after_gap) {
		a->s.gaps[gap_bucket(gap_ms)]++;
		f->pending_gap_ms = gap_ms;
		f->pending_gap_side = (uint8_t)dir;
		f->pkt_gap = pkt;
	} else if (f->pending_gap_ms && dir != f->pending_gap_side) {
		if (f->pending_gap_ms > f->survived_gap_ms)
			f->survived_gap_ms = f->pending_gap_ms;
		f->pending_gap_ms = 0;
	}
	f->t_last_ms = now_ms;
	x->packets++;
	x->ttl = p->ttl;

	bool advanced = !(x->bits & H_ACK) || seq_lt(x->last_ack, p->ack);
	if ((y->bits & H_DATA_PENDING) && !seq_lt(p->ack, y->nxt)) {
		y->bits &= ~(H_DATA_PENDING | H_PENDING_AFTER_GAP | H_PENDING_NS);
		y->retrans_pending = 0;
	} else if ((y->bits & H_DATA_PENDING) && advanced) {
		y->t_pending_ms = now_ms;
		y->pkt_pending = 0;
		y->retrans_pending = 0;
		y->bits &= ~(H_PENDING_AFTER_GAP | H_PENDING_NS);
	}
	x->last_ack = p->ack;

	uint16_t bits = x->bits | H_TTL | H_ACK | H_SEEN;
	if (len > 0) {
		note_ora(f, dir, p);
		if (!(bits & H_DATA_PENDING)) {
			bits |= H_DATA_PENDING | H_DATA_SEEN;
			x->t_pending_ms = now_ms;
			x->pkt_pending = pkt;
			x->retrans_pending = 0;
			if (after_gap) {
				bits |= H_PENDING_AFTER_GAP;
				f->drop_gap_ms = gap_ms;
			}
		} else if (x->pkt_pending == 0) {
			x->pkt_pending = pkt;
		}
		x->nxt = p->seq + len;
	}
	x->bits = (uint16_t)((bits & ~H_ZERO_WIN) | (p->win == 0 ? H_ZERO_WIN : 0));
	x->t_last_ms = now_ms;
}

/* DCDLAB_CHECK_FASTPATH: the steady path on a copy, then the general one
 * on the flow; a difference is counted (analyzer_fastpath_differences). */
static void classify_general(struct analyzer *a, struct flow *f, int dir, const struct tcp_pkt *p,
                             uint32_t pkt, uint32_t now_ms);

static void check_steady(struct analyzer *a, struct flow *f, int dir, const struct tcp_pkt *p,
                         uint32_t pkt, uint32_t now_ms)
{
	struct flow fast = *f;
	struct summary s = a->s;
	uint64_t marks = a->marks;

	steady_segment(a, &fast, dir, p, pkt, now_ms);
	struct summary s_fast = a->s;
	a->s = s;
	classify_general(a, f, dir, p, pkt, now_ms);
	a->fast_checked++;
	if (memcmp(&fast, f, sizeof(fast)) != 0 || memcmp(&s_fast, &a->s, sizeof(s)) != 0 ||
	    marks != a->marks) {
		if (a->fast_differed++ == 0)
			fprintf(stderr,
			        "DCDLAB_CHECK_FASTPATH: packet %u: the steady path differs\n", pkt);
	}
}

/* Read one segment of side `dir` against what both sides sent so far.
 * False when it was a copy or took the steady path: nothing that could
 * close the flow (no FIN, no RST). */
static inline __attribute__((always_inline)) bool
classify(struct analyzer *a, struct flow *f, int dir, const struct tcp_pkt *p, uint32_t pkt)
{
	struct half *x = &f->h[dir], *y = &f->h[!dir];
	uint32_t now_ms = flow_clock(a, f);

	/* A copy of x's previous packet (same sequence, ACK, length, flags,
	 * window and IP ID; the TTL may differ when a routing host is seen on
	 * both sides) is one transmission seen twice: drop it here. */
	uint32_t sig = pkt_sig(p);
	if ((x->bits & H_SIG) && sig == x->sig && now_ms - x->t_last_ms <= DUP_WINDOW_MS) {
		sat_inc(&f->duplicates);
		a->s.duplicates++;
		return false;
	}
	x->sig = sig;
	x->bits |= H_SIG;

	if (steady(f, x, y, p)) {
		if (a->check_fast)
			check_steady(a, f, dir, p, pkt, now_ms);
		else
			steady_segment(a, f, dir, p, pkt, now_ms);
		return false;
	}
	classify_general(a, f, dir, p, pkt, now_ms);
	return true;
}

/* The rest of classify(): every case. */
static void classify_general(struct analyzer *a, struct flow *f, int dir, const struct tcp_pkt *p,
                             uint32_t pkt, uint32_t now_ms)
{
	struct half *x = &f->h[dir], *y = &f->h[!dir];
	uint32_t len = p->payload_len;
	uint8_t fl = p->flags;
	bool ctl = fl & (TCP_SYN | TCP_FIN | TCP_RST);

	note_gap(a, f, dir, fl, pkt, now_ms);
	f->t_last_ms = now_ms;
	x->packets++;
	note_ttl(x, p, pkt, now_ms);

	/* A keepalive probe's shape (0 or 1 byte at seq = expected - 1): it is
	 * sent by a timer, so it answers nothing the peer asked. */
	bool tiny = !ctl && len <= 1 && !(x->bits & H_FIN);
	bool probe_shape =
	        tiny && (((x->bits & H_NXT) && p->seq == x->nxt - 1) ||
	                 (!(x->bits & H_NXT) && (y->bits & H_ACK) && p->seq == y->last_ack - 1));
	if (fl & TCP_ACK)
		on_ack(a, f, dir, p, pkt, now_ms, probe_shape);

	/* A segment that starts past everything seen from x: the capture did
	 * not see x's earlier data (capture loss, or loss before the capture
	 * point, or reordering: a later segment can still fill the hole). */
	if ((x->bits & H_NXT) && !(x->bits & H_CAND) && !ctl && seq_lt(x->nxt, p->seq)) {
		hole_open(f, dir, x->nxt, p->seq, pkt, now_ms);
		if (f->pending_gap_ms && f->pending_gap_side == dir) {
			f->fbits |= HOLE_AFTER_GAP; /* the first data after an idle gap */
			f->drop_gap_ms = f->pending_gap_ms;
		}
	}

	if (!(tiny && on_tiny_segment(a, f, dir, p, pkt, now_ms))) {
		if (len > 0)
			on_data(a, f, dir, p, pkt, now_ms);
		/* Anything else from x settles its candidate as a plain ACK. */
		x->bits &= ~H_CAND;
		uint32_t end = p->seq + len + ((fl & TCP_SYN) ? 1 : 0) + ((fl & TCP_FIN) ? 1 : 0);
		if (!(fl & TCP_RST) && (!(x->bits & H_NXT) || seq_lt(x->nxt, end))) {
			x->nxt = end;
			x->bits |= H_NXT;
		}
	}
	if ((fl & TCP_FIN) && !((x->bits | y->bits) & (H_FIN | H_RST)) && !(f->fbits & FIN_FIRST))
		first_fin(f, dir, now_ms);
	if (fl & TCP_FIN)
		x->bits |= H_FIN;
	if (!(fl & (TCP_SYN | TCP_RST)))
		x->bits = (uint16_t)((x->bits & ~H_ZERO_WIN) | (p->win == 0 ? H_ZERO_WIN : 0));
	x->bits |= H_SEEN;
	x->t_last_ms = now_ms;
}

/* A SYN on a known 4-tuple: a new session, unless it is the flow's own
 * SYN sent again (same initial sequence number); so is a SYN-ACK with a
 * new one (the new session's SYN was not captured). A flow that ended
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

/* analyzer_packet() with the packet's hash (hash_pkt()) given, and a guess
 * at its flow (flow_find()). */
static inline __attribute__((always_inline)) void packet_h(struct analyzer *a, uint64_t ts_us,
                                                           uint32_t pkt, const struct tcp_pkt *p,
                                                           uint64_t h, struct flow *guess)
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
	f = flow_find(a, p, h, guess, &dir);
	if ((p->flags & TCP_SYN) && syn_starts_new_session(f, dir, p)) {
		uint32_t n = f->self;
		finish_flow(a, f);
		flow_release(a, f, n);
		f = flow_find(a, p, h, NULL, &dir);
	}
	a->last_flow_id = f->id; /* before classify: its on_pkt callback may ask */
	a->last_dir_client = dir == f->client;
	if (classify(a, f, dir, p, pkt) && f->state == FLOW_OPEN &&
	    ((p->flags & TCP_RST) || ((f->h[0].bits & H_FIN) && (f->h[1].bits & H_FIN)))) {
		f->state = FLOW_CLOSING;
		closing_push(a, f->self);
	}
	if ((a->s.packets & 1023) == 0)
		expire_closed(a);
}

void analyzer_packet(struct analyzer *a, uint64_t ts_us, uint32_t pkt, const struct tcp_pkt *p)
{
	packet_h(a, ts_us, pkt, p, hash_pkt(p), NULL);
}

/* Flows are fetched this many packets ahead of the one classified: more
 * than a memory latency's worth of packets (3 to 16 measured alike). */
#define AHEAD_PKTS 6

/* Three passes: each packet's hash, its index slot into the cache; AHEAD_PKTS
 * packets before its turn, the flow the slot names (flow_guess) into the
 * cache; then the packet itself. A guess is only tried: flow_find() takes
 * it if it is still open and the packet's 4-tuple is its own (the flow
 * may have ended, even been reused, in between). */
void analyzer_batch(struct analyzer *a, const struct an_packet *pk, unsigned n)
{
	uint64_t h[AN_BATCH];
	struct flow *guess[AN_BATCH];

	for (; n > AN_BATCH; n -= AN_BATCH, pk += AN_BATCH)
		analyzer_batch(a, pk, AN_BATCH);
	for (unsigned i = 0; i < n; i++) {
		if (pk[i].dr != DECODE_TCP)
			continue;
		h[i] = hash_pkt(&pk[i].tp);
		flow_prefetch_slot(a, h[i]);
	}
	for (unsigned i = 0; i < n && i < AHEAD_PKTS; i++)
		guess[i] = pk[i].dr == DECODE_TCP ? flow_guess(a, h[i]) : NULL;
	for (unsigned i = 0; i < n; i++) {
		unsigned j = i + AHEAD_PKTS;
		if (j < n)
			guess[j] = pk[j].dr == DECODE_TCP ? flow_guess(a, h[j]) : NULL;
		if (pk[i].dr == DECODE_TCP)
			packet_h(a, pk[i].ts_us, pk[i].pktno, &pk[i].tp, h[i], guess[i]);
		else
			analyzer_skip(a, pk[i].dr);
	}
}

void analyzer_check_fastpath(struct analyzer *a)
{
	a->check_fast = true;
}

uint64_t analyzer_fastpath_differences(const struct analyzer *a, uint64_t *checked)
{
	*checked = a->fast_checked;
	return a->fast_differed;
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

void note_server_idle(struct analyzer *a, double idle_s)
{
	double *v = grow(a->srv_idle_s, &a->cap_srv_idle, a->n_srv_idle, sizeof(*v), 64);
	if (v == NULL)
		return; /* a statistic, not a verdict: go on without it */
	a->srv_idle_s = v;
	a->srv_idle_s[a->n_srv_idle++] = idle_s;
}

static int by_value(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return a < b ? -1 : a > b;
}

/* The largest group of server-ended flows whose idle times lie within a
 * second of each other: many sessions closed by the server after the same
 * idle time is a server idle limit. */
static void server_idle_groups(struct analyzer *a)
{
	size_t n = a->n_srv_idle, best = 0, at = 0;

	if (n < 2)
		return;
	qsort(a->srv_idle_s, n, sizeof(double), by_value);
	for (size_t i = 0, j = 0; j < n; j++) {
		while (a->srv_idle_s[j] - a->srv_idle_s[i] > 1.0)
			i++;
		if (j - i + 1 > best) {
			best = j - i + 1;
			at = i;
		}
	}
	if (best >= 2) {
		a->s.server_idle_flows = best;
		a->s.server_idle_s = a->srv_idle_s[at + best / 2];
	}
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
	server_idle_groups(a);
	*s = a->s;
}
