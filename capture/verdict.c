/* verdict.c - from a flow's state to its verdict with evidence: the
 * inferred keepalive settings of each side, then the verdict rules in
 * order (the first that holds decides). */
#include "flow.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../lib/fmtnum.h"
#include "../model/dbend.h"
#include "../model/sqlnet.h"

static void format_addr(const struct analyzer *a, const struct flow *f, int side, char *buf,
                        size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (f->family == 4 && len >= 22) { /* inet_ntop and snprintf cost ~2,800 instructions */
		fmt_ipv4_port(buf, flow_addr(a, f, side), f->port[side]);
		return;
	}
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
	s->data_to_probe_s = dec_s(h->data_to_probe_enc);
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
	add_evidence(r, f, x->pkt_unans, x->t_unans_ms, "%s keepalive probe 1 of %u unanswered",
	             who, x->unans_run);
	if (y->bits & H_SEEN) {
		r->detect_s = (x->t_rst_ms - y->t_last_ms) / 1000.0;
		add_evidence(
		        r, f, x->pkt_rst, x->t_rst_ms,
		        "%s RST after %u unanswered probes, %.2f s after the peer's last packet",
		        who, x->unans_run, r->detect_s);
	} else {
		add_evidence(r, f, x->pkt_rst, x->t_rst_ms,
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
	uint32_t step = x->unans_run >= 2 && x->t_last_ms > x->t_unans_ms
	                        ? (x->t_last_ms - x->t_unans_ms) / (x->unans_run - 1)
	                        : 0;

	if (!((x->bits & H_PROBE_PENDING) && x->unans_run >= 2 && !(x->bits & H_RST) &&
	      !(y->bits & H_RST) && !seq_lt(x->t_unans_ms, y->t_last_ms) && step > 0 &&
	      capture_end > (uint64_t)x->t_last_ms + 2 * (uint64_t)step + IDLE_GAP_MS))
		return false;
	r->verdict = VERDICT_DEAD_PEER;
	r->detect_s = (x->t_last_ms - y->t_last_ms) / 1000.0;
	add_evidence(r, f, x->pkt_unans, x->t_unans_ms, "%s %s probe 1 of %u unanswered", who,
	             zwp ? "zero-window" : "keepalive", x->unans_run);
	add_evidence(r, f, 0, x->t_last_ms,
	             "then the %s stopped probing (%.1f s more of capture): it gave up, %.2f s "
	             "after the peer's last packet%s",
	             who, (double)(capture_end - x->t_last_ms) / 1000.0, r->detect_s,
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
	if ((x->bits & H_RST) && !seq_lt(x->t_rst_ms, x->t_pending_ms) &&
	    x->t_rst_ms - x->t_pending_ms < ABORT_WINDOW_MS)
		return false;
	if (seq_lt(x->t_pending_ms, y->t_last_ms)) {
		/* The peer kept sending but never ACKed this data: the path
		 * passes its packets and loses ours. One retransmission could be
		 * a tail-loss probe whose ACK the capture missed: ask for two. */
		if (x->retrans_pending < 2)
			return false;
		r->verdict = VERDICT_FIREWALL_DROP;
		add_evidence(r, f, x->pkt_pending, x->t_pending_ms,
		             "%s data retransmitted %u times, never ACKed", who,
		             x->retrans_pending);
		add_evidence(r, f, 0, y->t_last_ms,
		             "the peer kept sending (last packet %.2f s after that data) without "
		             "ACKing it: the path drops this direction's data",
		             (y->t_last_ms - x->t_pending_ms) / 1000.0);
		if (f->drop_gap_ms && (x->bits & H_PENDING_AFTER_GAP))
			r->drop_gap_s = f->drop_gap_ms / 1000.0;
		return true;
	}
	if (x->bits & H_PENDING_NS) {
		r->verdict = VERDICT_DEAD_PEER;
		r->detect_s = (x->t_last_retrans_ms - y->t_last_ms) / 1000.0;
		add_evidence(r, f, x->pkt_pending, x->t_pending_ms,
		             "%s NS probe (10-byte TNS DATA) never ACKed", who);
		add_evidence(
		        r, f, 0, x->t_last_retrans_ms,
		        "%s retransmitted it %u times; last %.2f s after the peer's last packet",
		        who, x->retrans_pending, r->detect_s);
	} else if (x->bits & H_PENDING_AFTER_GAP) {
		r->verdict = VERDICT_FIREWALL_DROP;
		r->drop_gap_s = f->drop_gap_ms / 1000.0;
		add_evidence(r, f, x->pkt_pending, x->t_pending_ms,
		             "%s data after %.1f s idle, never answered", who, r->drop_gap_s);
		add_evidence(r, f, 0, x->t_last_retrans_ms, "%s retransmitted it %u times", who,
		             x->retrans_pending);
	} else {
		r->verdict = VERDICT_DEAD_PEER;
		r->detect_s = (x->t_last_retrans_ms - y->t_last_ms) / 1000.0;
		add_evidence(r, f, x->pkt_pending, x->t_pending_ms,
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
	if (f->pending_gap_ms)
		r->drop_gap_s = f->pending_gap_ms / 1000.0;
	add_evidence(r, f, x->pkt_rst, x->t_rst_ms,
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
	r->drop_gap_s = f->drop_gap_ms / 1000.0;
	add_evidence(r, f, f->pkt_hole, f->t_hole_ms,
	             "after %.1f s idle, %s data before this packet never reached the capture "
	             "point and the peer never ACKed it: data lost on the path",
	             r->drop_gap_s, who);
	return true;
}

/* The server closed first (FIN) after the session had been idle - the
 * database's own end: MAX_IDLE_TIME, or KILL SESSION IMMEDIATE - or after
 * answering with an Oracle error (ORA-00028 killed, ORA-02396 sniped). Not
 * a middlebox: the server's own FIN, and nothing of the client's pending. */
static bool rule_server_ended(struct flow_report *r, const struct analyzer *a, const struct flow *f,
                              int d)
{
	(void)a;
	if (d == f->client)
		return false;
	/* An error answer to the last call, then the end of the flow: for the
	 * errors that end a session (ORA-00028, ORA-02396, ...: ora_text knows
	 * them) whoever's FIN came first (the client may close at once, before
	 * the server's close is out); for any other error the server's FIN
	 * must come first (a client that gives up after an error of its own
	 * closes its session itself). */
	bool ended = (f->h[0].bits | f->h[1].bits) & (H_FIN | H_RST);
	bool server_first = (f->fbits & FIN_FIRST) && !!(f->fbits & FIN_FIRST_SIDE1) == !!d;
	double idle_s = server_first ? dec_s(f->fin_idle_enc) : -1;
	int ora = f->server_ora == SERVER_ORA_OTHER ? -1 : ora_known_code(f->server_ora);
	bool ora_end =
	        f->server_ora && ended && (f->server_ora != SERVER_ORA_OTHER || server_first);
	if (!ora_end && !(server_first && idle_s * 1000 >= IDLE_GAP_MS))
		return false;
	r->verdict = VERDICT_SERVER_ENDED;
	r->server_idle_s = idle_s * 1000 >= IDLE_GAP_MS ? idle_s : -1;
	r->server_ora = ora;
	if (ora > 0)
		add_evidence(r, f, 0, f->t_last_ms,
		             "the server answered ORA-%05d (%s), then closed", ora, ora_text(ora));
	else if (ora < 0)
		add_evidence(r, f, 0, f->t_last_ms,
		             "the server answered an ORA- error, then closed");
	if (server_first && idle_s * 1000 >= IDLE_GAP_MS)
		add_evidence(
		        r, f, 0, f->t_last_ms,
		        "the server closed (FIN) after %.1f s without data either way, nothing "
		        "of the client's pending: the database's own end (MAX_IDLE_TIME, KILL "
		        "SESSION IMMEDIATE), not a middlebox",
		        idle_s);
	return true;
}

typedef bool (*verdict_rule_fn)(struct flow_report *r, const struct analyzer *a,
                                const struct flow *f, int side);

/* In order of strength; the first that holds for either side decides. */
static const verdict_rule_fn verdict_rules[] = {
	rule_keepalive_timeout, rule_probes_stopped, rule_unacked_data,
	rule_injected_rst,      rule_lost_after_gap, rule_server_ended,
};

void finish_flow(struct analyzer *a, struct flow *f)
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
	r.last_s = (double)(flow_base_ms(f) + f->t_last_ms) / 1000.0;
	r.packets = r.client.packets + r.server.packets;
	r.idle_max_s = f->max_gap_ms / 1000.0;
	r.survived_gap_s = f->survived_gap_ms ? f->survived_gap_ms / 1000.0 : -1;
	r.drop_gap_s = -1;
	r.detect_s = -1;
	r.server_idle_s = -1;
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
				add_evidence(&r, f, f->h[d].pkt_rst, f->h[d].t_rst_ms,
				             "%s sent RST", d == c ? "client" : "server");
			else
				add_evidence(&r, f, 0, f->t_last_ms, "FIN both ways");
		} else if ((h0->bits & H_SEEN) && (h1->bits & H_SEEN)) {
			r.verdict = VERDICT_ALIVE;
		}
	}
	if (f->survived_gap_ms && (a->s.longest_survived_gap_s < 0 ||
	                           f->survived_gap_ms / 1000.0 > a->s.longest_survived_gap_s))
		a->s.longest_survived_gap_s = f->survived_gap_ms / 1000.0;
	if (r.verdict == VERDICT_FIREWALL_DROP && r.drop_gap_s > 0 &&
	    (a->s.shortest_drop_gap_s < 0 || r.drop_gap_s < a->s.shortest_drop_gap_s))
		a->s.shortest_drop_gap_s = r.drop_gap_s;
	if (r.verdict == VERDICT_SERVER_ENDED && r.server_idle_s * 1000 >= IDLE_GAP_MS)
		note_server_idle(a, r.server_idle_s);
	a->s.by_verdict[r.verdict]++;
	a->s.not_captured += f->not_captured;
	a->s.reordered += f->reordered;
	if (f->not_captured)
		a->s.flows_with_loss++;
	if (a->on_report)
		a->on_report(&r, a->arg);
}
