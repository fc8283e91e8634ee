/* test_session.c - the listener's TNS session logic over bufferevent pairs
 * (no sockets, no kernel): CONNECT -> ACCEPT / REFUSE, calls, NS probes,
 * inbound connect timeout, protocol errors.
 *
 * Deterministic: no test waits on real time. The server reads a virtual
 * clock the test sets (the clock seam, lib/clock.h); a session's timers are
 * libevent's and long (seconds to minutes, so they never fire on their
 * own during a test), and a test checks when one is due, then fires it
 * itself (event_active) at the virtual time it chooses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "../../lib/tns.h"
#include "../../probe/server.h"

struct fixture {
	int64_t now_ms; /* the virtual clock the server reads */
	struct server srv;
	struct bufferevent *pair[2]; /* [0] server side, [1] our client */
	struct session *s;
};

static int64_t virtual_now(void *arg)
{
	return *(const int64_t *)arg;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct dcd_err err;

	f->srv.base = event_base_new();
	f->now_ms = 1000000;
	f->srv.clock = (struct dcd_clock){ virtual_now, &f->now_ms };
	f->srv.events = events_open(NULL, &f->srv.clock, &err);
	f->srv.cfg.services[0] = "orcl";
	f->srv.cfg.n_services = 1;
	f->srv.cfg.max_packet_bytes = 65536;
	f->srv.cfg.max_version = 318;
	f->srv.cfg.inbound_connect_timeout_ms = 300000;
	f->srv.cfg.method = DCD_KEEPALIVE;
	bufferevent_pair_new(f->srv.base, 0, f->pair);
	bufferevent_enable(f->pair[1], EV_READ | EV_WRITE);
	f->s = session_new(&f->srv, f->pair[0], -1, "pair");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->srv.sessions)
		session_end(f->srv.sessions, END_SHUTDOWN, NULL);
	bufferevent_free(f->pair[1]);
	events_close(f->srv.events);
	event_base_free(f->srv.base);
	free(f);
	return 0;
}

/* Run the loop without waiting until nothing more happens (the pair's
 * deferred callbacks, the session's answers); the bytes the client has. */
static size_t pump(struct fixture *f)
{
	struct evbuffer *in = bufferevent_get_input(f->pair[1]);
	for (int i = 0; i < 16; i++)
		event_base_loop(f->srv.base, EVLOOP_NONBLOCK);
	return evbuffer_get_length(in);
}

/* A timer armed from libevent's cached time, read against a fresh clock:
 * on a loaded machine it can look a few ms later than asked. */
#define DUE_SLACK_MS 50

/* How long until `ev` fires, in ms; -1 if it is not armed. */
static int64_t due_in_ms(const struct event *ev)
{
	struct timeval at, now;

	if (ev == NULL || !evtimer_pending(ev, &at))
		return -1;
	evutil_gettimeofday(&now, NULL);
	return (int64_t)(at.tv_sec - now.tv_sec) * 1000 + (at.tv_usec - now.tv_usec) / 1000;
}

/* Let `ms` of virtual time pass, then fire `ev` as its timeout would. */
static size_t fire(struct fixture *f, struct event *ev, int64_t ms)
{
	f->now_ms += ms;
	evtimer_del(ev);
	event_active(ev, EV_TIMEOUT, 1);
	return pump(f);
}

static void client_send(struct fixture *f, const struct sbuf *b)
{
	bufferevent_write(f->pair[1], b->buf, b->len);
}

static void send_connect(struct fixture *f, const char *desc)
{
	struct sbuf b = { 0 };
	bool follows;

	tns_put_connect(&b, desc, &follows);
	if (follows)
		tns_put_data(&b, false, 0, desc, strlen(desc));
	client_send(f, &b);
	sbuf_free(&b);
}

static const char *const DESC =
        "(DESCRIPTION=(EXPIRE_TIME=7)(ENABLE=BROKEN)(ADDRESS=(HOST=h)(PORT=1))"
        "(CONNECT_DATA=(SERVICE_NAME=ORCL)))";

