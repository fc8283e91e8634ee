/* record.c - what a run observed, from the lab or the simulator, and the
 * scenario's expectations held against it (the one place they are
 * judged, so the two can be compared). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/numparse.h"
#include "../../lib/grow.h"
#include "record.h"

#include "../../model/measure.h"

void lab_event(struct lab_run *r, int64_t t_ms, const char *who, const char *fmt, ...)
{
	struct lab_event *e;
	va_list ap;

	if (r->n_events >= LAB_MAX_EVENTS)
		return;
	/* dcdlab measure opens a hundred connections: its own finding tells
	 * the story, not every one of them. */
	if (r->s->measure && strcmp(who, "client") != 0 && strcmp(who, "lab") != 0)
		return;
	e = &r->events[r->n_events];
	e->seq = r->n_events++;
	e->t_ms = t_ms;
	snprintf(e->who, sizeof(e->who), "%s", who);
	va_start(ap, fmt);
	vsnprintf(e->what, sizeof(e->what), fmt, ap);
	va_end(ap);
}

struct lab_session *lab_session_by_port(struct lab_run *r, uint16_t cport)
{
	for (int i = 0; i < r->s->clients; i++)
		if (r->sess[i].cport == cport && cport)
			return &r->sess[i];
	return NULL;
}

/* ---- expectations: every client's session must meet each one ---- */

static const char *server_end_text(const struct lab_session *se, char *buf, size_t size)
{
	if (se->server_ended)
		snprintf(buf, size, "%s at %.2f s, %.2f s after the client's last packet",
		         end_cause_name((enum end_cause)se->server_cause),
		         (double)se->server_end_ms / 1000, se->server_since_last_packet_s);
	else
		snprintf(buf, size, "the session was still open when the run ended");
	return buf;
}

/* Does one session meet `e`? `obs` says what it showed. */
/* dcdlab measure's finding against a measured-* expectation. */
static bool measured_meets(const struct lab_measured *m, const struct scn_expect *e, char *obs,
                           size_t size)
{
	if (!m->ran) {
		snprintf(obs, size, "dcdlab measure reported nothing (exit %d)", m->exit);
		return false;
	}
	switch (e->kind) {
	case EXPECT_MEASURED_TIMEOUT: {
		if (m->hi_ms < 0) {
			snprintf(obs, size, "no expiry up to %.1f s", (double)m->lo_ms / 1000);
			return false;
		}
		int64_t est = (m->lo_ms + m->hi_ms) / 2;
		snprintf(obs, size,
		         "%.3f .. %.3f s after %.1f s, %u connections (at most %u at once)",
		         (double)m->lo_ms / 1000, (double)m->hi_ms / 1000, m->elapsed_s, m->opened,
		         m->max_open);
		return llabs(est - e->at_ms) <= e->tol_ms;
	}
	case EXPECT_MEASURED_EXPIRY:
		snprintf(obs, size, "%s%s%s", m->expiry >= 0 ? m_expiry_name(m->expiry) : "unknown",
		         m->rst_from[0] ? ", the RST from the " : "", m->rst_from);
		return m->expiry == e->cause;
	default:
		snprintf(obs, size, "keepalives %s",
		         m->keepalives == 1   ? "counted"
		         : m->keepalives == 0 ? "ignored"
		                              : "unknown");
		return m->keepalives == e->verdict;
	}
}

