/* test_session.c - the listener's TNS session logic over bufferevent pairs
 * (no sockets, no kernel): CONNECT -> ACCEPT / REFUSE, calls, NS probes,
 * inbound connect timeout, protocol errors. */
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
	struct server srv;
	struct bufferevent *pair[2]; /* [0] server side, [1] our client */
	struct session *s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct dcd_err err;

	f->srv.base = event_base_new();
	f->srv.clock = clock_monotonic;
	f->srv.events = events_open(NULL, &f->srv.clock, &err);
	f->srv.cfg.services[0] = "orcl";
	f->srv.cfg.n_services = 1;
	f->srv.cfg.max_packet_bytes = 65536;
	f->srv.cfg.max_version = 318;
	f->srv.cfg.inbound_connect_timeout_ms = 300;
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

/* Run the loop until `n` bytes reached the client or ms passed. */
static size_t run_until(struct fixture *f, size_t n, int ms)
{
	struct evbuffer *in = bufferevent_get_input(f->pair[1]);
	int64_t deadline = clock_now_ms(&clock_monotonic) + ms;

	while (evbuffer_get_length(in) < n && clock_now_ms(&clock_monotonic) < deadline) {
		struct timeval tv = { 0, 1000 };
		event_base_loopexit(f->srv.base, &tv);
		event_base_dispatch(f->srv.base);
	}
	return evbuffer_get_length(in);
}

static void run_ms(struct fixture *f, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	event_base_loopexit(f->srv.base, &tv);
	event_base_dispatch(f->srv.base);
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
	assert_true(run_until(f, 45, 500) >= 45);
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
	assert_true(run_until(f, 45, 500) >= 45);
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
	assert_true(run_until(f, 32, 500) >= 32);
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
	n = run_until(f, 90, 500);
	assert_true(n > 12);
	evbuffer_remove(bufferevent_get_input(f->pair[1]), b, n);
	assert_int_equal(b[4], TNS_REFUSE);
	assert_non_null(memmem(b, n, "(ERR=12514)", 11));
	/* The session ends once the REFUSE is written. */
	run_ms(f, 20);
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
	n = run_until(f, 90, 500);
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
	run_until(f, 45, 500);
	evbuffer_drain(in, 45);
	/* Two calls in one write; large-SDU framing after ACCEPT. */
	tns_put_data(&b, true, 0, "hello", 5);
	tns_put_data(&b, true, 0, "dcdlab:sleep=50ms", 17);
	client_send(f, &b);
	sbuf_free(&b);
	assert_int_equal(run_until(f, 15, 20), 15); /* the first at once */
	evbuffer_remove(in, r, 15);
	assert_int_equal(r[3], 15);
	assert_memory_equal(r + 10, "hello", 5);
	assert_true(run_until(f, 27, 20) < 27);      /* not yet */
	assert_int_equal(run_until(f, 27, 500), 27); /* after 50 ms */
	evbuffer_drain(in, 27);
	assert_int_equal(f->s->calls, 2);
	/* MARKER break gets a reset marker back. */
	tns_put_marker(&b, true, 1, 1);
	client_send(f, &b);
	sbuf_reset(&b);
	assert_int_equal(run_until(f, 11, 500), 11);
	evbuffer_remove(in, r, 11);
	assert_int_equal(r[4], TNS_MARKER);
	assert_int_equal(r[10], 2);
	/* DATA with EOF: the client disconnects. */
	tns_put_data(&b, true, TNS_DATA_FLAG_EOF, NULL, 0);
	client_send(f, &b);
	sbuf_free(&b);
	run_ms(f, 20);
	assert_null(f->srv.sessions);
	assert_int_equal(f->srv.counters.ends_total[END_DISCONNECT], 1);
}

static void test_ns_probes(void **state)
{
	struct fixture *f = *state;
	struct evbuffer *in = bufferevent_get_input(f->pair[1]);
	uint8_t r[10];

	f->srv.cfg.method = DCD_NS_PROBES;
	f->srv.cfg.ns_probe_interval_ms = 60;
	send_connect(f, DESC);
	run_until(f, 45, 500);
	evbuffer_drain(in, 45);
	assert_int_equal(run_until(f, 10, 30), 0);   /* not before the interval */
	assert_int_equal(run_until(f, 20, 500), 20); /* two probes */
	evbuffer_remove(in, r, 10);
	assert_true(tns_is_dcd_probe(r, 10));
	assert_int_equal(f->s->ns_probes_sent, 2);
	assert_int_equal(f->srv.counters.ns_probes_sent_total, 2);
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
	run_ms(f, 100);
	assert_non_null(f->srv.sessions);
	run_ms(f, 300);
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
		run_ms(f, 20);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_accept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accept_long_descriptor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_server_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_sid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calls_and_disconnect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ns_probes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protocol_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_metrics, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