static void test_accept(void **state)
{
	struct fixture *f = *state;
	uint8_t b[64];

	send_connect(f, DESC);
	assert_true(pump(f) >= 45);
	evbuffer_remove(bufferevent_get_input(f->pair[1]), b, 45);
	assert_int_equal(b[4], TNS_ACCEPT);
	assert_int_equal(b[8] << 8 | b[9], 318);
	assert_int_equal(f->s->state, SESSION_OPEN);
	assert_true(f->s->large_sdu);
	assert_string_equal(f->s->service, "ORCL"); /* matched case-insensitively */
	assert_int_equal(f->s->client_expire_time_min, 7);
	assert_true(f->s->client_enable_broken);
	assert_int_equal(f->srv.counters.sessions_active, 1);
}

static void test_accept_long_descriptor(void **state)
{
	struct fixture *f = *state;
	struct sbuf d = { 0 };

	/* > 230 bytes: the descriptor follows the CONNECT in a DATA packet. */
	sbuf_printf(&d,
	            "(DESCRIPTION=(EXPIRE_TIME=3)(ADDRESS=(HOST=h)(PORT=1))(CONNECT_DATA=(SERVICE_"
	            "NAME=orcl)"
	            "(CID=(PROGRAM=%0200d))))",
	            0);
	send_connect(f, d.buf);
	assert_true(pump(f) >= 45);
	assert_int_equal(f->s->state, SESSION_OPEN);
	assert_int_equal(f->s->client_expire_time_min, 3);
	sbuf_free(&d);
}

static void test_old_server_version(void **state)
{
	struct fixture *f = *state;
	uint8_t b[32];

	f->srv.cfg.max_version = 314; /* an 11.2 server */
	send_connect(f, DESC);
	assert_true(pump(f) >= 32);
	evbuffer_remove(bufferevent_get_input(f->pair[1]), b, 32);
	assert_int_equal(b[0] << 8 | b[1], 32);
	assert_int_equal(b[8] << 8 | b[9], 314);
	assert_false(f->s->large_sdu);
}

static void test_refuse(void **state)
{
	struct fixture *f = *state;
	uint8_t b[128];
	size_t n;

	send_connect(f, "(DESCRIPTION=(ADDRESS=(HOST=h))(CONNECT_DATA=(SERVICE_NAME=nosuch)))");
	n = pump(f);
	assert_true(n > 12);
	evbuffer_remove(bufferevent_get_input(f->pair[1]), b, n);
	assert_int_equal(b[4], TNS_REFUSE);
	assert_non_null(memmem(b, n, "(ERR=12514)", 11));
	/* The session ends once the REFUSE is written. */
	pump(f);
	assert_null(f->srv.sessions);
	assert_int_equal(f->srv.counters.refused_total, 1);
	assert_int_equal(f->srv.counters.ends_total[END_REFUSED], 1);
}

static void test_refuse_sid(void **state)
{
	struct fixture *f = *state;
	uint8_t b[128];
	size_t n;

	send_connect(f, "(DESCRIPTION=(ADDRESS=(HOST=h))(CONNECT_DATA=(SID=nosid)))");
	n = pump(f);
	evbuffer_remove(bufferevent_get_input(f->pair[1]), b, n);
	assert_non_null(memmem(b, n, "(ERR=12505)", 11));
}

static void test_calls_and_disconnect(void **state)
{
	struct fixture *f = *state;
	struct evbuffer *in = bufferevent_get_input(f->pair[1]);
	struct sbuf b = { 0 };
	uint8_t r[64];

	send_connect(f, DESC);
	pump(f);
	evbuffer_drain(in, 45);
	/* Two calls in one write; large-SDU framing after ACCEPT. */
	tns_put_data(&b, true, 0, "hello", 5);
	tns_put_data(&b, true, 0, "dcdlab:sleep=30s", 16);
	client_send(f, &b);
	sbuf_free(&b);
	assert_int_equal(pump(f), 15); /* the first at once, the second not yet */
	evbuffer_remove(in, r, 15);
	assert_int_equal(r[3], 15);
	assert_memory_equal(r + 10, "hello", 5);
	int64_t due = due_in_ms(f->s->reply_timer); /* the answer after 30 s */
	if (due < 29000 || due > 30000 + DUE_SLACK_MS)
		fail_msg("the delayed answer is due in %lld ms, expected 30 s", (long long)due);
	assert_int_equal(fire(f, f->s->reply_timer, 30000), 26); /* header, flags, 16 bytes */
	evbuffer_drain(in, 26);
	assert_int_equal(f->s->calls, 2);
	/* MARKER break gets a reset marker back. */
	tns_put_marker(&b, true, 1, 1);
	client_send(f, &b);
	sbuf_reset(&b);
	assert_int_equal(pump(f), 11);
	evbuffer_remove(in, r, 11);
	assert_int_equal(r[4], TNS_MARKER);
	assert_int_equal(r[10], 2);
	/* DATA with EOF: the client disconnects. */
	tns_put_data(&b, true, TNS_DATA_FLAG_EOF, NULL, 0);
	client_send(f, &b);
	sbuf_free(&b);
	pump(f);
	assert_null(f->srv.sessions);
	assert_int_equal(f->srv.counters.ends_total[END_DISCONNECT], 1);
}

