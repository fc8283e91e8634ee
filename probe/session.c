/* session.c - one client session as an Oracle dedicated server sees it, as
 * far as DCD is concerned: CONNECT -> ACCEPT/REFUSE, calls answered, NS
 * probes on idle sessions (legacy DCD), and how the session ended.
 *
 * Input arrives on a bufferevent, so the protocol runs the same over a
 * socket and over bufferevent_pair_new() in the unit tests. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>

#include "../lib/log.h"
#include "../lib/numparse.h"
#include "../lib/sockaddr.h"
#include "../lib/tns.h"
#include "../model/nv.h"
#include "server.h"
#include "sockopt.h"

/* A call whose payload starts with this asks the server to take `ms` before
 * answering: how `dcdlab connect` makes a long-running query. */
#define CALL_SLEEP_PREFIX "dcdlab:sleep="
/* Until ACCEPT, packets are CONNECT and its descriptor: real ones are a few
 * hundred bytes, so a connection that has not been accepted may make us
 * buffer at most this much (bounded memory under connection floods). */
#define PRE_ACCEPT_MAX_BYTES 16384u
/* Back-pressure: stop reading while this much output waits for a slow peer. */
#define OUTPUT_LIMIT_BYTES (1u << 20)

static void session_readcb(struct bufferevent *bev, void *arg);
static void session_writecb(struct bufferevent *bev, void *arg);
static void session_eventcb(struct bufferevent *bev, short what, void *arg);
static void session_timercb(evutil_socket_t fd, short what, void *arg);
static void limit_timercb(evutil_socket_t fd, short what, void *arg);
static void release_lock(struct session *s);
static void call_done(struct session *s);

static int64_t now_ms(const struct session *s)
{
	return clock_now_ms(&s->srv->clock);
}

static void arm_timer(struct session *s, int64_t ms)
{
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	evtimer_add(s->timer, &tv);
}

static uint32_t max_packet(const struct session *s)
{
	uint32_t max = s->srv->cfg.max_packet_bytes;

	if (s->state != SESSION_OPEN && max > PRE_ACCEPT_MAX_BYTES)
		max = PRE_ACCEPT_MAX_BYTES;
	return max;
}

static unsigned inode_slot(uint32_t inode)
{
	return (inode * 2654435761u) >> 20 & 4095;
}

struct session *session_by_inode(struct server *srv, uint32_t inode)
{
	struct session *s;

	for (s = srv->by_inode[inode_slot(inode)]; s; s = s->hnext)
		if (s->inode == inode)
			return s;
	return NULL;
}

struct session *session_new(struct server *srv, struct bufferevent *bev, int fd, const char *peer)
{
	struct session *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->timer = evtimer_new(srv->base, session_timercb, s);
	s->limit_timer = evtimer_new(srv->base, limit_timercb, s);
	if (s->timer == NULL || s->limit_timer == NULL) {
		if (s->timer)
			event_free(s->timer);
		free(s);
		return NULL;
	}
	s->srv = srv;
	s->id = ++srv->next_session_id;
	s->bev = bev;
	s->fd = fd;
	s->client_expire_time_min = -1;
	snprintf(s->peer, sizeof(s->peer), "%s", peer);
	s->accept_ms = s->last_rx_ms = s->last_tx_ms = s->idle_since_ms = now_ms(s);
	s->mark = DB_INACTIVE;
	s->next = srv->sessions;
	if (srv->sessions)
		srv->sessions->prev = s;
	srv->sessions = s;
	srv->counters.sessions_total++;
	srv->counters.sessions_active++;
	/* Bound what one session can make us buffer: one largest packet. */
	bufferevent_setwatermark(bev, EV_READ, 0, max_packet(s));
	bufferevent_setcb(bev, session_readcb, session_writecb, session_eventcb, s);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	if (srv->cfg.inbound_connect_timeout_ms > 0)
		arm_timer(s, srv->cfg.inbound_connect_timeout_ms);
	return s;
}

void session_set_inode(struct session *s, uint32_t inode)
{
	unsigned slot = inode_slot(inode);

	s->inode = inode;
	s->hnext = s->srv->by_inode[slot];
	s->srv->by_inode[slot] = s;
}

static void unlink_inode(struct session *s)
{
	struct session **pp;

	if (s->inode == 0)
		return;
	for (pp = &s->srv->by_inode[inode_slot(s->inode)]; *pp; pp = &(*pp)->hnext)
		if (*pp == s) {
			*pp = s->hnext;
			return;
		}
}

