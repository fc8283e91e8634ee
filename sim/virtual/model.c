/* model.c - one session in virtual time (see model.h). */
#include "model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../capture/decode.h"
#include "../../lib/numparse.h"
#include "../../lib/tns.h"
#include "../../model/dbend.h"
#include "../../model/descriptor.h"
#include "../../model/driver.h"
#include "../../lib/textfile.h"
#include "../../model/linux_timers.h"
#include "../../model/profile.h"
#include "../../model/sqlnet.h"

#define NEVER INT64_MAX

enum { CLI, SRV };

/* What crosses the path. DATA carries one of the messages. */
enum pkt { P_DATA, P_PROBE, P_ACK, P_FIN, P_RST };
enum msg { M_NONE, M_REQUEST, M_RESPONSE, M_NS_PROBE, M_EOF, M_ERROR };

enum fw_state { FWS_NONE, FWS_OPEN, FWS_GONE, FWS_CLOSED };

struct ep {
	const struct sim_tcp *tcp;
	bool up;        /* the socket is open */
	bool host_down; /* crashed: nothing in, nothing out */
	bool reset;     /* a RST arrived */
	bool timed_out; /* the kernel gave up (ETIMEDOUT) */
	bool fin_in;    /* the peer's FIN arrived */
	bool fin_out;   /* its program closed the socket (FIN sent) */
	int64_t last_rx_ms;
	int probes_out;
	int64_t ka_at_ms; /* keepalive timer */
	/* unacknowledged data: the oldest message and what queued behind */
	uint32_t snd_nxt, rcv_nxt; /* for the packets a capture would show */
	uint32_t q_seq[4];
	int unacked;        /* messages in flight */
	bool lost;          /* they did not get through: retransmitting */
	int64_t dack_at_ms; /* our delayed ACK of the peer's data */
	enum msg queue[4];
	int64_t rtx_at_ms; /* tail loss probe / RTO */
	int rtx_stage;     /* 0 TLP due, 1 first RTO due, 2+ later RTOs */
	int64_t r1_ms;     /* first RTO retransmission */
	int64_t rto_ms;
};

struct sess {
	const struct sim_params *p;
	const struct scenario *s;
	struct lab_session *out;
	struct sim_extra *x;
	struct lab_run *r;
	const char *tag;
	int64_t now_ms;
	struct ep ep[2];
	/* the client's program */
	int step;          /* next plan step */
	int call;          /* calls made */
	bool waiting;      /* for the answer to a call */
	int64_t app_at_ms; /* next step, or the call's timeout */
	bool client_done;
	int ended_ora; /* the call that ended the session failed with it */
	/* the server's program */
	int64_t resp_at_ms;  /* the answer to the current call */
	int64_t ns_at_ms;    /* next NS probe */
	int64_t last_app_ms; /* last TNS data in or out, for NS probes */
	bool server_done;
	/* the database's view (model/dbend.h) */
	enum db_status mark;   /* DB_INACTIVE, DB_KILLED or DB_SNIPED */
	int64_t idle_since_ms; /* the last answer (or the ACCEPT) */
	int64_t limit_at_ms;   /* the idle limit that comes first */
	bool limit_blocker;    /* ... is MAX_IDLE_BLOCKER_TIME */
	int held;              /* its lock in locks_out (held or waited for), -1 */
	int error_ora;         /* the error answer on its way */
	/* the firewall */
	enum fw_state fw;
	int64_t fw_expires_at_ms; /* the entry's expiry */
	bool cut;
	bool fault_done[SCN_MAX_FAULTS], restored[SCN_MAX_FAULTS];
};

enum fate { DELIVERED, DROPPED, RST_BACK };
static void release(struct sess *ss);
static enum fate xmit(struct sess *ss, int from, enum pkt k, enum msg m);