/* The far end's reports for dcdlab measure: the client's address as seen
 * here, and whether the session of a port is open, ended here (and why),
 * or unknown (a RST nobody here sent came from the path). */
static void test_far_end_reports(void **state)
{
	struct fixture *f = *state;
	struct evbuffer *in = bufferevent_get_input(f->pair[1]);
	struct bufferevent *pair2[2];
	char r[128];
	static const struct {
		const char *ask, *answer;
	} before[] = {
		{ "dcdlab:whoami", "dcdlab:you=pair" },
		{ "dcdlab:session=40001", "dcdlab:session=40001 open" },
		{ "dcdlab:session=40002", "dcdlab:session=40002 unknown" },
		{ "dcdlab:session=0", "dcdlab:session=? bad port" },
	}, after[] = {
		{ "dcdlab:session=40001", "dcdlab:session=40001 ended keepalive-timeout" },
		{ "dcdlab:whoamI", "dcdlab:whoamI" }, /* not a question: echoed */
	};

	bufferevent_pair_new(f->srv.base, 0, pair2);
	struct session *other = session_new(&f->srv, pair2[0], -1, "192.0.2.2:40001");
	send_connect(f, DESC);
	pump(f);
	evbuffer_drain(in, evbuffer_get_length(in));
	for (int round = 0; round < 2; round++) {
		size_t n = round ? sizeof(after) / sizeof(after[0])
		                 : sizeof(before) / sizeof(before[0]);
		for (size_t i = 0; i < n; i++) {
			const char *ask = round ? after[i].ask : before[i].ask;
			const char *want = round ? after[i].answer : before[i].answer;
			struct sbuf b = { 0 };
			tns_put_data(&b, true, 0, ask, strlen(ask));
			client_send(f, &b);
			sbuf_free(&b);
			size_t got = pump(f);
			assert_true(got > 10 && got - 10 < sizeof(r));
			evbuffer_drain(in, 10);
			evbuffer_remove(in, r, got - 10);
			r[got - 10] = '\0';
			assert_string_equal(r, want);
		}
		if (round == 0)
			session_end(other, END_KEEPALIVE_TIMEOUT, NULL);
	}
	bufferevent_free(pair2[1]);
}

static void test_ns_probes(void **state)
{
	struct fixture *f = *state;
	struct evbuffer *in = bufferevent_get_input(f->pair[1]);
	uint8_t r[10];

	f->srv.cfg.method = DCD_NS_PROBES;
	f->srv.cfg.ns_probe_interval_ms = 60000;
	send_connect(f, DESC);
	pump(f);
	evbuffer_drain(in, 45);
	int64_t due = due_in_ms(f->s->timer); /* a probe is due an interval after the ACCEPT */
	if (due < 59000 || due > 60000 + DUE_SLACK_MS)
		fail_msg("the first probe is due in %lld ms, expected 60 s", (long long)due);
	/* Fired early (30 s idle): no probe, the timer waits the rest. */
	assert_int_equal(fire(f, f->s->timer, 30000), 0);
	due = due_in_ms(f->s->timer);
	if (due < 29000 || due > 30000 + DUE_SLACK_MS)
		fail_msg("after 30 s idle the probe is due in %lld ms, expected 30 s",
		         (long long)due);
	assert_int_equal(fire(f, f->s->timer, 30000), 10); /* 60 s idle: a probe */
	assert_int_equal(fire(f, f->s->timer, 60000), 20); /* and every interval */
	evbuffer_remove(in, r, 10);
	assert_true(tns_is_dcd_probe(r, 10));
	assert_int_equal(f->s->ns_probes_sent, 2);
	assert_int_equal(f->srv.counters.ns_probes_sent_total, 2);
	/* The client's data resets the idle time: 30 s later, no probe. */
	struct sbuf b = { 0 };
	evbuffer_drain(in, 10);
	tns_put_data(&b, true, 0, "hello", 5);
	client_send(f, &b);
	sbuf_free(&b);
	f->now_ms += 30000;
	assert_int_equal(pump(f), 15); /* the answer to the call */
	evbuffer_drain(in, 15);
	assert_int_equal(fire(f, f->s->timer, 30000), 0);
	assert_int_equal(f->s->ns_probes_sent, 2);
}