/* Seconds since the peer's last packet of any kind, by TCP_INFO. */
static double last_packet_s(const struct tcp_end_info *ti)
{
	return (double)(ti->last_ack_recv_ms < ti->last_data_recv_ms ? ti->last_ack_recv_ms
	                                                             : ti->last_data_recv_ms) /
	       1000.0;
}

void session_end(struct session *s, enum end_cause cause, const char *detail)
{
	struct server *srv = s->srv;
	struct event_rec r = { 0 };
	int64_t now = now_ms(s);
	double since_data_s = (double)(now - s->last_rx_ms) / 1000.0;
	double since_packet_s = since_data_s;
	struct tcp_end_info ti = { 0 };
	bool have_ti = s->fd >= 0 && sockopt_tcp_end_info(s->fd, &ti) == 0;
	char kernel[128] = "";
	enum end_cause then = cause;

	/* A KILLED or SNIPED session whose client goes before calling again
	 * (FIN, RST, or DCD finding it dead) ends as "...-then-gone". */
	if ((s->mark == DB_KILLED || s->mark == DB_SNIPED) && !end_cause_is_db(cause) &&
	    cause != END_SHUTDOWN)
		cause = db_ends[db_end_of_mark(s->mark)].gone_cause;

	/* The kernel knows when the peer last sent anything at all - a
	 * keepalive ACK or the ACK of an NS probe counts, and is not data. A
	 * session that closes after its last answer: as it was before that
	 * answer went out (its ACK would otherwise count, or not, by a race). */
	if (s->state == SESSION_CLOSING && s->close_since_packet_s >= 0)
		since_packet_s = s->close_since_packet_s;
	else if (have_ti)
		since_packet_s = last_packet_s(&ti);
	rec_str(&r, "cause", end_cause_name(cause));
	rec_bool(&r, "dead_peer", end_cause_is_dead_peer(then));
	rec_bool(&r, "by_database", end_cause_is_db(cause));
	if (then != cause) {
		rec_str(&r, "then", end_cause_name(then));
		rec_num(&r, "marked_s", (double)(now - s->marked_ms) / 1000.0);
	}
	rec_num(&r, "since_last_packet_s", since_packet_s);
	rec_num(&r, "since_last_data_s", since_data_s);
	rec_num(&r, "since_last_tx_s", (double)(now - s->last_tx_ms) / 1000.0);
	rec_num(&r, "duration_s", (double)(now - s->accept_ms) / 1000.0);
	rec_int(&r, "calls", (long long)s->calls);
	rec_int(&r, "ns_probes_sent", (long long)s->ns_probes_sent);
	if (detail)
		rec_str(&r, "detail", detail);
	if (have_ti) {
		rec_int(&r, "tcpi_probes", ti.probes);
		rec_int(&r, "tcpi_retransmits", ti.retransmits);
		rec_int(&r, "tcpi_total_retrans", ti.total_retrans);
	}
	if (s->kernel_seen) {
		rec_str(&r, "kernel_timer", diag_timer_name(s->kernel.timer));
		rec_int(&r, "kernel_retrans", s->kernel.retrans);
		snprintf(kernel, sizeof(kernel), "; kernel last showed timer:(%s,%.1fs,%u)",
		         diag_timer_name(s->kernel.timer), s->kernel.expires_ms / 1000.0,
		         s->kernel.retrans);
	}
	if (then != cause)
		events_emit(srv->events, end_cause_is_dead_peer(then) ? "dead-peer" : "end", s, &r,
		            "ended: %s - %s %.2f s ago, then %s%s%s, %.2f s after its last packet",
		            end_cause_name(cause), db_status_name(s->mark),
		            (double)(now - s->marked_ms) / 1000.0, end_cause_name(then),
		            detail ? " - " : "", detail ? detail : "", since_packet_s);
	else if (end_cause_is_dead_peer(cause))
		events_emit(srv->events, "dead-peer", s, &r,
		            "dead peer: %s, %.2f s after its last packet (tcpi_probes=%u, "
		            "retransmits=%u)%s",
		            end_cause_name(cause), since_packet_s, ti.probes, ti.retransmits,
		            kernel);
	else
		events_emit(srv->events, "end", s, &r,
		            "ended: %s%s%s, %.2f s after its last packet", end_cause_name(cause),
		            detail ? " - " : "", detail ? detail : "", since_packet_s);

	srv->counters.ends_total[cause]++;
	srv->counters.sessions_active--;
	srv->ended[srv->n_ended++ % SERVER_ENDED_RING] =
	        (struct ended_session){ hostport_port(s->peer), (uint8_t)cause };
	if (s->prev)
		s->prev->next = s->next;
	else
		srv->sessions = s->next;
	if (s->next)
		s->next->prev = s->prev;
	unlink_inode(s);
	release_lock(s);
	event_free(s->timer);
	event_free(s->limit_timer);
	sbuf_free(&s->waiting_call);
	if (s->reply_timer)
		event_free(s->reply_timer);
	sbuf_free(&s->pending_reply);
	bufferevent_free(s->bev);
	free(s);
	if (srv->on_session_end)
		srv->on_session_end(srv, srv->on_session_end_arg);
}