static bool meets(const struct lab_run *r, const struct lab_session *se, const struct scn_expect *e,
                  char *obs, size_t size)
{
	const struct call_result *c =
	        e->call >= 1 && e->call <= LAB_MAX_CALLS ? &se->calls[e->call - 1] : NULL;
	bool ok = false;

	switch (e->kind) {
	case EXPECT_SURVIVES: {
		int first_bad = -1;
		for (int k = 0; k < se->n_calls && first_bad < 0; k++)
			if (!se->calls[k].ok)
				first_bad = k;
		bool server_ok = !se->server_ended || se->server_cause == END_DISCONNECT ||
		                 se->server_cause == END_EOF;
		const char *srv = se->server_ended
		                          ? end_cause_name((enum end_cause)se->server_cause)
		                          : "still open";
		ok = se->client_exit == 0 && first_bad < 0 && server_ok;
		if (first_bad >= 0)
			snprintf(obs, size, "call %d failed: ORA-%05d at %.2f s; server: %s",
			         first_bad + 1, se->calls[first_bad].ora,
			         (double)se->calls[first_bad].t_ms / 1000, srv);
		else
			snprintf(obs, size, "%d call%s ok; client exit %d; server: %s", se->n_calls,
			         se->n_calls == 1 ? "" : "s", se->client_exit, srv);
		break;
	}
	case EXPECT_CALL_OK:
	case EXPECT_CALL_FAILS:
		if (!c || !c->made) {
			snprintf(obs, size, "call %d was not made", e->call);
			break;
		}
		ok = e->kind == EXPECT_CALL_OK ? c->ok
		                               : !c->ok && (e->ora == 0 || c->ora == e->ora);
		if (c->ok)
			snprintf(obs, size, "call %d %s", e->call, c->message);
		else
			snprintf(obs, size, "call %d: ORA-%05d at %.2f s", e->call, c->ora,
			         (double)c->t_ms / 1000);
		break;
	case EXPECT_SERVER_END:
		if (e->cause == SCN_END_NONE) {
			ok = !se->server_ended;
		} else {
			ok = se->server_ended &&
			     (e->cause == SCN_END_DEAD_PEER ? se->server_dead_peer
			                                    : se->server_cause == e->cause);
			if (e->within_ms >= 0 &&
			    !(se->server_since_last_packet_s >= 0 &&
			      se->server_since_last_packet_s * 1000 <= (double)e->within_ms))
				ok = false;
			if (e->at_ms >= 0 && llabs(se->server_end_ms - e->at_ms) > e->tol_ms)
				ok = false;
		}
		server_end_text(se, obs, size);
		break;
	case EXPECT_SERVER_STATUS:
		ok = se->db_status == e->cause;
		snprintf(obs, size, "%s%s", db_status_name((enum db_status)se->db_status),
		         se->server_ended ? " when it ended" : ", still open at the end");
		break;
	case EXPECT_CLIENT_DCD:
		ok = se->client_ka == e->verdict;
		snprintf(obs, size, "%s",
		         se->client_ka == 1   ? "keepalive on the client's socket"
		         : se->client_ka == 0 ? "no keepalive on the client's socket"
		                              : "unknown");
		break;
	case EXPECT_CAPTURE:
		ok = se->verdict[e->leg] == e->verdict;
		snprintf(obs, size, "%s",
		         se->verdict[e->leg] < 0 ? "no flow captured"
		                                 : verdict_name((enum verdict)se->verdict[e->leg]));
		break;
	case EXPECT_MEASURED_TIMEOUT:
	case EXPECT_MEASURED_EXPIRY:
	case EXPECT_MEASURED_KEEPALIVES: ok = measured_meets(&r->measured, e, obs, size); break;
	case EXPECT_FW_ENTRY: {
		char b1[32], b2[32];
		/* every client's entry expired, or none did */
		ok = e->expires ? r->fw_expired >= r->s->clients : r->fw_expired == 0;
		if (r->fw_expired)
			snprintf(obs, size, "%d of %d expired, the first at %.2f s (idle %s)",
			         r->fw_expired, r->s->clients, (double)r->fw_expired_ms / 1000,
			         fmt_duration_ms(r->s->fw_idle_ms, b1, sizeof(b1)));
		else
			snprintf(obs, size, "never expired (idle timeout %s, run %s)",
			         fmt_duration_ms(r->s->fw_idle_ms, b1, sizeof(b1)),
			         fmt_duration_ms((int64_t)(r->wall_s * 1000), b2, sizeof(b2)));
		break;
	}
	}
	return ok;
}

void lab_evaluate(struct lab_run *r)
{
	const struct scenario *s = r->s;

	r->passed = 0;
	for (int i = 0; i < s->n_expect; i++) {
		struct expect_result *x = &r->expect[i];
		int bad = 0;
		char obs[sizeof(x->observed)];
		x->observed[0] = '\0';
		/* Report the first session that fails, else the first one. */
		for (int k = 0; k < s->clients; k++) {
			if (s->expect[i].client && s->expect[i].client != k + 1)
				continue;
			if (meets(r, &r->sess[k], &s->expect[i], obs, sizeof(obs))) {
				if (s->expect[i].client)
					snprintf(x->observed, sizeof(x->observed), "%s", obs);
				else if (k == 0 && s->clients > 1)
					snprintf(x->observed, sizeof(x->observed),
					         "all %d sessions, #1: %s", s->clients, obs);
				else if (k == 0)
					snprintf(x->observed, sizeof(x->observed), "%s", obs);
			} else if (bad++ == 0) {
				if (s->clients > 1)
					snprintf(x->observed, sizeof(x->observed), "client %d: %s",
					         k + 1, obs);
				else
					snprintf(x->observed, sizeof(x->observed), "%s", obs);
			}
		}
		x->ok = bad == 0;
		r->passed += x->ok;
	}
}

static int by_time(const void *a, const void *b)
{
	const struct lab_event *x = a, *y = b;
	if (x->t_ms != y->t_ms)
		return x->t_ms < y->t_ms ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq; /* qsort is not stable */
}

void lab_sort_events(struct lab_run *r)
{
	qsort(r->events, (size_t)r->n_events, sizeof(*r->events), by_time);
}

int64_t lab_run_bound_ms(const struct scenario *s)
{
	int64_t b = scenario_plan_ms(s);

	if (s->duration_ms)
		return s->duration_ms;
	for (int i = 0; i < s->n_fault; i++) {
		int64_t t = s->fault[i].restore_ms > s->fault[i].at_ms ? s->fault[i].restore_ms
		                                                       : s->fault[i].at_ms;
		if (t > b)
			b = t;
	}
	return b + 20000;
}

bool lab_run_passed(const struct lab_run *r)
{
	return !r->error[0] && r->passed == r->s->n_expect;
}

void lab_leg_seg(struct lab_run *r, int leg, const struct leg_seg *s)
{
	if (leg < 0 || leg > 1)
		return;
	struct leg_seg *v = grow(r->segs[leg], &r->cap_segs[leg], r->n_segs[leg], sizeof(*v), 256);
	if (v == NULL)
		return;
	r->segs[leg] = v;
	r->segs[leg][r->n_segs[leg]++] = *s;
}

void lab_run_free(struct lab_run *r)
{
	free(r->events);
	free(r->samples);
	r->events = NULL;
	r->samples = NULL;
	for (int leg = 0; leg < 2; leg++) {
		free(r->segs[leg]);
		r->segs[leg] = NULL;
		r->n_segs[leg] = r->cap_segs[leg] = 0;
	}
}
