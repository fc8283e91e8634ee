/* measure.c - `dcdlab measure`: the idle timeout of a real path, and what
 * the middlebox does at expiry, in about one timeout's time.
 *
 * The plan (which connection to open when, when to check it) is
 * model/measure.c; this file carries it out with real sockets against
 * `dcdlab listen` on the far side: blocking opens (TCP, CONNECT -> ACCEPT,
 * one call), then one poll() loop over every connection for the checks'
 * answers and for what arrives unasked (a RST at expiry, a FIN). No root:
 * plain client sockets, only to the one target the user names. */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/log.h"
#include "../lib/numparse.h"
#include "../lib/sbuf.h"
#include "../lib/sockaddr.h"
#include "../lib/tns.h"
#include "../model/descriptor.h"
#include "../model/linux_timers.h"
#include "../model/measure.h"
#include "../sim/sim.h"
#include "probe.h"
#include "sockopt.h"
#include "tnsclient.h"

/* `dcdlab help measure` and `dcdlab measure --help`. */
const char measure_usage[] =
        "usage: dcdlab measure [options] CONNECT-STRING\n"
        "\n"
        "Finds after how long the path to CONNECT-STRING (where dcdlab listen runs)\n"
        "forgets an idle TCP connection, and what it does then: many connections in\n"
        "parallel, each left idle for its own time and then asked one call, so the\n"
        "answer comes in about one timeout, not log2(range) of them.\n"
        "\n"
        "      --min DUR             shortest idle timeout looked for (default 5s)\n"
        "      --max DUR             longest (default 8h)\n"
        "      --precision DUR       bracket width to reach (default: the larger of\n"
        "                            1 s and 1 % of the timeout)\n"
        "      --connections N       open at once, at most (default 64, up to 1024)\n"
        "      --no-keepalive-test   do not find out whether keepalives count\n"
        "      --check-timeout DUR   a call unanswered this long did not survive\n"
        "                            (default 1 s + 4 round trips)\n"
        "      --connect-timeout DUR a new connection (default 10s)\n"
        "      --tnsnames FILE       where an alias is\n"
        "      --json                one JSON object on stdout\n"
        "      --sequential          bisect with one connection instead, as\n"
        "                            single-connection probers do (for comparison)\n"
        "  -q, --quiet               no progress line\n"
        "\n"
        "exit status: 0 measured, 1 no expiry up to --max, 2 usage, 3 the path broke\n"
        "(the far end unreachable, not dcdlab listen, or gone mid-run), 130\n"
        "interrupted (what was known is reported)\n";

enum {
	MEASURED = 0,
	NO_EXPIRY = 1,
	USAGE = 2,
	PATH_BROKE = 3,
	INTERRUPTED = 130,
};

/* One connection of the plan. */
struct mconn {
	struct tns_client tc;
	int64_t sent_ms;     /* its check, when checking */
	int64_t deadline_ms; /* ... unanswered by then: no answer */
	uint16_t far_port;   /* its port as the far end sees it */
	char far_seen[64];   /* "192.0.2.2:40000" as the far end saw it */
};