static void send_bytes(struct session *s, const struct sbuf *out)
{
	bufferevent_write(s->bev, out->buf, out->len);
	s->last_tx_ms = now_ms(s);
}

/* Protocol violation: say what and where, close. Returns -1 for callers. */
static int protocol_error(struct session *s, const char *what)
{
	s->srv->counters.protocol_errors_total++;
	session_end(s, END_PROTOCOL_ERROR, what);
	return -1;
}

/* Close once what is queued (a REFUSE) has been written; a peer that never
 * reads gets CLOSE_LINGER_MS, then the session ends anyway. */
#define CLOSE_LINGER_MS 5000
static void close_after_flush(struct session *s, enum end_cause cause, const char *detail)
{
	struct tcp_end_info ti = { 0 };

	s->close_since_packet_s = (double)(now_ms(s) - s->last_rx_ms) / 1000.0;
	if (s->fd >= 0 && sockopt_tcp_end_info(s->fd, &ti) == 0)
		s->close_since_packet_s = last_packet_s(&ti);
	s->state = SESSION_CLOSING;
	s->close_cause = cause;
	snprintf(s->close_detail, sizeof(s->close_detail), "%s", detail ? detail : "");
	evtimer_del(s->timer);
	arm_timer(s, CLOSE_LINGER_MS);
}

static bool service_known(const struct server_config *cfg, const char *name)
{
	for (int i = 0; i < cfg->n_services; i++)
		if (strcasecmp(cfg->services[i], name) == 0)
			return true;
	return false;
}

static void schedule_dcd(struct session *s)
{
	evtimer_del(s->timer);
	if (s->srv->cfg.method == DCD_NS_PROBES)
		arm_timer(s, s->srv->cfg.ns_probe_interval_ms);
}

/* The descriptor is in: record what the client asks for, ACCEPT or REFUSE. */
static int handle_descriptor(struct session *s, const uint8_t *text, size_t len,
                             uint16_t client_version)
{
	struct event_rec r = { 0 };
	struct nv_error nerr;
	struct nv *nv = nv_parse((const char *)text, len, &nerr);
	const struct nv *n;
	struct sbuf out = { 0 };
	bool is_sid = false;

	if (nv == NULL) {
		char what[240];
		snprintf(what, sizeof(what), "CONNECT data is not a descriptor: byte %zu: %s",
		         nerr.offset, nerr.what);
		tns_put_refuse(&out, 1, 0, "(DESCRIPTION=(ERR=12560))");
		s->srv->counters.protocol_errors_total++;
		close_after_flush(s, END_PROTOCOL_ERROR, what);
		send_bytes(s, &out);
		sbuf_free(&out);
		return 0;
	}
	if ((n = nv_path(nv, "DESCRIPTION", "CONNECT_DATA", "SERVICE_NAME", NULL)) && n->atom)
		snprintf(s->service, sizeof(s->service), "%s", n->atom);
	else if ((n = nv_path(nv, "DESCRIPTION", "CONNECT_DATA", "SID", NULL)) && n->atom) {
		snprintf(s->service, sizeof(s->service), "%s", n->atom);
		is_sid = true;
	}
	if ((n = nv_path(nv, "DESCRIPTION", "EXPIRE_TIME", NULL)) && n->atom) {
		long v;
		if (parse_long(n->atom, 0, 1000000, &v) == 0)
			s->client_expire_time_min = (int)v;
	}
	if ((n = nv_path(nv, "DESCRIPTION", "ENABLE", NULL)) && n->atom &&
	    strcasecmp(n->atom, "BROKEN") == 0)
		s->client_enable_broken = true;
	nv_free(nv);

	char asks[64];
	if (s->client_expire_time_min >= 0)
		snprintf(asks, sizeof(asks), "client asks EXPIRE_TIME=%d%s",
		         s->client_expire_time_min,
		         s->client_enable_broken ? ", ENABLE=BROKEN" : "");
	else
		snprintf(asks, sizeof(asks), "client asks %s",
		         s->client_enable_broken ? "ENABLE=BROKEN" : "no DCD of its own");
	rec_str(&r, "service", s->service);
	rec_int(&r, "client_expire_time_min", s->client_expire_time_min);
	rec_bool(&r, "client_enable_broken", s->client_enable_broken);
	rec_int(&r, "tns_version", client_version);
	{
		struct sbuf d = { 0 };
		sbuf_add(&d, (const char *)text, len > 1024 ? 1024 : len);
		rec_str(&r, "descriptor", d.buf);
		sbuf_free(&d);
	}

	if (!service_known(&s->srv->cfg, s->service)) {
		int ora = is_sid ? 12505 : 12514;
		struct sbuf msg = { 0 };
		tns_refuse_text(&msg, ora);
		tns_put_refuse(&out, 4, 0, msg.buf);
		sbuf_free(&msg);
		rec_int(&r, "refuse_err", ora);
		events_emit(s->srv->events, "refuse", s, &r, "REFUSE %s \"%s\": ORA-%05d (%s)",
		            is_sid ? "SID" : "service", s->service, ora, asks);
		s->srv->counters.refused_total++;
		close_after_flush(s, END_REFUSED, NULL);
		send_bytes(s, &out);
		sbuf_free(&out);
		return 0;
	}
	{
		uint16_t v = client_version < s->srv->cfg.max_version ? client_version
		                                                      : s->srv->cfg.max_version;
		tns_put_accept(&out, v, 8192, 65535);
		s->large_sdu = v >= TNS_VERSION_LARGE_SDU;
		rec_int(&r, "accept_version", v);
	}
	events_emit(s->srv->events, "connect", s, &r, "ACCEPT service \"%s\" (%s)", s->service,
	            asks);
	s->state = SESSION_OPEN;
	bufferevent_setwatermark(s->bev, EV_READ, 0, max_packet(s));
	send_bytes(s, &out);
	sbuf_free(&out);
	schedule_dcd(s);
	call_done(s);
	return 0;
}