static void test_inbound_timeout(void **state)
{
	struct fixture *f = *state;
	struct sbuf b = { 0 };
	bool follows;

	tns_put_connect(&b, DESC, &follows);
	b.len = 20; /* a truncated CONNECT, then silence */
	client_send(f, &b);
	sbuf_free(&b);
	pump(f);
	assert_non_null(f->srv.sessions);
	int64_t due = due_in_ms(f->s->timer); /* armed for the inbound connect timeout */
	if (due < 299000 || due > 300000 + DUE_SLACK_MS)
		fail_msg("the inbound timeout is due in %lld ms, expected 300 s", (long long)due);
	fire(f, f->s->timer, 300000);
	assert_null(f->srv.sessions);
	assert_int_equal(f->srv.counters.ends_total[END_CONNECT_TIMEOUT], 1);
}

static void test_protocol_errors(void **state)
{
	static const struct {
		const char *bytes;
		size_t n;
	} cases[] = {
		{ "GET / HTTP/1.0\r\n\r\n", 18 },
		{ "\x00\x00\x00\x00\x01\x00\x00\x00", 8 },
		{ "\x00\x0e\x00\x00\x06\x00\x00\x00\x00\x00"
		  "ABCD",
		  14 },
		{ "\x00\x08\x00\x00\x0d\x00\x00\x00", 8 }, /* ATTENTION before CONNECT */
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (f->srv.sessions == NULL) {
			bufferevent_free(f->pair[1]);
			bufferevent_pair_new(f->srv.base, 0, f->pair);
			bufferevent_enable(f->pair[1], EV_READ | EV_WRITE);
			f->s = session_new(&f->srv, f->pair[0], -1, "pair");
		}
		bufferevent_write(f->pair[1], cases[i].bytes, cases[i].n);
		pump(f);
		if (f->srv.sessions != NULL)
			fail_msg("case %zu: session still open", i);
	}
	assert_int_equal(f->srv.counters.ends_total[END_PROTOCOL_ERROR], 4);
	assert_int_equal(f->srv.counters.protocol_errors_total, 4);
}

static void test_metrics(void **state)
{
	struct fixture *f = *state;
	struct sbuf m = { 0 };

	f->srv.counters.ends_total[END_KEEPALIVE_TIMEOUT] = 3;
	metrics_format(&f->srv, &m);
	assert_non_null(strstr(m.buf, "dcdlab_sessions_active 1\n"));
	assert_non_null(strstr(m.buf, "dcdlab_dead_peers_total{cause=\"keepalive-timeout\"} 3\n"));
	assert_non_null(strstr(m.buf, "# TYPE dcdlab_sessions_total counter\n"));
	sbuf_free(&m);
}

/* ---- the database's own ends (model/dbend.h) ---- */

/* Send a call from `client` (the pair's far end) and pump. */
static void call_on(struct fixture *f, struct bufferevent *client, const char *payload)
{
	struct sbuf b = { 0 };

	tns_put_data(&b, true, 0, payload, strlen(payload));
	bufferevent_write(client, b.buf, b.len);
	sbuf_free(&b);
	pump(f);
}

/* The next answer's payload as text ("" when none came). */
static const char *answer(struct bufferevent *client, char *buf, size_t size)
{
	struct evbuffer *in = bufferevent_get_input(client);
	size_t n = evbuffer_get_length(in);

	buf[0] = '\0';
	if (n <= 10 || n - 10 >= size)
		return buf;
	evbuffer_drain(in, 10);
	evbuffer_remove(in, buf, n - 10);
	buf[n - 10] = '\0';
	return buf;
}