struct run {
	struct measure m;
	struct mconn c[MEASURE_MAX_CONNS];
	struct dcd_descriptor d;
	int64_t connect_timeout_ms, rtt_ms, t0_ms;
	bool json, progress;
	bool sequential; /* --sequential: the one-connection bisection */
	/* what the far end saw of the first connection; ours */
	char nat_seen[64], nat_local[64];
	/* a RST: who sent it (the far end still had the session: the path) */
	char rst_from[96];
	char broke[200];          /* the path broke: why */
	int64_t far_end_asked_ms; /* the last "are you there?", 0 never */
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int64_t now_ms(void)
{
	return clock_now_ms(&clock_monotonic);
}

/* Open conn: TCP, CONNECT -> ACCEPT, and "whoami" (the far end's view of
 * our address; also the call its idle counts from). 0, or -1 with why. */
static int open_conn(struct run *r, struct mconn *c, bool keepalive, int keepidle_s, char *why,
                     size_t len)
{
	int ora = 0;
	char answer[200];

	tns_client_close(&c->tc);
	c->tc = (struct tns_client){ .fd = -1,
		                     .connect_timeout_ms = r->connect_timeout_ms,
		                     .call_timeout_ms = r->connect_timeout_ms };
	if (tns_client_connect_tcp(&c->tc, &r->d.address[0], &ora, why, len) != 0)
		return -1;
	if (keepalive) {
		struct keepalive ka = { keepidle_s, keepidle_s, 9 }, got;
		struct dcd_err err = { "" };
		if (sockopt_keepalive_apply(c->tc.fd, &ka, &got, &err) != 0) {
			snprintf(why, len, "%s", err.msg);
			return -1;
		}
	}
	if (tns_client_handshake(&c->tc, &r->d, &ora, why, len) != 0)
		return -1;
	if (tns_client_ask(&c->tc, "dcdlab:whoami", answer, sizeof(answer), why, len) != 0)
		return -1;
	if (strncmp(answer, "dcdlab:you=", 11) != 0) {
		snprintf(why, len, "the far end is not dcdlab listen (it answered \"%.60s\")",
		         answer);
		return -1;
	}
	snprintf(c->far_seen, sizeof(c->far_seen), "%s", answer + 11);
	c->far_port = hostport_port(c->far_seen);
	return 0;
}

/* Ask the far end on a fresh connection: the question's answer, or -1
 * when the far end cannot be reached (the path broke). */
static int ask_far_end(struct run *r, const char *question, char *answer, size_t alen)
{
	struct mconn c = { .tc = { .fd = -1 } };
	char why[200];
	int rc = -1;

	if (open_conn(r, &c, false, 0, why, sizeof(why)) == 0 &&
	    tns_client_ask(&c.tc, question, answer, alen, why, sizeof(why)) == 0)
		rc = 0;
	if (rc != 0)
		snprintf(r->broke, sizeof(r->broke), "the far end stopped answering: %s", why);
	tns_client_close(&c.tc);
	return rc;
}

/* After a death: is the far end still there? A far end that went away is
 * not an expiry. At most once a second. */
static void far_end_alive(struct run *r)
{
	char answer[200];
	int64_t t = now_ms();

	if (r->far_end_asked_ms && t - r->far_end_asked_ms < 1000)
		return;
	r->far_end_asked_ms = t;
	ask_far_end(r, "dcdlab:whoami", answer, sizeof(answer));
}

static void do_open(struct run *r, const struct m_action *a)
{
	struct mconn *c = &r->c[a->conn];
	char why[200];

	if (open_conn(r, c, a->keepalive, measure_keepidle_s(&r->m), why, sizeof(why)) != 0) {
		log_debug("open for connection %d: %s", a->conn, why);
		tns_client_close(&c->tc);
		measure_open_failed(&r->m, a->conn);
		return;
	}
	measure_opened(&r->m, a->conn, now_ms());
}

/* The check: one call. 0, or -1 with errno when it could not be sent. */
static int send_check(struct mconn *c)
{
	static const char call[] = "dcdlab:call=check";
	struct sbuf out = { 0 };
	int rc;

	tns_put_data(&out, c->tc.large_sdu, 0, call, sizeof(call) - 1);
	rc = tns_client_send(&c->tc, out.buf, out.len);
	sbuf_free(&out);
	return rc;
}

static void do_check(struct run *r, const struct m_action *a, int64_t check_ms)
{
	struct mconn *c = &r->c[a->conn];
	int64_t t = now_ms();

	c->sent_ms = t;
	c->deadline_ms = t + check_ms;
	if (send_check(c) != 0) /* the connection had already gone */
		measure_checked(&r->m, a->conn, t, errno == ECONNRESET ? M_RST : M_NO_ANSWER,
		                now_ms());
}

/* The first RST: did the far end send it? It still having the session
 * means the path made it up. */
static void who_sent_rst(struct run *r, const struct mconn *c)
{
	char q[48], answer[200];

	if (r->rst_from[0] || c->far_port == 0)
		return;
	snprintf(q, sizeof(q), "dcdlab:session=%u", c->far_port);
	if (ask_far_end(r, q, answer, sizeof(answer)) != 0)
		return;
	if (strstr(answer, " open"))
		snprintf(r->rst_from, sizeof(r->rst_from),
		         "the path (the far end still had the session open)");
	else if (strstr(answer, " ended rst"))
		snprintf(r->rst_from, sizeof(r->rst_from),
		         "the path (the far end got a RST for the session too)");
	else if (strstr(answer, " ended "))
		snprintf(r->rst_from, sizeof(r->rst_from), "the far end (it %s)",
		         strstr(answer, " ended ") + 1);
	else
		snprintf(r->rst_from, sizeof(r->rst_from), "unknown (the far end: %s)", answer);
}

/* Read what conn has: 1 its check answered, 0 nothing decisive, -1 it
 * ended (*o: RST, FIN, or no answer when the kernel gave up). */
static int drain(struct mconn *c, enum m_outcome *o)
{
	char buf[4096];

	for (;;) {
		ssize_t n = recv(c->tc.fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0) {
			*o = M_FIN;
			return -1;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			*o = errno == ECONNRESET ? M_RST : M_NO_ANSWER;
			return -1;
		}
		sbuf_add(&c->tc.in, buf, (size_t)n);
	}
	bool answered = false;
	for (;;) {
		struct tns_header h;
		const char *why;
		if (c->tc.in.len < TNS_HEADER_LEN ||
		    tns_header_decode((const uint8_t *)c->tc.in.buf, c->tc.in.len, c->tc.large_sdu,
		                      1u << 20, &h, &why) != TNS_OK ||
		    c->tc.in.len < h.length)
			break;
		if (h.type == TNS_DATA && h.length > TNS_DATA_HEADER_LEN &&
		    !tns_is_dcd_probe((const uint8_t *)c->tc.in.buf, h.length))
			answered = true;
		tns_client_consume(&c->tc, h.length);
	}
	return answered ? 1 : 0;
}

static void on_readable(struct run *r, int i)
{
	struct mconn *c = &r->c[i];
	struct m_conn *p = &r->m.conn[i];
	enum m_outcome o = M_NO_ANSWER;
	int rc = drain(c, &o);
	int64_t t = now_ms();

	if (rc == 0)
		return;
	if (p->state == MC_CHECKING) {
		measure_checked(&r->m, i, c->sent_ms, rc > 0 ? M_ANSWERED : o, t);
		if (rc < 0 && o == M_RST)
			who_sent_rst(r, c);
	} else if (rc < 0) {
		measure_unsolicited(&r->m, i, o, t);
		if (o == M_RST)
			who_sent_rst(r, c);
	}
	if (rc < 0) {
		tns_client_close(&c->tc);
		far_end_alive(r);
	}
}

static void show_progress(const struct run *r, int64_t t)
{
	struct measure_result res;
	char lo[32], hi[32];

	measure_result(&r->m, &res);
	fmt_duration_ms(res.lo_ms, lo, sizeof(lo));
	if (res.hi_ms == INT64_MAX)
		snprintf(hi, sizeof(hi), "?");
	else
		fmt_duration_ms(res.hi_ms, hi, sizeof(hi));
	fprintf(stderr, "\r\033[K%6.0f s: timeout in (%s, %s], %d connections open, %u checks",
	        (double)(t - r->t0_ms) / 1000.0, lo, hi, r->m.n_open, res.checks);
	if (res.hi_ms != INT64_MAX)
		fprintf(stderr, ", about %.0f s left",
		        (double)(r->t0_ms + res.hi_ms * 11 / 10 - t) / 1000.0 > 0
		                ? (double)(r->t0_ms + res.hi_ms * 11 / 10 - t) / 1000.0
		                : 0.0);
	fflush(stderr);
}

/* Carry the plan out until it is done, the bound passes or Ctrl-C. */
static void run_plan(struct run *r, int64_t check_ms, int64_t bound_ms)
{
	struct pollfd pfd[MEASURE_MAX_CONNS];
	int idx[MEASURE_MAX_CONNS];
	int64_t last_progress = 0;

	while (!interrupted && !measure_done(&r->m) && !r->broke[0]) {
		struct m_action acts[64];
		int n;
		while ((n = measure_actions(&r->m, now_ms(), acts, 64)) > 0 && !interrupted)
			for (int k = 0; k < n; k++) {
				if (acts[k].kind == M_OPEN)
					do_open(r, &acts[k]);
				else if (acts[k].kind == M_CHECK)
					do_check(r, &acts[k], check_ms);
				else
					tns_client_close(&r->c[acts[k].conn].tc);
			}
		if (measure_done(&r->m) || interrupted)
			break;
		int64_t t = now_ms(), wake = measure_wake_ms(&r->m, t);
		if (t >= bound_ms) {
			snprintf(r->broke, sizeof(r->broke), "the run's time bound passed");
			break;
		}
		int np = 0;
		for (int i = 0; i < r->m.cfg.max_conns; i++) {
			const struct m_conn *p = &r->m.conn[i];
			if ((p->state != MC_IDLE && p->state != MC_CHECKING) || r->c[i].tc.fd < 0)
				continue;
			if (p->state == MC_CHECKING && r->c[i].deadline_ms < wake)
				wake = r->c[i].deadline_ms;
			pfd[np] = (struct pollfd){ .fd = r->c[i].tc.fd, .events = POLLIN };
			idx[np++] = i;
		}
		if (wake > t + 1000)
			wake = t + 1000; /* the progress line, Ctrl-C */
		if (poll(pfd, (nfds_t)np, wake > t ? (int)(wake - t) : 0) < 0 && errno != EINTR)
			break;
		for (int k = 0; k < np; k++)
			if (pfd[k].revents)
				on_readable(r, idx[k]);
		t = now_ms();
		for (int i = 0; i < r->m.cfg.max_conns; i++)
			if (r->m.conn[i].state == MC_CHECKING && r->c[i].deadline_ms <= t) {
				measure_checked(&r->m, i, r->c[i].sent_ms, M_NO_ANSWER, t);
				tns_client_close(&r->c[i].tc);
				far_end_alive(r);
			}
		if (r->progress && t - last_progress >= 1000) {
			show_progress(r, t);
			last_progress = t;
		}
	}
	if (r->progress)
		fputs("\r\033[K", stderr);
	for (int i = 0; i < MEASURE_MAX_CONNS; i++)
		tns_client_close(&r->c[i].tc);
}

/* --sequential: the way single-connection probers do it, for comparison
 * (make bench): one connection, idle for the middle of what is still
 * unknown, then one call; answered, the lower end moves up and the same
 * connection goes on; not, the upper end moves down and a new connection
 * is opened. About log2(range / precision) timeouts. */
static void run_sequential(struct run *r, const struct measure_cfg *cfg, int64_t bound_ms)
{
	struct mconn *c = &r->c[0];
	struct measure *m = &r->m;
	char why[200];
	bool open = false;

	m->lo_ms = 0;
	m->hi_ms = INT64_MAX;
	while (!interrupted && !r->broke[0] && now_ms() < bound_ms) {
		int64_t top = m->hi_ms == INT64_MAX ? cfg->max_ms : m->hi_ms;
		int64_t prec = cfg->precision_ms                                ? cfg->precision_ms
		               : m->hi_ms != INT64_MAX && m->hi_ms / 100 > 1000 ? m->hi_ms / 100
		                                                                : 1000;
		if (top - m->lo_ms <= prec || (m->hi_ms == INT64_MAX && m->lo_ms >= cfg->max_ms))
			break;
		int64_t d = m->lo_ms + (top - m->lo_ms) / 2;
		if (d < cfg->min_ms)
			d = cfg->min_ms;
		if (!open) {
			if (open_conn(r, c, false, 0, why, sizeof(why)) != 0) {
				snprintf(r->broke, sizeof(r->broke), "%s", why);
				break;
			}
			m->opens++;
			m->max_open = 1;
			m->conn[0].idle_since_ms = now_ms();
			open = true;
		}
		enum m_outcome o = M_ANSWERED;
		int rc = 0;
		/* idle until d (a RST or FIN meanwhile ends it), then the call */
		while (!interrupted && now_ms() - m->conn[0].idle_since_ms < d) {
			struct pollfd pfd = { .fd = c->tc.fd, .events = POLLIN };
			int64_t left = m->conn[0].idle_since_ms + d - now_ms();
			if (poll(&pfd, 1, left > 1000 ? 1000 : (int)left) > 0 &&
			    (rc = drain(c, &o)) < 0)
				break;
		}
		if (interrupted)
			break;
		int64_t sent = now_ms(), idle = sent - m->conn[0].idle_since_ms;
		if (rc == 0) {
			rc = send_check(c);
			o = rc ? M_RST : M_NO_ANSWER;
			while (rc == 0 && now_ms() < sent + cfg->check_ms) {
				struct pollfd pfd = { .fd = c->tc.fd, .events = POLLIN };
				if (poll(&pfd, 1, (int)(sent + cfg->check_ms - now_ms())) > 0)
					rc = drain(c, &o);
			}
			if (rc == 0)
				o = M_NO_ANSWER;
			else if (rc > 0)
				o = M_ANSWERED;
		}
		m->checks++;
		if (o == M_ANSWERED) {
			m->lo_ms = idle > m->lo_ms ? idle : m->lo_ms;
			m->conn[0].idle_since_ms = now_ms();
		} else {
			m->hi_ms = idle < m->hi_ms ? idle : m->hi_ms;
			m->deaths[o == M_RST   ? M_EXPIRY_RST_NEXT
			          : o == M_FIN ? M_EXPIRY_PEER_CLOSE
			                       : M_EXPIRY_SILENT]++;
			tns_client_close(&c->tc);
			open = false;
		}
		if (r->progress)
			show_progress(r, now_ms());
	}
	if (r->progress)
		fputs("\r\033[K", stderr);
	tns_client_close(&c->tc);
}

/* What the path means for DCD, by dcdlab check's simulation: 0 when
 * there is something to say (a firewall's expiry was measured). */
static int consequence(const struct measure_result *res, struct path_consequence *pc)
{
	int fw = fw_expiry_of_m(res->expiry);

	if (res->hi_ms == INT64_MAX || fw < 0 || res->lo_ms < 1000)
		return -1;
	return check_path_consequence(res->lo_ms, (enum fw_expiry)fw, res->keepalives == 0, pc);
}

/* The longest TCP keepalive idle (s) whose first probe comes before the
 * path forgets, with the timer as late as it may fire; 0 when keepalives do
 * not count or none is short enough. Client or server alike: 19c+ clients
 * turn EXPIRE_TIME in their descriptor into the same keepalive. */
static int keepalive_idle_max_s(const struct measure_result *res)
{
	if (res->keepalives != 1 || res->hi_ms == INT64_MAX)
		return 0;
	for (int s = (int)(res->lo_ms / 1000); s >= 1; s--)
		if (linux_timer_ms((int64_t)s * 1000, TIMER_LATEST) < res->lo_ms)
			return s;
	return 0;
}

static void print_text(const struct run *r, const struct measure_result *res, int rc)
{
	char a[32], b[32];
	double elapsed_s = (double)(now_ms() - r->t0_ms) / 1000.0;

	printf("dcdlab measure: %s:%u, at most %d connections, idle %s to %s\n",
	       r->d.address[0].host, r->d.address[0].port, r->m.cfg.max_conns,
	       fmt_duration_ms(r->m.cfg.min_ms, a, sizeof(a)),
	       fmt_duration_ms(r->m.cfg.max_ms, b, sizeof(b)));
	if (rc == PATH_BROKE)
		printf("the path broke: %s\n", r->broke);
	if (rc == INTERRUPTED)
		printf("interrupted after %.1f s; what is known so far:\n", elapsed_s);
	if (res->hi_ms == INT64_MAX && rc != NO_EXPIRY) {
		printf("idle timeout: not found yet (the longest idle that survived: %s)\n",
		       res->lo_ms ? fmt_duration_ms(res->lo_ms, a, sizeof(a)) : "none yet");
	} else if (res->hi_ms == INT64_MAX) {
		printf("idle timeout: none up to %s (the longest idle checked survived)\n",
		       fmt_duration_ms(res->lo_ms, a, sizeof(a)));
	} else {
		printf("idle timeout: %.3f .. %.3f s (T = %.3f s +- %.3f s), after %.1f s\n",
		       res->lo_ms / 1000.0, res->hi_ms / 1000.0, (res->lo_ms + res->hi_ms) / 2000.0,
		       (res->hi_ms - res->lo_ms) / 2000.0, elapsed_s);
		printf("at expiry: %s: %s\n", m_expiry_name(res->expiry),
		       m_expiry_consequence(res->expiry));
	}
	if (r->rst_from[0])
		printf("the RST came from: %s\n", r->rst_from);
	printf("keepalives: %s\n",
	       res->keepalives == 1      ? "counted (a connection with TCP keepalive outlived "
	                                   "the idle timeout: DCD keeps sessions alive here)"
	       : res->keepalives == 0    ? "ignored (a connection with TCP keepalive died like "
	                                   "the others: only data keeps sessions alive here)"
	       : r->m.cfg.keepalive_test ? "unknown (no expiry to test them against)"
	                                 : "not tested");
	if (r->nat_seen[0])
		printf("address translation: %s (the far end sees %s, we are %s)\n",
		       strcmp(r->nat_seen, r->nat_local) ? "yes" : "none", r->nat_seen,
		       r->nat_local);
	struct path_consequence pc;
	if (consequence(res, &pc) == 0) {
		char when[32];
		printf("what it means (dcdlab check, 19c on Linux): ");
		if (pc.idle_survives)
			printf("idle sessions survive");
		else
			printf("an idle session's next call fails with ORA-%05d after %s",
			       pc.next_call_ora,
			       fmt_duration_ms(pc.next_call_fails_after_ms, when, sizeof(when)));
		if (pc.expire_time_max_min > 0)
			printf("; SQLNET.EXPIRE_TIME=%d or less keeps them alive%s\n",
			       pc.expire_time_max_min,
			       pc.as_ns_probes ? " only as NS probes (USE_NS_PROBES_FOR_DCD=TRUE, "
			                         "keepalives are not counted)"
			                       : "");
		else
			printf("; no SQLNET.EXPIRE_TIME keeps them alive (%s)\n",
			       res->keepalives == 0
			               ? "keepalives are not counted, and minutes are "
			                 "too coarse for this timeout"
			               : "whole minutes are too coarse for this timeout");
	}
	if (keepalive_idle_max_s(res) > 0)
		printf("keepalive that keeps sessions: TCP_KEEPIDLE of at most %d s on either side "
		       "(EXPIRE_TIME=n in a 19c+ client's descriptor or the server's sqlnet.ora is "
		       "n*60 s)\n",
		       keepalive_idle_max_s(res));
	printf("connections: %u opened, at most %u at once, %u checks%s\n", res->opens,
	       res->max_open, res->checks,
	       res->inconsistent ? "; some answers contradicted others (a flapping path)" : "");
}

static void print_json(const struct run *r, const struct measure_result *res, int rc)
{
	struct sbuf b = { 0 };
	static const char *const results[] = {
		[MEASURED] = "measured", [NO_EXPIRY] = "no-expiry", [PATH_BROKE] = "path-broke"
	};

	sbuf_printf(&b, "{\"target\":");
	char target[300];
	snprintf(target, sizeof(target), "%s:%u", r->d.address[0].host, r->d.address[0].port);
	sbuf_json_str(&b, target);
	sbuf_printf(&b, ",\"result\":\"%s\",\"elapsed_s\":%.3f",
	            rc == INTERRUPTED ? "interrupted" : results[rc],
	            (double)(now_ms() - r->t0_ms) / 1000.0);
	if (res->hi_ms == INT64_MAX)
		sbuf_printf(&b, ",\"timeout_s\":null,\"survived_s\":%.3f", res->lo_ms / 1000.0);
	else
		sbuf_printf(&b,
		            ",\"timeout_s\":{\"lo\":%.3f,\"hi\":%.3f,\"estimate\":%.3f},"
		            "\"survived_s\":%.3f",
		            res->lo_ms / 1000.0, res->hi_ms / 1000.0,
		            (res->lo_ms + res->hi_ms) / 2000.0, res->lo_ms / 1000.0);
	sbuf_printf(&b, ",\"precision_s\":%.3f,\"expiry\":\"%s\",\"rst_from\":",
	            res->precision_ms / 1000.0, m_expiry_name(res->expiry));
	if (r->rst_from[0])
		sbuf_json_str(&b, strncmp(r->rst_from, "the path", 8) == 0       ? "path"
		                  : strncmp(r->rst_from, "the far end", 11) == 0 ? "far-end"
		                                                                 : "unknown");
	else
		sbuf_printf(&b, "null");
	sbuf_printf(&b, ",\"keepalives\":\"%s\"",
	            res->keepalives == 1   ? "counted"
	            : res->keepalives == 0 ? "ignored"
	                                   : "unknown");
	sbuf_printf(&b, ",\"nat\":{\"translated\":%s,\"seen_by_far_end\":",
	            r->nat_seen[0] && strcmp(r->nat_seen, r->nat_local) ? "true" : "false");
	sbuf_json_str(&b, r->nat_seen);
	sbuf_printf(&b, ",\"local\":");
	sbuf_json_str(&b, r->nat_local);
	sbuf_printf(&b,
	            "},\"connections\":{\"max\":%d,\"opened\":%u,\"max_open\":%u,\"checks\":%u,"
	            "\"inconsistent\":%u}",
	            r->m.cfg.max_conns, res->opens, res->max_open, res->checks, res->inconsistent);
	struct path_consequence pc;
	if (consequence(res, &pc) == 0) {
		sbuf_printf(&b,
		            ",\"consequence\":{\"idle_sessions_survive\":%s,\"idle_next_call\":",
		            pc.idle_survives ? "true" : "false");
		if (pc.idle_survives)
			sbuf_printf(&b, "null");
		else
			sbuf_printf(&b, "{\"ora\":\"ORA-%05d\",\"fails_after_s\":%.1f}",
			            pc.next_call_ora, (double)pc.next_call_fails_after_ms / 1000);
		if (pc.expire_time_max_min > 0)
			sbuf_printf(&b, ",\"expire_time_max_min\":%d,\"as\":\"%s\"",
			            pc.expire_time_max_min,
			            pc.as_ns_probes ? "ns-probes" : "keepalive");
		else
			sbuf_printf(&b, ",\"expire_time_max_min\":null");
		sbuf_printf(&b, ",\"keepalive_idle_max_s\":%d}", keepalive_idle_max_s(res));
	}
	if (r->broke[0]) {
		sbuf_printf(&b, ",\"error\":");
		sbuf_json_str(&b, r->broke);
	}
	sbuf_printf(&b, "}\n");
	fputs(b.buf, stdout);
	sbuf_free(&b);
}

enum {
	OPT_MIN = 256,
	OPT_MAX,
	OPT_PRECISION,
	OPT_CONNECTIONS,
	OPT_NO_KA,
	OPT_CHECK_TIMEOUT,
	OPT_CONNECT_TIMEOUT,
	OPT_TNSNAMES,
	OPT_JSON,
	OPT_SEQUENTIAL,
};

static const struct option measure_longopts[] = {
	{ "min", required_argument, NULL, OPT_MIN },
	{ "max", required_argument, NULL, OPT_MAX },
	{ "precision", required_argument, NULL, OPT_PRECISION },
	{ "connections", required_argument, NULL, OPT_CONNECTIONS },
	{ "no-keepalive-test", no_argument, NULL, OPT_NO_KA },
	{ "check-timeout", required_argument, NULL, OPT_CHECK_TIMEOUT },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "tnsnames", required_argument, NULL, OPT_TNSNAMES },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "sequential", no_argument, NULL, OPT_SEQUENTIAL },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int duration_opt(const char *name, const char *v, int64_t min_ms, int64_t *out)
{
	if (parse_duration_ms(v, 1000, out) != 0 || *out < min_ms || *out > 7 * 86400000LL) {
		log_error("--%s \"%s\": expected a duration such as 30s, 5m or 1h", name, v);
		return -1;
	}
	return 0;
}