/* ---- the database's view: idle limits, locks, KILL SESSION ---- */

enum db_status session_status(const struct session *s)
{
	return s->mark != DB_INACTIVE ? s->mark : s->in_call ? DB_ACTIVE : DB_INACTIVE;
}

struct session *lock_holder(const struct server *srv, const char *lock, const struct session * not )
{
	for (struct session *o = srv->sessions; o; o = o->next)
		if (o != not &&o->lock[0] && strcmp(o->lock, lock) == 0)
			return o;
	return NULL;
}

/* Holds a lock another session waits for. */
static bool blocking(const struct session *s)
{
	if (!s->lock[0])
		return false;
	for (const struct session *o = s->srv->sessions; o; o = o->next)
		if (o != s && strcmp(o->waits_for, s->lock) == 0)
			return true;
	return false;
}

/* The idle limit that comes first for this session, armed from when it
 * became idle; none while a call runs or once it is KILLED / SNIPED. */
static void arm_limits(struct session *s)
{
	int64_t after_ms;

	evtimer_del(s->limit_timer);
	if (s->state != SESSION_OPEN || s->in_call || s->mark != DB_INACTIVE ||
	    db_limit_first(&s->srv->cfg.limits, blocking(s), &after_ms) == DB_END_COUNT)
		return;
	int64_t wait_ms = s->idle_since_ms + after_ms - now_ms(s);
	if (wait_ms < 0)
		wait_ms = 0;
	struct timeval tv = { .tv_sec = wait_ms / 1000, .tv_usec = (wait_ms % 1000) * 1000 };
	evtimer_add(s->limit_timer, &tv);
}

/* A call's answer is out: the session is idle from now. */
static void call_done(struct session *s)
{
	s->in_call = false;
	s->idle_since_ms = now_ms(s);
	arm_limits(s);
}

static void reply_timercb(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;

	(void)fd;
	(void)what;
	send_bytes(s, &s->pending_reply);
	sbuf_reset(&s->pending_reply);
	call_done(s);
}

/* The database's error as the answer to a call: a DATA packet whose text
 * is the error as the database words it. */
static void send_ora(struct session *s, int ora)
{
	struct sbuf out = { 0 }, text = { 0 };

	sbuf_printf(&text, "ORA-%05d: %s\n", ora, ora_text(ora));
	tns_put_data(&out, s->large_sdu, 0, (const uint8_t *)text.buf, text.len);
	send_bytes(s, &out);
	sbuf_free(&out);
	sbuf_free(&text);
}