static void open_session(struct fixture *f)
{
	send_connect(f, DESC);
	pump(f);
	evbuffer_drain(bufferevent_get_input(f->pair[1]), 45);
	assert_int_equal(f->s->state, SESSION_OPEN);
}

static void test_kill_idle(void **state)
{
	struct fixture *f = *state;
	char r[128];

	open_session(f);
	call_on(f, f->pair[1], "dcdlab:call=1");
	assert_string_equal(answer(f->pair[1], r, sizeof(r)), "dcdlab:call=1");
	assert_int_equal(session_status(f->s), DB_INACTIVE);
	session_kill(f->s, false);
	pump(f);
	/* Idle: nothing reaches the client until it calls. */
	assert_string_equal(answer(f->pair[1], r, sizeof(r)), "");
	assert_int_equal(session_status(f->s), DB_KILLED);
	f->now_ms += 5000;
	call_on(f, f->pair[1], "dcdlab:call=2");
	assert_string_equal(answer(f->pair[1], r, sizeof(r)),
	                    "ORA-00028: your session has been killed\n");
	pump(f);
	assert_null(f->srv.sessions);
	assert_int_equal(f->srv.counters.ends_total[END_KILLED], 1);
}

static void test_kill_in_call(void **state)
{
	struct fixture *f = *state;
	char r[128];

	open_session(f);
	call_on(f, f->pair[1], "dcdlab:sleep=30s");
	assert_int_equal(session_status(f->s), DB_ACTIVE);
	session_kill(f->s, false);
	pump(f);
	/* The call is interrupted at once. */
	assert_string_equal(answer(f->pair[1], r, sizeof(r)),
	                    "ORA-00028: your session has been killed\n");
	pump(f);
	assert_null(f->srv.sessions);
	assert_int_equal(f->srv.counters.ends_total[END_KILLED], 1);
}

static void test_kill_immediate_and_gone(void **state)
{
	struct fixture *f = *state;
	struct bufferevent *pair2[2];

	open_session(f);
	session_kill(f->s, true); /* idle, IMMEDIATE: the process ends at once */
	pump(f);
	assert_null(f->srv.sessions);
	assert_int_equal(f->srv.counters.ends_total[END_KILLED_IMMEDIATE], 1);
	/* KILLED, then the client goes (here: DCD finds it dead). */
	bufferevent_pair_new(f->srv.base, 0, pair2);
	bufferevent_enable(pair2[1], EV_READ | EV_WRITE);
	struct session *s2 = session_new(&f->srv, pair2[0], -1, "pair2");
	struct sbuf b = { 0 };
	bool follows;
	tns_put_connect(&b, DESC, &follows);
	if (follows)
		tns_put_data(&b, false, 0, DESC, strlen(DESC));
	bufferevent_write(pair2[1], b.buf, b.len);
	sbuf_free(&b);
	pump(f);
	assert_int_equal(s2->state, SESSION_OPEN);
	session_kill(s2, false);
	assert_int_equal(session_status(s2), DB_KILLED);
	session_end(s2, END_KEEPALIVE_TIMEOUT, NULL);
	assert_int_equal(f->srv.counters.ends_total[END_KILLED_GONE], 1);
	assert_int_equal(f->srv.counters.ends_total[END_KEEPALIVE_TIMEOUT], 0);
	bufferevent_free(pair2[1]);
}

static void test_max_idle_time(void **state)
{
	struct fixture *f = *state;
	char r[64];

	f->srv.cfg.limits.max_idle_ms = 60000;
	open_session(f);
	int64_t due = due_in_ms(f->s->limit_timer);
	if (due < 50000 || due > 60000 + DUE_SLACK_MS) /* real time passes too: a loaded machine */
		fail_msg("MAX_IDLE_TIME is due in %lld ms, expected 60 s", (long long)due);
	/* A call at 40 s starts the idle time again. */
	f->now_ms += 40000;
	call_on(f, f->pair[1], "dcdlab:call=1");
	answer(f->pair[1], r, sizeof(r));
	fire(f, f->s->limit_timer, 30000); /* 30 s idle: early, re-armed */
	assert_non_null(f->srv.sessions);
	due = due_in_ms(f->s->limit_timer);
	if (due < 20000 || due > 30000 + DUE_SLACK_MS)
		fail_msg("re-armed for %lld ms, expected 30 s", (long long)due);
	fire(f, f->s->limit_timer, 30000);
	assert_null(f->srv.sessions);
	assert_int_equal(f->srv.counters.ends_total[END_MAX_IDLE], 1);
}