static void ev(struct sess *ss, const char *who, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void ev(struct sess *ss, const char *who, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	if (!ss->r || !ss->p->trace)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	lab_event(ss->r, ss->now_ms, who, "%s%s", ss->tag, what);
}

static const char *side(int e)
{
	return e == CLI ? "client" : "server";
}

/* A kernel timer armed `ms` ahead: on average, or as late as it may be. */
static int64_t ktimer(const struct sess *ss, int64_t ms)
{
	return linux_timer_ms(ms, ss->p->latest_timers ? TIMER_LATEST : TIMER_TYPICAL);
}

static void ka_arm(struct sess *ss, struct ep *e, int64_t after)
{
	e->ka_at_ms = e->tcp->keepidle_ms && e->up && !e->host_down ? ss->now_ms + ktimer(ss, after)
	                                                            : NEVER;
}

/* ---- the session's end, on each side ---- */

static void client_finish(struct sess *ss, int exit_code)
{
	ss->client_done = true;
	ss->waiting = false;
	ss->app_at_ms = NEVER;
	ss->out->client_exit = exit_code;
}

/* The result of call ss->call, or NULL past what a session records (the
 * call is still made: a long-lived session keeps calling, and can fail). */
static struct call_result *call_slot(struct sess *ss)
{
	ss->x->calls_made = ss->call;
	if (ss->call > LAB_MAX_CALLS)
		return NULL;
	ss->out->n_calls = ss->call;
	return &ss->out->calls[ss->call - 1];
}

static void call_fails(struct sess *ss, int ora, const char *why)
{
	struct call_result *c = call_slot(ss);

	if (c) {
		c->made = true;
		c->ok = false;
		c->ora = ora;
		c->t_ms = ss->now_ms;
		snprintf(c->message, sizeof(c->message), "%s", why);
	}
	if (ss->x->first_failure_ms < 0) {
		ss->x->first_failure_ms = ss->now_ms;
		ss->x->first_failure_ora = ora;
	}
	ev(ss, "client", "call %d: ORA-%05d: %s", ss->call, ora, why);
	/* As dcdlab connect: the plan goes on; later calls fail at once. */
	if (!ss->ended_ora)
		ss->ended_ora = ora;
	ss->waiting = false;
	ss->app_at_ms = ss->now_ms;
}

static void server_end(struct sess *ss, enum end_cause cause)
{
	struct ep *e = &ss->ep[SRV];
	struct lab_session *o = ss->out;

	if (ss->server_done)
		return;
	enum end_cause then = cause;
	if (ss->mark != DB_INACTIVE && !end_cause_is_db(cause))
		cause = db_ends[db_end_of_mark(ss->mark)].gone_cause;
	ss->server_done = true;
	e->up = false;
	e->ka_at_ms = e->rtx_at_ms = NEVER;
	ss->resp_at_ms = ss->ns_at_ms = ss->limit_at_ms = NEVER;
	release(ss);
	o->server_ended = true;
	o->server_cause = cause;
	o->server_dead_peer = end_cause_is_dead_peer(then);
	o->server_end_ms = ss->now_ms;
	o->server_since_last_packet_s = (double)(ss->now_ms - e->last_rx_ms) / 1000;
	if (cause == END_DISCONNECT || cause == END_EOF ||
	    (end_cause_is_db(cause) && then == cause)) {
		/* the listener closes the session: its FIN, and the client's
		 * kernel acknowledges it */
		e->up = true;
		e->fin_out = true;
		if (xmit(ss, SRV, P_FIN, M_NONE) == DELIVERED)
			xmit(ss, CLI, P_ACK, M_NONE);
		e->up = false;
	}
	ev(ss, "server", "session ended: %s%s (%.2f s after the client's last packet)",
	   end_cause_name(cause), o->server_dead_peer ? ", a dead peer" : "",
	   o->server_since_last_packet_s);
}

/* A RST reached side `to`. */
static void got_rst(struct sess *ss, int to)
{
	struct ep *e = &ss->ep[to];

	if (!e->up || e->host_down)
		return;
	if (to == SRV) {
		server_end(ss, END_RST);
		return;
	}
	e->reset = true;
	e->up = false;
	e->ka_at_ms = e->rtx_at_ms = NEVER;
	if (ss->x->client_dead_ms < 0)
		ss->x->client_dead_ms = ss->now_ms;
	if (ss->waiting)
		call_fails(ss, 3113, "Connection reset by peer");
}

/* ---- the path: link, firewall, the other host ---- */

static void fw_refresh(struct sess *ss, enum pkt k)
{
	if (ss->fw != FWS_OPEN)
		return;
	if (k == P_FIN || k == P_RST) {
		ss->fw = FWS_CLOSED; /* conntrack leaves ESTABLISHED */
		ss->fw_expires_at_ms = NEVER;
		return;
	}
	/* "keepalives ignored": pure ACKs (probes, their answers) bypass it */
	if (ss->s->keepalives_ignored && (k == P_PROBE || k == P_ACK))
		return;
	ss->fw_expires_at_ms = ss->now_ms + ss->s->fw_idle_ms;
}

/* Bytes on the wire per message (TNS packets of the lab's programs). */
static uint16_t msg_len(enum msg k)
{
	return k == M_NS_PROBE || k == M_EOF ? TNS_DATA_HEADER_LEN
	       : k == M_NONE                 ? 0
	       : k == M_ERROR                ? 50 /* "ORA-00028: ...\n" */
	                                     : 36;
}

/* A capture's view of one segment on `leg` (`len` bytes of `m`). */
static void emit_len(struct sess *ss, int leg, int from, uint8_t flags, uint32_t seq, uint32_t ack,
                     uint16_t len, enum msg m, uint8_t ttl)
{
	struct sim_packet pk = { .t_ms = ss->now_ms,
		                 .cport = ss->p->cport,
		                 .from_client = from == CLI,
		                 .flags = flags,
		                 .ttl = ttl,
		                 .seq = seq,
		                 .ack = ack,
		                 .len = len };

	if (!ss->p->on_packet)
		return;
	if (m == M_ERROR)
		pk.ora = (uint16_t)ss->error_ora;
	if (m == M_NS_PROBE || m == M_EOF) { /* a TNS DATA header: length, type, data flags */
		uint16_t data_flags = m == M_EOF ? TNS_DATA_FLAG_EOF : 0;
		pk.head[1] = TNS_DATA_HEADER_LEN;
		pk.head[4] = TNS_DATA;
		pk.head[8] = (uint8_t)(data_flags >> 8), pk.head[9] = (uint8_t)data_flags;
	}
	ss->p->on_packet(ss->p->packet_arg, leg == CLI ? SIM_LEG_CLIENT : SIM_LEG_SERVER, &pk);
}

static void emit(struct sess *ss, int leg, int from, uint8_t flags, uint32_t seq, uint32_t ack,
                 enum msg m, uint8_t ttl)
{
	emit_len(ss, leg, from, flags, seq, ack, msg_len(m), m, ttl);
}

/* A segment that crosses the firewall: on the sender's leg, then the other. */
static void emit_both(struct sess *ss, int from, uint8_t flags, uint16_t len)
{
	struct ep *s = &ss->ep[from];

	emit_len(ss, from, from, flags, s->snd_nxt, s->rcv_nxt, len, M_NONE, 64);
	emit_len(ss, 1 - from, from, flags, s->snd_nxt, s->rcv_nxt, len, M_NONE, 63);
}

/* t = 0: the handshake and the TNS CONNECT / ACCEPT, as packets. */
static void handshake(struct sess *ss)
{
	struct ep *c = &ss->ep[CLI], *s = &ss->ep[SRV];

	c->snd_nxt = 1000000, s->snd_nxt = 2000000;
	emit_both(ss, CLI, TCP_SYN, 0);
	c->snd_nxt++, s->rcv_nxt = c->snd_nxt;
	emit_both(ss, SRV, TCP_SYN | TCP_ACK, 0);
	s->snd_nxt++, c->rcv_nxt = s->snd_nxt;
	emit_both(ss, CLI, TCP_ACK, 0);
	emit_both(ss, CLI, TCP_PSH | TCP_ACK, 200); /* CONNECT */
	c->snd_nxt += 200, s->rcv_nxt = c->snd_nxt;
	emit_both(ss, SRV, TCP_PSH | TCP_ACK, 45); /* ACCEPT */
	s->snd_nxt += 45, c->rcv_nxt = s->snd_nxt;
	emit_both(ss, CLI, TCP_ACK, 0);
}

static enum fate cross(struct sess *ss, int from, enum pkt k)
{
	int to = 1 - from;

	if (ss->ep[from].host_down || ss->cut)
		return DROPPED; /* a cut is before conntrack: it refreshes nothing */
	if (ss->fw == FWS_GONE) {
		/* loose=0: not picked up again; INVALID */
		if (ss->s->expiry == FW_EXPIRY_SILENT || k == P_RST)
			return DROPPED;
		return RST_BACK;
	}
	fw_refresh(ss, k);
	if (ss->ep[to].host_down)
		return DROPPED;
	return DELIVERED;
}

static void deliver_msg(struct sess *ss, int to, enum msg m);

static enum fate xmit_seq(struct sess *ss, int from, enum pkt k, enum msg m, uint32_t dseq);

/* `from` sends `k` (DATA at sequence number `dseq`); the other side
 * answers as its kernel would. */
static enum fate xmit(struct sess *ss, int from, enum pkt k, enum msg m)
{
	return xmit_seq(ss, from, k, m, 0);
}

static enum fate xmit_seq(struct sess *ss, int from, enum pkt k, enum msg m, uint32_t dseq)
{
	int to = 1 - from;
	struct ep *s = &ss->ep[from], *d = &ss->ep[to];
	uint8_t fl = TCP_ACK;
	uint32_t seq = s->snd_nxt;

	switch (k) {
	case P_DATA: fl |= TCP_PSH, seq = dseq; break;
	case P_PROBE: seq = s->snd_nxt - 1; break;
	case P_FIN: fl |= TCP_FIN; break;
	case P_RST: fl |= TCP_RST; break;
	case P_ACK: break;
	}
	if (!s->host_down)
		emit(ss, from, from, fl, seq, s->rcv_nxt, m, 64);
	if (k == P_FIN)
		s->snd_nxt++;
	enum fate f = cross(ss, from, k);
	if (f == RST_BACK) {
		/* nft's reject: a RST from the firewall, to the sender, in the
		 * name of the peer: seq = the segment's ACK number */
		uint32_t end = seq + msg_len(m) + (k == P_FIN);
		emit(ss, from, to, TCP_RST | TCP_ACK, s->rcv_nxt, end, M_NONE, 64);
		ev(ss, "fw", "RST to the %s (no conntrack entry)", side(from));
		got_rst(ss, from);
		return f;
	}
	if (f == DROPPED) {
		if (!s->host_down && !ss->cut && ss->fw == FWS_GONE)
			return f; /* dropped as INVALID at the firewall: seen on one leg */
		if (!s->host_down && !ss->cut && d->host_down)
			emit(ss, to, from, fl, seq, s->rcv_nxt, m, 63); /* forwarded, then lost */
		return f;
	}
	emit(ss, to, from, fl, seq, s->rcv_nxt, m, 63);
	switch (k) {
	case P_RST: got_rst(ss, to); break;
	case P_FIN:
		d->rcv_nxt++;
		d->fin_in = true;
		if (to == SRV && d->up)
			server_end(ss, END_EOF);
		break;
	case P_PROBE:
		/* below the window: dropped with a duplicate ACK, which does not
		 * count as received on this side (tcp_sequence) */
		if (d->up && xmit(ss, to, P_ACK, M_NONE) == DELIVERED) {
			s->last_rx_ms = ss->now_ms;
			s->probes_out = 0;
		}
		break;
	case P_ACK: d->last_rx_ms = ss->now_ms; break;
	case P_DATA:
		if (!d->up) {
			/* a closed socket (its program ended it) answers with a RST */
			if (to == SRV && d->fin_out && !d->host_down) {
				d->up = true; /* for the RST's way back */
				xmit(ss, to, P_RST, M_NONE);
				d->up = false;
			}
			break;
		}
		d->last_rx_ms = ss->now_ms;
		if (seq == d->rcv_nxt)
			d->rcv_nxt += msg_len(m);
		else if ((int32_t)(seq - d->rcv_nxt) < 0)
			break; /* a retransmission of what arrived: no new message */
		deliver_msg(ss, to, m);
		break;
	}
	return DELIVERED;
}

/* All of `e`'s queued messages got through and were acknowledged. */
static void acked(struct sess *ss, int from)
{
	struct ep *e = &ss->ep[from];

	e->unacked = 0;
	e->lost = false;
	e->rtx_at_ms = NEVER;
	e->last_rx_ms = ss->now_ms;
	e->probes_out = 0;
	if (e->ka_at_ms == NEVER)
		ka_arm(ss, e, e->tcp->keepidle_ms);
}

/* Delayed ACK: data that is not answered at once is acknowledged about
 * 40 ms later (measured: 41-52 ms in the lab's captures); an answer sent
 * before then carries the ACK. The ACK refreshes the firewall and is the
 * sender's last received packet, so it shows in every idle time. */
#define SIM_DELACK_MS 40

static void dack_arm(struct sess *ss, int to)
{
	struct ep *d = &ss->ep[to];

	if (d->up && !d->host_down && d->dack_at_ms == NEVER)
		d->dack_at_ms = ss->now_ms + SIM_DELACK_MS;
}

/* Send the queue (or retransmit it); false if it did not get through. */
static bool push(struct sess *ss, int from)
{
	struct ep *e = &ss->ep[from];
	int n = e->unacked;
	enum msg q[4];

	uint32_t qs[4];
	memcpy(q, e->queue, sizeof(q));
	memcpy(qs, e->q_seq, sizeof(qs));
	for (int i = 0; i < n; i++) {
		if (xmit_seq(ss, from, P_DATA, q[i], qs[i]) != DELIVERED)
			return false;
		if (!e->up)
			return true; /* the message ended the session */
	}
	return true;
}

/* `from` writes a message: it goes out at once unless earlier data is
 * being retransmitted; unacknowledged data arms the retransmission timer
 * (keepalive waits meanwhile). */
static void send_msg(struct sess *ss, int from, enum msg m)
{
	struct ep *e = &ss->ep[from], *peer = &ss->ep[1 - from];

	if (!e->up || e->host_down)
		return;
	uint32_t seq = e->snd_nxt;
	e->snd_nxt += msg_len(m);
	if (e->unacked < 4) {
		e->q_seq[e->unacked] = seq;
		e->queue[e->unacked++] = m;
	}
	if (e->lost)
		return; /* queued behind what is being retransmitted */
	enum fate f = xmit_seq(ss, from, P_DATA, m, seq);
	if (f == DELIVERED) {
		/* this data carries the ACK of what the peer sent */
		if (peer->unacked && !peer->lost && e->dack_at_ms != NEVER) {
			e->dack_at_ms = NEVER;
			acked(ss, 1 - from);
		}
		dack_arm(ss, 1 - from);
	} else if (e->up) {
		e->lost = true;
	}
	if (e->up && e->rtx_at_ms == NEVER) {
		e->rtx_stage = 0;
		e->rtx_at_ms = ss->now_ms + SIM_PTO_MS;
		e->rto_ms = SIM_RTO_MS;
	}
}

static void dack_timer(struct sess *ss, int i)
{
	struct ep *d = &ss->ep[i];

	d->dack_at_ms = NEVER;
	if (d->up && xmit(ss, i, P_ACK, M_NONE) == DELIVERED && ss->ep[1 - i].unacked &&
	    !ss->ep[1 - i].lost)
		acked(ss, 1 - i);
}

/* ---- the programs ---- */

static void next_step(struct sess *ss);

/* ---- locks between sessions (sim_locks) ---- */

static struct sim_lock_use *held_use(struct sess *ss)
{
	return ss->held >= 0 && ss->p->locks_out ? &ss->p->locks_out->use[ss->held] : NULL;
}

/* The lock is released (commit, the end, KILLED / SNIPED): a lock still
 * waited for was never held. */
static void release(struct sess *ss)
{
	struct sim_lock_use *u = held_use(ss);

	if (!u)
		return;
	if (u->got_ms > ss->now_ms)
		u->got_ms = NEVER;
	else
		u->release_ms = ss->now_ms;
	ss->held = -1;
}

/* A lock call reached the server: when it is granted (NEVER: never). */
static int64_t lock_call(struct sess *ss, const char *name)
{
	const struct sim_locks *in = ss->p->locks_in;
	int64_t grant = ss->now_ms;

	release(ss);
	for (int i = 0; in && i < in->n; i++) {
		const struct sim_lock_use *u = &in->use[i];
		bool before = u->got_ms < ss->now_ms ||
		              (u->got_ms == ss->now_ms && u->session < ss->p->session);
		if (u->session != ss->p->session && strcmp(u->name, name) == 0 && before &&
		    u->release_ms > ss->now_ms && u->release_ms > grant)
			grant = u->release_ms;
	}
	struct sim_locks *out = ss->p->locks_out;
	if (out && out->n < SIM_MAX_LOCK_USES) {
		struct sim_lock_use *u = &out->use[out->n];
		memset(u, 0, sizeof(*u)); /* rounds are compared whole (cmd_sim.c) */
		snprintf(u->name, sizeof(u->name), "%s", name);
		u->session = ss->p->session;
		u->want_ms = ss->now_ms;
		u->got_ms = grant;
		u->release_ms = NEVER;
		ss->held = out->n++;
	}
	if (grant > ss->now_ms)
		ev(ss, "server", "waits for lock \"%s\"", name);
	return grant;
}

/* When another session began to wait for the lock this one holds (as the
 * last round saw it); NEVER: nobody. */
static int64_t blocked_from(const struct sess *ss)
{
	const struct sim_lock_use *h =
	        ss->held >= 0 && ss->p->locks_out ? &ss->p->locks_out->use[ss->held] : NULL;
	const struct sim_locks *in = ss->p->locks_in;
	int64_t w = NEVER;

	if (!h || h->got_ms > ss->now_ms)
		return NEVER;
	for (int i = 0; in && i < in->n; i++) {
		const struct sim_lock_use *u = &in->use[i];
		if (u->session != ss->p->session && strcmp(u->name, h->name) == 0 &&
		    u->want_ms >= h->got_ms && u->got_ms > u->want_ms && u->want_ms < w)
			w = u->want_ms;
	}
	return w;
}

/* The database's idle limits: when the one that comes first is due. */
static void arm_limit(struct sess *ss)
{
	int64_t after_ms, after_b;

	ss->limit_at_ms = NEVER;
	ss->limit_blocker = false;
	if (ss->server_done || ss->mark != DB_INACTIVE || ss->resp_at_ms != NEVER)
		return;
	if (db_limit_first(&ss->p->limits, false, &after_ms) != DB_END_COUNT)
		ss->limit_at_ms = ss->idle_since_ms + after_ms;
	int64_t w = blocked_from(ss);
	if (w != NEVER && db_limit_first(&ss->p->limits, true, &after_b) == DB_MAX_IDLE_BLOCKER) {
		int64_t at = ss->idle_since_ms + after_b > w ? ss->idle_since_ms + after_b : w;
		if (at < ss->limit_at_ms) {
			ss->limit_at_ms = at;
			ss->limit_blocker = true;
		}
	}
	if (ss->limit_at_ms < ss->now_ms)
		ss->limit_at_ms = ss->now_ms;
}

static void limit_timer(struct sess *ss)
{
	int64_t after_ms;
	enum db_end e = ss->limit_blocker ? DB_MAX_IDLE_BLOCKER
	                                  : db_limit_first(&ss->p->limits, false, &after_ms);

	ss->limit_at_ms = NEVER;
	if (e == DB_END_COUNT)
		return;
	if (db_ends[e].closes_at_once) {
		server_end(ss, db_ends[e].cause);
		return;
	}
	ss->mark = db_ends[e].status;
	release(ss);
	ev(ss, "server", "%s: idle %.1f s", db_status_name(ss->mark),
	   (double)(ss->now_ms - ss->idle_since_ms) / 1000);
}

/* The server answers a call with the database's error, then closes. */
static void answer_error(struct sess *ss, int ora, enum end_cause cause)
{
	ss->error_ora = ora;
	ss->resp_at_ms = NEVER;
	send_msg(ss, SRV, M_ERROR);
	server_end(ss, cause); /* its own cause: a database end is never "then gone" */
}

static void kill_session(struct sess *ss, bool immediate)
{
	const struct db_end_facts *f = &db_ends[immediate ? DB_KILL_IMMEDIATE : DB_KILL];

	if (ss->server_done || ss->mark == DB_KILLED)
		return;
	if (ss->resp_at_ms != NEVER) {
		answer_error(ss, DB_ORA_CALL_KILLED, f->cause); /* the call is interrupted */
	} else if (f->closes_at_once) {
		server_end(ss, f->cause);
	} else {
		ss->mark = DB_KILLED;
		ss->limit_at_ms = NEVER;
		release(ss);
		ev(ss, "server", "KILLED while idle");
	}
}

static void deliver_msg(struct sess *ss, int to, enum msg m)
{
	if (to == SRV) {
		ss->last_app_ms = ss->now_ms;
		if (m == M_REQUEST && ss->mark != DB_INACTIVE) {
			enum db_end e = db_end_of_mark(ss->mark);
			answer_error(ss, db_ends[e].ora_next_call, db_ends[e].cause);
		} else if (m == M_REQUEST) {
			const struct plan_step *st = &ss->p->plan->step[ss->step - 1];
			ss->limit_at_ms = NEVER;
			if (st->op == PLAN_LOCK)
				ss->resp_at_ms = lock_call(ss, st->lock);
			else if (st->op == PLAN_COMMIT)
				release(ss), ss->resp_at_ms = ss->now_ms;
			else
				ss->resp_at_ms = ss->now_ms + st->duration_ms;
		} else if (m == M_EOF) {
			server_end(ss, END_DISCONNECT);
		}
		return;
	}
	if (m == M_ERROR && ss->waiting) {
		call_fails(ss, ss->error_ora, "the server's answer to the call");
	} else if (m == M_RESPONSE && ss->waiting) {
		struct call_result *c = call_slot(ss);
		if (c) {
			c->made = c->ok = true;
			c->t_ms = ss->now_ms;
			snprintf(c->message, sizeof(c->message), "ok");
		}
		ss->waiting = false;
		ev(ss, "client", "call %d: ok", ss->call);
		ss->app_at_ms = ss->now_ms; /* the next step at once */
	}
}

/* The client's socket is closed (FIN) and its program ends well. */
static void client_close(struct sess *ss)
{
	struct ep *c = &ss->ep[CLI];

	if (c->up)
		xmit(ss, CLI, P_FIN, M_NONE);
	c->up = false;
	c->ka_at_ms = c->rtx_at_ms = NEVER;
	client_finish(ss, ss->ended_ora ? 4 : 0);
}

static void next_step(struct sess *ss)
{
	const struct plan *pl = ss->p->plan;
	struct ep *c = &ss->ep[CLI];

	ss->app_at_ms = NEVER;
	if (ss->step >= pl->n) {
		client_close(ss); /* the program exits: its kernel sends a FIN */
		return;
	}
	const struct plan_step *st = &pl->step[ss->step++];
	switch (st->op) {
	case PLAN_IDLE: ss->app_at_ms = ss->now_ms + st->duration_ms; break;
	case PLAN_CALL:
	case PLAN_LOCK:
	case PLAN_COMMIT:
		ss->call++;
		if (ss->ended_ora) {
			int ora = db_ora_after(ss->ended_ora);
			call_fails(ss, ora, "not sent: the session had ended");
			return;
		}
		if (c->reset) {
			call_fails(ss, 3113, "send: Connection reset by peer");
			return;
		}
		if (c->timed_out) {
			call_fails(ss, 3135, "Connection timed out");
			return;
		}
		ss->waiting = true;
		ss->app_at_ms =
		        ss->p->call_timeout_ms ? ss->now_ms + ss->p->call_timeout_ms : NEVER;
		send_msg(ss, CLI, M_REQUEST);
		break;
	case PLAN_CLOSE:
		if (ss->ended_ora) {
			client_close(ss);
			break;
		}
		send_msg(ss, CLI, M_EOF);
		ev(ss, "client", "close: disconnected (DATA EOF, then FIN)");
		client_close(ss);
		break;
	}
}

/* ---- timers ---- */

/* Side `i`'s kernel gave up on the connection (ETIMEDOUT): the server's
 * session ends as a dead peer; the client's call in progress, or its next
 * one, fails with ORA-03135. */
static void gave_up(struct sess *ss, int i, enum end_cause cause)
{
	struct ep *e = &ss->ep[i];

	if (i == SRV) {
		server_end(ss, cause);
		return;
	}
	e->up = false;
	e->timed_out = true;
	if (ss->x->client_dead_ms < 0)
		ss->x->client_dead_ms = ss->now_ms;
	if (ss->waiting)
		call_fails(ss, 3135, "Connection timed out");
}

static void keepalive_timer(struct sess *ss, int i)
{
	struct ep *e = &ss->ep[i];
	const struct sim_tcp *t = e->tcp;
	int64_t elapsed = ss->now_ms - e->last_rx_ms;

	if (e->unacked) { /* packets out: the retransmission timer rules */
		ka_arm(ss, e, t->keepidle_ms);
		return;
	}
	if (elapsed < t->keepidle_ms) {
		ka_arm(ss, e, t->keepidle_ms - elapsed);
		return;
	}
	if ((t->user_timeout_ms && elapsed >= t->user_timeout_ms && e->probes_out > 0) ||
	    (!t->user_timeout_ms && e->probes_out >= t->keepcnt)) {
		e->ka_at_ms = NEVER;
		xmit(ss, i, P_RST, M_NONE);
		gave_up(ss, i, t->user_timeout_ms ? END_USER_TIMEOUT : END_KEEPALIVE_TIMEOUT);
		return;
	}
	e->probes_out++;
	ss->x->probes++;
	if (ss->p->wire)
		ev(ss, "wire", "%s keepalive", side(i));
	xmit(ss, i, P_PROBE, M_NONE);
	ka_arm(ss, e, t->keepintvl_ms);
}

static void retransmit_timer(struct sess *ss, int i)
{
	struct ep *e = &ss->ep[i];

	if (e->rtx_stage >= 2) {
		int64_t limit = e->tcp->user_timeout_ms ? e->tcp->user_timeout_ms
		                : e->tcp->retrans_limit_ms
		                        ? e->tcp->retrans_limit_ms
		                        : tcp_retrans_timeout_ms(e->tcp->retries2,
		                                                 os_tcp_linux_default.rto_min_ms);
		if (ss->now_ms - e->r1_ms >= limit) {
			e->rtx_at_ms = NEVER;
			e->unacked = 0;
			e->ka_at_ms = NEVER;
			gave_up(ss, i,
			        e->tcp->user_timeout_ms ? END_USER_TIMEOUT : END_RETRANS_TIMEOUT);
			return;
		}
	}
	if (ss->p->wire)
		ev(ss, "wire", "%s retransmission", side(i));
	if (e->rtx_stage == 1)
		e->r1_ms = ss->now_ms;
	if (push(ss, i)) {
		/* a retransmission is acknowledged at once (a duplicate) */
		if (e->up && xmit(ss, 1 - i, P_ACK, M_NONE) == DELIVERED)
			acked(ss, i);
		return;
	}
	if (!e->up)
		return;
	if (e->rtx_stage >= 1) {
		e->rto_ms = e->rto_ms * 2 > TCP_RTO_MAX_MS ? TCP_RTO_MAX_MS : e->rto_ms * 2;
		e->rtx_at_ms = ss->now_ms + ktimer(ss, e->rto_ms);
	} else {
		e->rtx_at_ms = ss->now_ms + e->rto_ms; /* measured, slack included */
	}
	if (e->tcp->user_timeout_ms && e->rtx_stage >= 1 &&
	    e->rtx_at_ms > e->r1_ms + e->tcp->user_timeout_ms)
		e->rtx_at_ms = e->r1_ms + e->tcp->user_timeout_ms;
	e->rtx_stage++;
}

static void fw_expiry(struct sess *ss)
{
	char b[32];

	ss->fw = FWS_GONE;
	ss->fw_expires_at_ms = NEVER;
	if (!ss->x->fw_expired) {
		ss->x->fw_expired = true;
		ss->x->fw_expired_ms = ss->now_ms;
	}
	ev(ss, "fw", "conntrack entry expired after %s idle",
	   fmt_duration_ms(ss->s->fw_idle_ms, b, sizeof(b)));
	if (ss->s->expiry == FW_EXPIRY_RST_BOTH) {
		struct ep *c = &ss->ep[CLI], *s = &ss->ep[SRV];
		ev(ss, "fw", "RST sent to the client and to the server");
		/* each with the sequence number its receiver expects */
		emit(ss, CLI, SRV, TCP_RST | TCP_ACK, c->rcv_nxt, c->snd_nxt, M_NONE, 64);
		emit(ss, SRV, CLI, TCP_RST | TCP_ACK, s->rcv_nxt, s->snd_nxt, M_NONE, 64);
		if (!ss->ep[CLI].host_down)
			got_rst(ss, CLI);
		if (!ss->ep[SRV].host_down)
			got_rst(ss, SRV);
	}
}

static void crash(struct sess *ss, int i)
{
	struct ep *e = &ss->ep[i];

	e->host_down = true;
	e->ka_at_ms = e->rtx_at_ms = NEVER;
	if (i == CLI) {
		if (!ss->client_done)
			client_finish(ss, -1);
	} else {
		/* the listener is killed: no end is reported */
		ss->server_done = true;
		ss->resp_at_ms = ss->ns_at_ms = NEVER;
	}
}

static int64_t fault_time(const struct sess *ss, int i)
{
	const struct scn_fault *f = &ss->p->faults[i];

	if (!ss->fault_done[i])
		return f->at_ms;
	if (f->kind == FAULT_LINK_CUT && f->restore_ms >= 0 && !ss->restored[i])
		return f->restore_ms;
	return NEVER;
}

static void fault(struct sess *ss, int i)
{
	const struct scn_fault *f = &ss->p->faults[i];

	if (ss->fault_done[i]) {
		ss->restored[i] = true;
		ss->cut = false;
		ev(ss, "fault", "the path is restored");
		return;
	}
	ss->fault_done[i] = true;
	switch (f->kind) {
	case FAULT_CLIENT_CRASH:
		ev(ss, "fault", "the client's host crashes (no FIN, no RST)");
		crash(ss, CLI);
		break;
	case FAULT_SERVER_CRASH:
		ev(ss, "fault", "the server's host crashes (no FIN, no RST)");
		crash(ss, SRV);
		break;
	case FAULT_LINK_CUT:
		ev(ss, "fault", "the path through the firewall is cut");
		ss->cut = true;
		break;
	case FAULT_KILL_SESSION:
		ev(ss, "fault", "ALTER SYSTEM KILL SESSION%s", f->immediate ? " IMMEDIATE" : "");
		kill_session(ss, f->immediate);
		break;
	case FAULT_FW_FLUSH:
		ev(ss, "fault", "the firewall reboots: its state is flushed");
		if (ss->fw == FWS_OPEN)
			ss->fw = FWS_GONE;
		ss->fw_expires_at_ms = NEVER;
		break;
	}
}

/* ---- the loop ---- */

void sim_session(const struct sim_params *p, struct lab_session *out, struct sim_extra *x,
                 struct lab_run *r, const char *tag)
{
	struct sess ss = { .p = p, .s = p->s, .out = out, .x = x, .r = r, .tag = tag };

	memset(out, 0, sizeof(*out));
	memset(x, 0, sizeof(*x));
	out->client_exit = -1;
	out->server_cause = SCN_END_NONE;
	out->verdict[0] = out->verdict[1] = -1;
	x->fw_expired_ms = x->first_failure_ms = x->client_dead_ms = -1;
	ss.ep[CLI].tcp = &p->client;
	ss.ep[SRV].tcp = &p->server;
	/* t = 0: the handshake and the TNS CONNECT / ACCEPT */
	ss.fw = p->s->fw == SCN_FW_NONE ? FWS_NONE : FWS_OPEN;
	ss.fw_expires_at_ms = ss.fw == FWS_OPEN ? p->s->fw_idle_ms : NEVER;
	for (int i = 0; i < 2; i++) {
		ss.ep[i].up = true;
		ss.ep[i].rtx_at_ms = ss.ep[i].dack_at_ms = NEVER;
		ka_arm(&ss, &ss.ep[i], ss.ep[i].tcp->keepidle_ms);
	}
	ss.resp_at_ms = NEVER;
	ss.ns_at_ms = p->ns_interval_ms ? p->ns_interval_ms : NEVER;
	ss.mark = DB_INACTIVE;
	ss.idle_since_ms = 0;
	ss.held = -1;
	arm_limit(&ss);
	handshake(&ss);
	ev(&ss, "client", "connect: ACCEPT");
	ev(&ss, "server", "accepted");
	ss.app_at_ms = 0;

	for (;;) {
		/* the earliest timer; ties in a fixed order, so runs repeat */
		int64_t t = p->bound_ms;
		int which = -1;
		int64_t cand[11] = { ss.app_at_ms,          ss.resp_at_ms,
			             ss.ns_at_ms,           ss.ep[CLI].ka_at_ms,
			             ss.ep[SRV].ka_at_ms,   ss.ep[CLI].rtx_at_ms,
			             ss.ep[SRV].rtx_at_ms,  ss.fw_expires_at_ms,
			             ss.ep[CLI].dack_at_ms, ss.ep[SRV].dack_at_ms,
			             ss.limit_at_ms };
		for (int i = 0; i < 11; i++)
			if (cand[i] < t)
				t = cand[i], which = i;
		int fi = -1; /* a fault at the same time as a timer comes first */
		for (int i = 0; i < p->n_faults; i++) {
			int64_t ft = fault_time(&ss, i);
			if (ft < NEVER && (ft < t || (ft == t && fi < 0)))
				t = ft, fi = i, which = -1;
		}
		if (which < 0 && fi < 0)
			break; /* the run's bound */
		ss.now_ms = t;
		x->events++;
		if (fi >= 0) {
			fault(&ss, fi);
		} else {
			switch (which) {
			case 0:
				if (ss.waiting) {
					ss.app_at_ms = NEVER;
					call_fails(&ss, 3135, "no answer within the call timeout");
				} else {
					next_step(&ss);
				}
				break;
			case 1:
				ss.resp_at_ms = NEVER;
				const struct sim_lock_use *u = held_use(&ss);
				if (u && u->got_ms == ss.now_ms && u->want_ms < ss.now_ms)
					ev(&ss, "server", "got lock \"%s\"", u->name);
				send_msg(&ss, SRV, M_RESPONSE);
				ss.last_app_ms = ss.idle_since_ms = ss.now_ms;
				arm_limit(&ss);
				break;
			case 2: {
				int64_t wait_ms = dcd_ns_probe_wait_ms(ss.now_ms - ss.last_app_ms,
				                                       p->ns_interval_ms);
				if (wait_ms == 0) {
					ev(&ss, "server", "NS probe sent (10-byte DATA)");
					send_msg(&ss, SRV, M_NS_PROBE);
					ss.last_app_ms = ss.now_ms;
					ss.ns_at_ms = ss.now_ms + p->ns_interval_ms;
				} else {
					ss.ns_at_ms = ss.now_ms + wait_ms;
				}
				if (ss.server_done)
					ss.ns_at_ms = NEVER;
				break;
			}
			case 3:
			case 4: keepalive_timer(&ss, which - 3); break;
			case 5:
			case 6: retransmit_timer(&ss, which - 5); break;
			case 7: fw_expiry(&ss); break;
			case 8:
			case 9: dack_timer(&ss, which - 8); break;
			case 10: limit_timer(&ss); break;
			}
		}
		/* both programs done: the lab stops here too */
		if (ss.client_done && ss.server_done)
			break;
	}
	out->db_status = ss.mark;
	out->client_ka = p->client.keepidle_ms > 0;
	x->end_ms = ss.now_ms > p->bound_ms ? p->bound_ms : ss.now_ms;
	if (!(ss.client_done && ss.server_done)) {
		x->end_ms = ss.now_ms = p->bound_ms;
		/* The lab stops what still runs: the listener closes its session
		 * (a FIN, which a firewall that forgot the flow may answer with
		 * a RST), then the client is killed (its kernel's FIN). Only the
		 * packets show it: the session counts as still open. */
		struct ep *srv = &ss.ep[SRV], *cli = &ss.ep[CLI];
		bool srv_open = !ss.server_done && srv->up && !srv->host_down;
		ss.server_done = true;
		if (srv_open && xmit(&ss, SRV, P_FIN, M_NONE) == DELIVERED && cli->up)
			xmit(&ss, CLI, P_ACK, M_NONE);
		if (!ss.client_done && cli->up && !cli->host_down)
			xmit(&ss, CLI, P_FIN, M_NONE);
	}
}

/* client driver X: the client side as that driver makes it (dcdlab
 * connect --driver does the same). */
static int client_side_of_driver(const struct scenario *s, const struct dcd_descriptor *d,
                                 struct oracle_release crel, const struct os_tcp *os,
                                 struct dcd_side *side, struct dcd_err *err)
{
	struct driver_dcd dd;

	if (s->client_driver == DRV_JDBC_THIN) {
		struct jdbc_props jp;
		char path[300];
		size_t len;
		char *text = NULL;
		if (s->jdbc_properties[0]) {
			scenario_path(s, s->jdbc_properties, path, sizeof(path));
			text = text_file_read(path, 1 << 20, "JDBC properties", &len, err);
			if (!text || jdbc_props_parse(&jp, path, text, err) != 0) {
				free(text);
				return -1;
			}
			free(text);
		}
		driver_jdbc_dcd(s->jdbc_properties[0] ? &jp : NULL, d, &dd);
	} else {
		driver_client_dcd((enum client_driver)s->client_driver, d, crel, &dd);
	}
	driver_side(&dd, os, side);
	return 0;
}

int sim_params_from_scenario(struct sim_params *p, const struct scenario *s,
                             const struct plan *plan, struct dcd_err *err)
{
	struct oracle_release rel;
	struct sqlnet_config sq;
	struct dcd_profile prof;
	char path[300];
	int64_t ns_ms = 0;

	memset(p, 0, sizeof(*p));
	p->s = s;
	p->plan = plan;
	p->faults = s->fault;
	p->n_faults = s->n_fault;
	p->call_timeout_ms = s->call_timeout_ms;
	p->limits = s->limits;
	p->bound_ms = lab_run_bound_ms(s);
	if (release_parse(s->release, &rel, err) != 0)
		return -1;
	sqlnet_init(&sq);
	if (s->sqlnet[0]) {
		scenario_path(s, s->sqlnet, path, sizeof(path));
		if (sqlnet_load(&sq, path, err) != 0) {
			sqlnet_free(&sq);
			return -1;
		}
	}
	if (s->expire_time_min >= 0)
		sq.expire_time_min = s->expire_time_min;
	if (s->ns_probes)
		sq.use_ns_probes_for_dcd = 1;
	dcd_profile_compute(&prof, &sq, NULL, rel, rel, &os_tcp_linux_default);
	sqlnet_free(&sq);
	/* the server: what dcdlab listen would set */
	enum dcd_method m = prof.server.method;
	struct keepalive ka = prof.server.keepalive;
	struct keepalive over = { s->keepidle_s, s->keepintvl_s, s->keepcnt };
	ns_ms = (int64_t)prof.server.ns_probe_interval_s * 1000;
	dcd_lab_scale(&m, &ka, &ns_ms, &over, s->probe_interval_ms);
	p->server.retries2 = s->tcp_retries2 > 0 ? s->tcp_retries2 : 15;
	p->server.user_timeout_ms = s->user_timeout_ms;
	if (m == DCD_KEEPALIVE) {
		p->server.keepidle_ms = (int64_t)ka.idle_s * 1000;
		p->server.keepintvl_ms = (int64_t)ka.intvl_s * 1000;
		p->server.keepcnt = ka.cnt;
	} else if (m == DCD_NS_PROBES) {
		p->ns_interval_ms = ns_ms;
	}
	/* the client: what dcdlab connect sets on its socket, from its connect
	 * string and release (the lab passes both), then the lab's scaling */
	struct oracle_release crel;
	struct dcd_descriptor d;
	struct dcd_profile cprof;
	struct keepalive cka, cover = { s->c_keepidle_s, s->c_keepintvl_s, s->c_keepcnt };
	if (release_parse(s->client_release, &crel, err) != 0 ||
	    descriptor_resolve(&d, scenario_connect_string(s), NULL, err) != 0)
		return -1;
	/* the client host's keepalive defaults (client os_keepalive) */
	struct os_tcp cos = os_tcp_linux_default;
	if (s->c_os_idle_s)
		cos.keepalive = (struct keepalive){ s->c_os_idle_s, s->c_os_intvl_s, s->c_os_cnt };
	dcd_profile_compute(&cprof, NULL, &d, crel, crel, &cos);
	if (s->client_driver >= 0 && client_side_of_driver(s, &d, crel, &cos, &cprof.client, err)) {
		descriptor_free(&d);
		return -1;
	}
	descriptor_free(&d);
	p->client.retries2 = s->c_tcp_retries2 > 0 ? s->c_tcp_retries2 : 15;
	if (dcd_socket_keepalive(&cprof.client, &cover, &cka)) {
		p->client.keepidle_ms = (int64_t)cka.idle_s * 1000;
		p->client.keepintvl_ms = (int64_t)cka.intvl_s * 1000;
		p->client.keepcnt = cka.cnt;
	}
	return 0;
}