static void mark(struct session *s, enum db_status m, const char *type, const char *line)
{
	struct event_rec r = { 0 };

	s->mark = m;
	s->marked_ms = now_ms(s);
	evtimer_del(s->limit_timer);
	release_lock(s); /* the transaction is rolled back */
	rec_str(&r, "status", db_status_name(m));
	rec_num(&r, "idle_s", (double)(s->marked_ms - s->idle_since_ms) / 1000.0);
	events_emit(s->srv->events, type, s, &r, "%s", line);
}

/* Give a free lock to the session that has waited for it longest. */
static void grant(struct server *srv, const char *lock)
{
	struct session *w = NULL;

	for (struct session *o = srv->sessions; o; o = o->next)
		if (strcmp(o->waits_for, lock) == 0 && (!w || o->id < w->id))
			w = o;
	if (!w)
		return;
	struct event_rec r = { 0 };
	snprintf(w->lock, sizeof(w->lock), "%s", w->waits_for);
	w->waits_for[0] = '\0';
	rec_str(&r, "lock", w->lock);
	events_emit(srv->events, "lock", w, &r, "got lock \"%s\" it waited for", w->lock);
	send_bytes(w, &w->waiting_call);
	sbuf_reset(&w->waiting_call);
	call_done(w);
}

static void release_lock(struct session *s)
{
	char lock[sizeof(s->lock)];

	if (!s->lock[0])
		return;
	memcpy(lock, s->lock, sizeof(lock));
	s->lock[0] = '\0';
	grant(s->srv, lock);
}

/* "dcdlab:lock=NAME" takes a lock (waits while another holds it: an
 * UPDATE of a row another session has changed), "dcdlab:commit" releases
 * it. True when payload was one of them; the answer is sent or owed. */
static bool lock_call(struct session *s, const uint8_t *payload, size_t n)
{
	static const char lock_q[] = "dcdlab:lock=", commit_q[] = "dcdlab:commit";
	size_t ll = sizeof(lock_q) - 1;
	struct sbuf out = { 0 };

	if (n == sizeof(commit_q) - 1 && memcmp(payload, commit_q, n) == 0) {
		release_lock(s);
	} else if (n > ll && n - ll < sizeof(s->lock) && memcmp(payload, lock_q, ll) == 0) {
		char name[sizeof(s->lock)];
		memcpy(name, payload + ll, n - ll);
		name[n - ll] = '\0';
		release_lock(s); /* one lock a session (the simulator's rule too) */
		struct session *h = lock_holder(s->srv, name, s);
		if (h) {
			struct event_rec r = { 0 };
			snprintf(s->waits_for, sizeof(s->waits_for), "%s", name);
			tns_put_data(&s->waiting_call, s->large_sdu, 0, payload, n);
			rec_str(&r, "lock", name);
			rec_int(&r, "blocker", (long long)h->id);
			events_emit(s->srv->events, "wait", s, &r,
			            "waits for lock \"%s\" held by session %llu", name,
			            (unsigned long long)h->id);
			arm_limits(h); /* the holder now blocks: its limit may be shorter */
			return true;
		}
		snprintf(s->lock, sizeof(s->lock), "%s", name);
	} else {
		return false;
	}
	tns_put_data(&out, s->large_sdu, 0, payload, n);
	send_bytes(s, &out);
	sbuf_free(&out);
	call_done(s);
	return true;
}

static void limit_timercb(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;
	int64_t after_ms, idle_ms = now_ms(s) - s->idle_since_ms;
	enum db_end e = db_limit_first(&s->srv->cfg.limits, blocking(s), &after_ms);
	char detail[160], lim[32];

	(void)fd;
	(void)what;
	if (e == DB_END_COUNT || s->in_call || s->mark != DB_INACTIVE)
		return;
	if (idle_ms < after_ms) {
		arm_limits(s);
		return;
	}
	snprintf(detail, sizeof(detail), "idle %.1f s, %s %s", (double)idle_ms / 1000.0,
	         db_ends[e].setting, fmt_duration_ms(after_ms, lim, sizeof(lim)));
	if (db_ends[e].closes_at_once) {
		session_end(s, db_ends[e].cause, detail);
		return;
	}
	char line[200];
	snprintf(line, sizeof(line), "%s: %s (the client learns it at its next call: ORA-%05d)",
	         db_status_name(db_ends[e].status), detail, db_ends[e].ora_next_call);
	mark(s, db_ends[e].status, "sniped", line);
}