/* The command line into cfg and r; 0, -1 after --help, or USAGE. */
static int parse_args(int argc, char **argv, struct measure_cfg *cfg, struct run *r,
                      int64_t *check_ms, const char **tnsnames, const char **target)
{
	int opt;
	long n;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "qh", measure_longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_MIN:
			if (duration_opt("min", optarg, 1000, &cfg->min_ms) != 0)
				return USAGE;
			break;
		case OPT_MAX:
			if (duration_opt("max", optarg, 2000, &cfg->max_ms) != 0)
				return USAGE;
			break;
		case OPT_PRECISION:
			if (duration_opt("precision", optarg, 1, &cfg->precision_ms) != 0)
				return USAGE;
			break;
		case OPT_CHECK_TIMEOUT:
			if (duration_opt("check-timeout", optarg, 100, check_ms) != 0)
				return USAGE;
			break;
		case OPT_CONNECT_TIMEOUT:
			if (duration_opt("connect-timeout", optarg, 100, &r->connect_timeout_ms) !=
			    0)
				return USAGE;
			break;
		case OPT_CONNECTIONS:
			if (parse_long(optarg, 4, MEASURE_MAX_CONNS, &n) != 0) {
				log_error("--connections \"%s\": expected 4 to %d", optarg,
				          MEASURE_MAX_CONNS);
				return USAGE;
			}
			cfg->max_conns = (int)n;
			break;
		case OPT_NO_KA: cfg->keepalive_test = false; break;
		case OPT_TNSNAMES: *tnsnames = optarg; break;
		case OPT_JSON: r->json = true; break;
		case OPT_SEQUENTIAL: r->sequential = true; break;
		case 'q': r->progress = false; break;
		case 'h': fputs(measure_usage, stdout); return -1;
		default: return USAGE;
		}
	}
	if (optind + 1 != argc) {
		log_error(optind == argc ? "missing CONNECT-STRING (where dcdlab listen runs)"
		                         : "more than one CONNECT-STRING");
		return USAGE;
	}
	if (cfg->min_ms >= cfg->max_ms) {
		log_error("--min must be shorter than --max");
		return USAGE;
	}
	*target = argv[optind];
	return 0;
}