static void test_idle_time_sniped(void **state)
{
	struct fixture *f = *state;
	char r[128];

	f->srv.cfg.limits.idle_time_ms = 10000;
	f->srv.cfg.limits.max_idle_ms = 20000; /* acts no more once SNIPED */
	open_session(f);
	fire(f, f->s->limit_timer, 10000);
	assert_int_equal(session_status(f->s), DB_SNIPED);
	assert_int_equal(due_in_ms(f->s->limit_timer), -1);
	call_on(f, f->pair[1], "dcdlab:call=1");
	assert_string_equal(answer(f->pair[1], r, sizeof(r)),
	                    "ORA-02396: exceeded maximum idle time, please connect again\n");
	pump(f);
	assert_int_equal(f->srv.counters.ends_total[END_SNIPED], 1);
}

static void test_sniped_then_gone(void **state)
{
	struct fixture *f = *state;

	f->srv.cfg.limits.idle_time_ms = 10000;
	open_session(f);
	fire(f, f->s->limit_timer, 10000);
	session_end(f->s, END_EOF, NULL); /* the client closed (its FIN) */
	assert_int_equal(f->srv.counters.ends_total[END_SNIPED_GONE], 1);
}

/* MAX_IDLE_BLOCKER_TIME ends only an idle session another waits for;
 * the waiter then gets the lock and its answer. */
static void test_idle_blocker(void **state)
{
	struct fixture *f = *state;
	struct bufferevent *p2[2];
	char r[64];

	f->srv.cfg.limits.max_idle_blocker_ms = 30000;
	open_session(f);
	call_on(f, f->pair[1], "dcdlab:lock=t");
	assert_string_equal(answer(f->pair[1], r, sizeof(r)), "dcdlab:lock=t");
	assert_int_equal(due_in_ms(f->s->limit_timer), -1); /* holds, blocks nobody */
	bufferevent_pair_new(f->srv.base, 0, p2);
	bufferevent_enable(p2[1], EV_READ | EV_WRITE);
	struct session *waiter = session_new(&f->srv, p2[0], -1, "waiter");
	struct sbuf b = { 0 };
	bool follows;
	tns_put_connect(&b, DESC, &follows);
	if (follows)
		tns_put_data(&b, false, 0, DESC, strlen(DESC));
	bufferevent_write(p2[1], b.buf, b.len);
	sbuf_free(&b);
	pump(f);
	evbuffer_drain(bufferevent_get_input(p2[1]), 45);
	f->now_ms += 10000;
	call_on(f, p2[1], "dcdlab:lock=t");
	assert_string_equal(answer(p2[1], r, sizeof(r)), ""); /* waits */
	assert_int_equal(session_status(waiter), DB_ACTIVE);
	int64_t due = due_in_ms(f->s->limit_timer);    /* idle 10 s of 30 */
	if (due < 10000 || due > 20000 + DUE_SLACK_MS) /* not 30 s: the 10 s idle before counts */
		fail_msg("the blocker's limit is due in %lld ms, expected 20 s", (long long)due);
	fire(f, f->s->limit_timer, 20000);
	assert_int_equal(f->srv.counters.ends_total[END_MAX_IDLE_BLOCKER], 1);
	assert_string_equal(answer(p2[1], r, sizeof(r)), "dcdlab:lock=t");
	assert_int_equal(session_status(waiter), DB_INACTIVE);
	assert_string_equal(waiter->lock, "t");
	f->s = waiter;
	session_end(waiter, END_SHUTDOWN, NULL);
	bufferevent_free(p2[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_accept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accept_long_descriptor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_server_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_sid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calls_and_disconnect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_far_end_reports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ns_probes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protocol_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_metrics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_idle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_in_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_immediate_and_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_idle_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_time_sniped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sniped_then_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_blocker, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