void session_kill(struct session *s, bool immediate)
{
	const struct db_end_facts *f = &db_ends[immediate ? DB_KILL_IMMEDIATE : DB_KILL];

	if (s->state != SESSION_OPEN) {
		session_end(s, f->cause, "killed before it was open");
		return;
	}
	if (s->in_call) {
		/* The call is interrupted and rolled back: ORA-00028 at once. */
		if (s->reply_timer)
			evtimer_del(s->reply_timer);
		sbuf_reset(&s->pending_reply);
		sbuf_reset(&s->waiting_call);
		s->waits_for[0] = '\0';
		release_lock(s);
		send_ora(s, DB_ORA_CALL_KILLED);
		close_after_flush(s, f->cause, "killed in a call: ORA-00028 sent");
		return;
	}
	if (f->closes_at_once) {
		session_end(s, f->cause, "killed while idle: the process ended");
		return;
	}
	char line[160];
	snprintf(line, sizeof(line),
	         "KILLED while idle (the client learns it at its next call: ORA-%05d)",
	         f->ora_next_call);
	mark(s, DB_KILLED, "killed", line);
}

/* A KILLED or SNIPED session's next call: the error, then the end. */
static void answer_marked(struct session *s)
{
	enum db_end e = db_end_of_mark(s->mark);

	send_ora(s, db_ends[e].ora_next_call);
	char detail[96];
	snprintf(detail, sizeof(detail), "the client called %.1f s after: ORA-%05d sent",
	         (double)(now_ms(s) - s->marked_ms) / 1000.0, db_ends[e].ora_next_call);
	s->mark = DB_INACTIVE; /* ended by its own cause, not "then gone" */
	close_after_flush(s, db_ends[e].cause, detail);
}

/* dcdlab measure asks the far end what it saw: "dcdlab:whoami" (the
 * client's address and port as this end sees them: NAT shows) and
 * "dcdlab:session=PORT" (is the session from that port open, ended by this
 * end and why, or unknown here). True when payload was such a question;
 * the answer is in out. */
static bool far_end_report(struct session *s, const uint8_t *payload, size_t n, char *out,
                           size_t len)
{
	static const char whoami[] = "dcdlab:whoami", session_q[] = "dcdlab:session=";
	char text[64];

	if (n >= sizeof(text))
		return false;
	memcpy(text, payload, n);
	text[n] = '\0';
	if (strcmp(text, whoami) == 0) {
		snprintf(out, len, "dcdlab:you=%s", s->peer);
		return true;
	}
	if (strncmp(text, session_q, sizeof(session_q) - 1) != 0)
		return false;
	long port;
	if (parse_long(text + sizeof(session_q) - 1, 1, 65535, &port) != 0) {
		snprintf(out, len, "dcdlab:session=? bad port");
		return true;
	}
	for (const struct session *o = s->srv->sessions; o; o = o->next)
		if (o != s && hostport_port(o->peer) == port) {
			snprintf(out, len, "dcdlab:session=%ld open", port);
			return true;
		}
	const struct server *srv = s->srv;
	uint64_t first = srv->n_ended > SERVER_ENDED_RING ? srv->n_ended - SERVER_ENDED_RING : 0;
	for (uint64_t i = srv->n_ended; i-- > first;)
		if (srv->ended[i % SERVER_ENDED_RING].port == port) {
			snprintf(out, len, "dcdlab:session=%ld ended %s", port,
			         end_cause_name(srv->ended[i % SERVER_ENDED_RING].cause));
			return true;
		}
	snprintf(out, len, "dcdlab:session=%ld unknown", port);
	return true;
}