/* The first connection: the far end is there and is dcdlab listen; the
 * round trip; what address it sees. 0, or -1 with r->broke said. */
static int first_contact(struct run *r)
{
	struct mconn c = { .tc = { .fd = -1 } };
	char why[200];
	int64_t t = now_ms();

	if (open_conn(r, &c, false, 0, why, sizeof(why)) != 0) {
		snprintf(r->broke, sizeof(r->broke), "%s", why);
		tns_client_close(&c.tc);
		return -1;
	}
	r->rtt_ms = (now_ms() - t) / 3; /* SYN, CONNECT, whoami */
	struct sockaddr_storage local;
	socklen_t llen = sizeof(local);
	if (getsockname(c.tc.fd, (struct sockaddr *)&local, &llen) == 0)
		format_sockaddr((struct sockaddr *)&local, r->nat_local, sizeof(r->nat_local));
	snprintf(r->nat_seen, sizeof(r->nat_seen), "%s", c.far_seen);
	tns_client_close(&c.tc);
	return 0;
}

int cmd_measure(int argc, char **argv)
{
	struct run *r = calloc(1, sizeof(*r));
	struct measure_cfg cfg;
	int64_t check_ms = 0;
	const char *tnsnames = NULL, *target = NULL;
	struct dcd_err err = { "" };
	char why[200];
	int rc;

	if (r == NULL)
		abort();
	measure_cfg_default(&cfg);
	for (int i = 0; i < MEASURE_MAX_CONNS; i++)
		r->c[i].tc.fd = -1;
	r->connect_timeout_ms = 10000;
	r->progress = isatty(2);
	if ((rc = parse_args(argc, argv, &cfg, r, &check_ms, &tnsnames, &target)) != 0) {
		free(r);
		return rc < 0 ? 0 : rc;
	}
	if (descriptor_resolve(&r->d, target, tnsnames, &err) != 0) {
		log_error("%s", err.msg);
		free(r);
		return USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	r->t0_ms = now_ms();
	if (first_contact(r) != 0) {
		log_error("cannot measure: %s", r->broke);
		descriptor_free(&r->d);
		free(r);
		return PATH_BROKE;
	}
	cfg.check_ms = check_ms ? check_ms : cfg.check_ms + 4 * r->rtt_ms;
	if (measure_init(&r->m, &cfg, now_ms(), why, sizeof(why)) != 0) {
		log_error("%s", why);
		descriptor_free(&r->d);
		free(r);
		return USAGE;
	}
	int64_t bound_ms = r->t0_ms + cfg.slack_ms + 60000 +
	                   (int64_t)(MEASURE_TIME_BOUND * (double)cfg.max_ms) + cfg.check_ms;
	if (r->sequential)
		run_sequential(r, &cfg, r->t0_ms + 20 * cfg.max_ms + 60000);
	else
		run_plan(r, cfg.check_ms, bound_ms);
	struct measure_result res;
	measure_result(&r->m, &res);
	if (r->m.gave_up && !r->broke[0])
		snprintf(r->broke, sizeof(r->broke), "no new connection could be opened");
	rc = interrupted              ? INTERRUPTED
	     : r->broke[0]            ? PATH_BROKE
	     : res.hi_ms == INT64_MAX ? NO_EXPIRY
	                              : MEASURED;
	if (r->json)
		print_json(r, &res, rc);
	else
		print_text(r, &res, rc);
	fflush(stdout);
	descriptor_free(&r->d);
	free(r);
	return rc;
}