/* A call: answer with the same payload, after the delay it asks for. */
static void handle_call(struct session *s, const uint8_t *payload, size_t n)
{
	size_t plen = strlen(CALL_SLEEP_PREFIX);
	int64_t delay_ms = 0;
	char report[128];

	s->calls++;
	log_debug("session %llu: call %llu, %zu bytes of payload", (unsigned long long)s->id,
	          (unsigned long long)s->calls, n);
	if (s->mark != DB_INACTIVE) {
		answer_marked(s);
		return;
	}
	s->in_call = true;
	evtimer_del(s->limit_timer);
	if (lock_call(s, payload, n))
		return;
	if (far_end_report(s, payload, n, report, sizeof(report))) {
		payload = (const uint8_t *)report;
		n = strlen(report);
	}
	if (n > plen && memcmp(payload, CALL_SLEEP_PREFIX, plen) == 0) {
		char num[24];
		size_t m = n - plen < sizeof(num) - 1 ? n - plen : sizeof(num) - 1;
		memcpy(num, payload + plen, m);
		num[m] = '\0';
		num[strcspn(num, " ;")] = '\0';
		if (parse_duration_ms(num, 1, &delay_ms) != 0 || delay_ms > 86400000)
			delay_ms = 0;
	}
	if (delay_ms == 0 && s->pending_reply.len == 0) {
		struct sbuf out = { 0 };
		tns_put_data(&out, s->large_sdu, 0, payload, n);
		send_bytes(s, &out);
		sbuf_free(&out);
		call_done(s);
		return;
	}
	if (s->reply_timer == NULL &&
	    (s->reply_timer = evtimer_new(s->srv->base, reply_timercb, s)) == NULL) {
		/* No timer to wait with: answer now rather than never. */
		log_warn("%s: out of memory for a reply timer; answering at once", s->peer);
		struct sbuf out = { 0 };
		tns_put_data(&out, s->large_sdu, 0, payload, n);
		send_bytes(s, &out);
		sbuf_free(&out);
		call_done(s);
		return;
	}
	tns_put_data(&s->pending_reply, s->large_sdu, 0, payload, n);
	if (!evtimer_pending(s->reply_timer, NULL)) {
		struct timeval tv = { .tv_sec = delay_ms / 1000,
			              .tv_usec = (delay_ms % 1000) * 1000 };
		evtimer_add(s->reply_timer, &tv);
	}
}

/* Handle one whole packet; returns -1 if the session is gone. */
static int handle_packet(struct session *s, const uint8_t *pkt, const struct tns_header *h)
{
	const char *why = NULL;
	char what[160];

	s->packets_rx++;
	switch (s->state) {
	case SESSION_AWAIT_CONNECT: {
		struct tns_connect c;
		if (h->type != TNS_CONNECT) {
			snprintf(what, sizeof(what), "expected CONNECT, got %s (type %u)",
			         tns_type_name(h->type), h->type);
			return protocol_error(s, what);
		}
		if (tns_connect_decode(pkt, h->length, &c, &why) != TNS_OK)
			return protocol_error(s, why);
		if (c.cdata == NULL) {
			s->state = SESSION_AWAIT_CDATA;
			s->cdata_expected = c.cdata_len;
			s->client_version = c.version;
			return 0;
		}
		return handle_descriptor(s, c.cdata, c.cdata_len, c.version);
	}
	case SESSION_AWAIT_CDATA: {
		size_t n;
		if (h->type != TNS_DATA || h->length < TNS_DATA_HEADER_LEN)
			return protocol_error(s, "expected the connect data in a DATA packet");
		n = h->length - TNS_DATA_HEADER_LEN;
		if (n > s->cdata_expected)
			n = s->cdata_expected;
		return handle_descriptor(s, pkt + TNS_DATA_HEADER_LEN, n, s->client_version);
	}
	case SESSION_OPEN: break;
	case SESSION_CLOSING: return 0; /* ignore anything after REFUSE */
	}

	switch (h->type) {
	case TNS_DATA: {
		uint16_t flags;
		if (h->length < TNS_DATA_HEADER_LEN)
			return protocol_error(s, "DATA packet shorter than its 2-byte flags");
		flags = (uint16_t)(pkt[8] << 8 | pkt[9]);
		if (flags & TNS_DATA_FLAG_EOF) {
			session_end(s, END_DISCONNECT, "client sent DATA with the EOF flag");
			return -1;
		}
		handle_call(s, pkt + TNS_DATA_HEADER_LEN, h->length - TNS_DATA_HEADER_LEN);
		return 0;
	}
	case TNS_MARKER:
		/* A break (type 1, data 1) is answered with a reset marker. */
		if (h->length >= 11 && pkt[8] == 1 && pkt[10] == 1) {
			struct sbuf out = { 0 };
			tns_put_marker(&out, s->large_sdu, 1, 2);
			send_bytes(s, &out);
			sbuf_free(&out);
		}
		return 0;
	case TNS_ATTENTION:
	case TNS_NULL:
		log_debug("session %llu: %s packet tolerated", (unsigned long long)s->id,
		          tns_type_name(h->type));
		return 0;
	case TNS_ACK:
	case TNS_CONTROL:
	case TNS_RESEND: return 0; /* tolerated, nothing to answer */
	case TNS_ABORT: session_end(s, END_DISCONNECT, "client sent ABORT"); return -1;
	default:
		snprintf(what, sizeof(what), "unexpected %s (type %u) on an open session",
		         tns_type_name(h->type), h->type);
		return protocol_error(s, what);
	}
}

static void session_readcb(struct bufferevent *bev, void *arg)
{
	struct session *s = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	s->last_rx_ms = now_ms(s);
	for (;;) {
		struct tns_header h;
		const char *why = NULL;
		size_t avail = evbuffer_get_length(in);
		const uint8_t *p;
		enum tns_decode rc;

		if (s->state == SESSION_CLOSING) {
			evbuffer_drain(in, avail);
			return;
		}
		if (avail < TNS_HEADER_LEN)
			return;
		p = evbuffer_pullup(in, TNS_HEADER_LEN);
		rc = tns_header_decode(p, TNS_HEADER_LEN, s->large_sdu, max_packet(s), &h, &why);
		if (rc == TNS_BAD) {
			char what[200];
			snprintf(what, sizeof(what),
			         "%s (header %02x %02x %02x %02x %02x %02x %02x %02x)", why, p[0],
			         p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
			protocol_error(s, what);
			return;
		}
		if (avail < h.length)
			return; /* the rest of the packet is on its way */
		p = evbuffer_pullup(in, h.length);
		if (handle_packet(s, p, &h) < 0)
			return;
		evbuffer_drain(in, h.length);
		if (evbuffer_get_length(bufferevent_get_output(bev)) > OUTPUT_LIMIT_BYTES) {
			bufferevent_disable(bev, EV_READ);
			return;
		}
	}
}

static void session_writecb(struct bufferevent *bev, void *arg)
{
	struct session *s = arg;

	if (s->state == SESSION_CLOSING) {
		session_end(s, s->close_cause, s->close_detail[0] ? s->close_detail : NULL);
		return;
	}
	if (!(bufferevent_get_enabled(bev) & EV_READ)) {
		bufferevent_enable(bev, EV_READ);
		session_readcb(bev, s);
	}
}

static void session_eventcb(struct bufferevent *bev, short what, void *arg)
{
	struct session *s = arg;
	int error = EVUTIL_SOCKET_ERROR();

	(void)bev;
	if (what & BEV_EVENT_EOF) {
		session_end(s, END_EOF,
		            s->state == SESSION_AWAIT_CONNECT ? "closed before a CONNECT" : NULL);
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		struct tcp_end_info ti = { 0 };
		char detail[160];
		enum end_cause cause;

		if (s->fd >= 0)
			sockopt_tcp_end_info(s->fd, &ti);
		cause = sockopt_classify_error(error, &ti);
		snprintf(detail, sizeof(detail), "%s (errno %d)", strerror(error), error);
		session_end(s, cause, detail);
	}
}

static void send_ns_probe(struct session *s)
{
	struct sbuf out = { 0 };
	struct event_rec r = { 0 };

	/* Legacy DCD: a DATA packet with no payload, 10 bytes on the wire. */
	tns_put_data(&out, s->large_sdu, 0, NULL, 0);
	send_bytes(s, &out);
	sbuf_free(&out);
	s->ns_probes_sent++;
	s->srv->counters.ns_probes_sent_total++;
	rec_int(&r, "probe", (long long)s->ns_probes_sent);
	events_emit(s->srv->events, "ns-probe", s, &r, "sent NS probe %llu (10-byte DATA)",
	            (unsigned long long)s->ns_probes_sent);
}

static void session_timercb(evutil_socket_t fd, short what, void *arg)
{
	struct session *s = arg;
	int64_t now = now_ms(s), idle_ms, interval = s->srv->cfg.ns_probe_interval_ms;

	(void)fd;
	(void)what;
	if (s->state == SESSION_CLOSING) {
		session_end(s, s->close_cause, "peer did not read our last packet in 5 s");
		return;
	}
	if (s->state != SESSION_OPEN) {
		/* Oracle's SQLNET.INBOUND_CONNECT_TIMEOUT: ORA-03136 in the alert log. */
		session_end(s, END_CONNECT_TIMEOUT,
		            "no complete CONNECT within the inbound connect timeout (ORA-03136)");
		return;
	}
	idle_ms = now - (s->last_rx_ms > s->last_tx_ms ? s->last_rx_ms : s->last_tx_ms);
	int64_t wait_ms = dcd_ns_probe_wait_ms(idle_ms, interval);
	if (wait_ms == 0) {
		send_ns_probe(s);
		arm_timer(s, interval);
	} else {
		arm_timer(s, wait_ms);
	}
}
