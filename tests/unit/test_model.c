/* test_model.c - the simulator's session model: the kernel behaviours of
 * DOMAIN.md §3 in virtual time (the fidelity test holds the same model to
 * the real kernel; these pin each rule down on its own). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../sim/virtual/model.h"

struct run {
	struct scenario s;
	struct plan plan;
	struct sim_params p;
	struct lab_session o;
	struct sim_extra x;
};

static struct run *simulate(const char *text)
{
	struct run *r = calloc(1, sizeof(*r));
	struct dcd_err err = { "" };

	assert_non_null(r);
	if (scenario_parse(&r->s, "t.scn", text, &err) != 0 ||
	    plan_parse(&r->plan, r->s.plan, &err) != 0 ||
	    sim_params_from_scenario(&r->p, &r->s, &r->plan, &err) != 0)
		fail_msg("%s", err.msg);
	sim_session(&r->p, &r->o, &r->x, NULL, "");
	return r;
}

/* Detection = KEEPIDLE + KEEPINTVL * KEEPCNT after the last received packet. */
static void test_keepalive_dead_peer(void **state)
{
	struct run *r =
	        simulate("server keepalive 2/1/3\nfirewall none\nclient plan call, idle 30s\n"
	                 "fault client-crash at 1s\nexpect session survives\n");
	(void)state;
	assert_true(r->o.server_ended);
	assert_int_equal(r->o.server_cause, END_KEEPALIVE_TIMEOUT);
	assert_true(r->o.server_dead_peer);
	assert_true(r->o.server_since_last_packet_s >= 5.0);
	assert_true(r->o.server_since_last_packet_s <= 5.1);
	assert_int_equal(r->x.probes, 3);
	free(r);
}

/* Answered probes come every KEEPIDLE, and keep a shorter firewall open. */
static void test_answered_probes(void **state)
{
	struct run *r =
	        simulate("server keepalive 2/1/3\nfirewall conntrack idle 3s\n"
	                 "client plan call, idle 9s, call, close\nexpect session survives\n");
	(void)state;
	assert_int_equal(r->x.probes, 4); /* at ~2, 4, 6, 8 s */
	assert_false(r->x.fw_expired);
	assert_true(r->o.calls[1].ok);
	assert_int_equal(r->o.server_cause, END_DISCONNECT);
	assert_int_equal(r->o.client_exit, 0);
	free(r);
}

/* No keepalive while data is unacknowledged: the retransmission timer
 * rules, and with tcp_retries2=15 it takes ~924.6 s (TCP_RTO_MIN 200 ms
 * doubling to 120 s). */
static void test_no_probes_while_unacked(void **state)
{
	struct run *r = simulate("server keepalive 2/1/3\nfirewall none\nclient plan call 5s\n"
	                         "fault link-cut at 4500ms\nduration 2000s\n"
	                         "expect session survives\n");
	(void)state;
	/* without data in flight the keepalive would have ended it at ~9 s */
	assert_int_equal(r->o.server_cause, END_RETRANS_TIMEOUT);
	/* the answer went out at 5 s; no probes after that */
	double after = (double)r->o.server_end_ms / 1000 - 5.0;
	assert_true(after >= 924.6);
	assert_true(after <= 924.6 + 120 + 1);
	assert_int_equal(r->x.probes, 2); /* at ~2 and 4 s, answered */
	free(r);
}

/* tcp_retries2=2: the kernel gives up at the RTO firing where 1.4 s have
 * passed since the first RTO retransmission (3.36 s after the first send). */
static void test_retries2(void **state)
{
	struct run *r = simulate("server tcp_retries2 2\nfirewall conntrack idle 1s\n"
	                         "client plan call 5s\nclient call_timeout 20s\n"
	                         "expect session survives\n");
	(void)state;
	assert_int_equal(r->o.server_cause, END_RETRANS_TIMEOUT);
	double after = (double)r->o.server_end_ms / 1000 - 5.0;
	assert_true(after > 3.2 && after < 3.5);
	assert_false(r->o.calls[0].ok);
	assert_int_equal(r->o.calls[0].ora, 3135);
	free(r);
}

/* TCP_USER_TIMEOUT replaces KEEPCNT: dead once that long has passed
 * since the last packet with a probe out. */
static void test_user_timeout(void **state)
{
	struct run *r = simulate("server keepalive 2/1/10\nserver user_timeout 4s\nfirewall none\n"
	                         "client plan call, idle 60s\nfault client-crash at 500ms\n"
	                         "expect session survives\n");
	(void)state;
	assert_int_equal(r->o.server_cause, END_USER_TIMEOUT);
	assert_true(r->o.server_since_last_packet_s >= 4.0);
	assert_true(r->o.server_since_last_packet_s < 4.2);
	free(r);
}

/* The firewall's three ways to end an idle flow. */
static void test_expiry(void **state)
{
	(void)state;
	struct run *r = simulate("firewall conntrack idle 3s expiry rst-both\n"
	                         "client plan call, idle 5s, call\nexpect session survives\n");
	assert_int_equal(r->o.server_cause, END_RST);
	assert_true(r->o.server_end_ms >= 3000 && r->o.server_end_ms < 3100);
	assert_int_equal(r->o.calls[1].ora, 3113);
	free(r);
	r = simulate("firewall conntrack idle 3s expiry rst-next\n"
	             "client plan call, idle 5s, call\nexpect session survives\n");
	assert_false(r->o.server_ended);
	assert_int_equal(r->o.calls[1].ora, 3113);
	assert_int_equal(r->o.calls[1].t_ms, 5000);
	free(r);
	r = simulate("firewall conntrack idle 3s\nclient plan call, idle 5s, call\n"
	             "client tcp_retries2 2\nexpect session survives\n");
	assert_false(r->o.server_ended);
	assert_int_equal(r->o.calls[1].ora, 3135);
	free(r);
	/* keepalives ignored: probes pass but do not refresh the entry */
	r = simulate("server keepalive 2/1/3\nfirewall conntrack idle 3s keepalives ignored\n"
	             "client plan call, idle 9s, call\nexpect session survives\n");
	assert_true(r->x.fw_expired);
	assert_int_equal(r->o.server_cause, END_KEEPALIVE_TIMEOUT);
	free(r);
}

/* A session keeps calling past the calls a run records (it used to stop
 * at the 64th, so a long-lived session could never fail: sim --sessions
 * overstated survival behind a firewall). */
static void test_calls_past_the_record(void **state)
{
	(void)state;
	struct run *r = simulate("firewall conntrack idle 3s expiry rst-next\n"
	                         "client plan 70*call, idle 5s, call\nexpect session survives\n");
	assert_int_equal(r->x.calls_made, 71);
	assert_int_equal(r->o.n_calls, LAB_MAX_CALLS);
	assert_true(r->x.first_failure_ms >= 5000);
	assert_int_equal(r->x.first_failure_ora, 3113);
	for (int k = 0; k < LAB_MAX_CALLS; k++)
		assert_true(r->o.calls[k].ok);
	free(r);
}

/* The client's DCD comes from its connect string and release, as dcdlab
 * connect sets its socket (model/profile.c dcd_socket_keepalive), then the
 * lab's scaling. */
static void test_client_dcd_from_descriptor(void **state)
{
	static const struct {
		const char *client;
		int64_t idle_ms, intvl_ms;
		int cnt;
	} cases[] = {
		{ "client connect "
		  "(DESCRIPTION=(EXPIRE_TIME=1)(ADDRESS=(HOST=198.51.100.2)(PORT=1521))"
		  "(CONNECT_DATA=(SERVICE_NAME=orcl)))\n",
		  60000, 6000, 10 },
		{ "client connect 198.51.100.2:1521/orcl?expire_time=2\n", 120000, 6000, 10 },
		{ "client connect "
		  "(DESCRIPTION=(EXPIRE_TIME=1)(ADDRESS=(HOST=198.51.100.2)(PORT=1521))"
		  "(CONNECT_DATA=(SERVICE_NAME=orcl)))\nclient release 18c\n",
		  0, 0, 0 }, /* ignored before 19c */
		{ "client connect "
		  "(DESCRIPTION=(ENABLE=BROKEN)(ADDRESS=(HOST=198.51.100.2)(PORT=1521))"
		  "(CONNECT_DATA=(SERVICE_NAME=orcl)))\n",
		  7200000, 75000, 9 }, /* the OS defaults */
		{ "client connect 198.51.100.2:1521/orcl\n", 0, 0, 0 },
		{ "client connect 198.51.100.2:1521/orcl?expire_time=2\nclient keepalive 2/1/3\n",
		  2000, 1000, 3 }, /* lab-scaled */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[600];
		snprintf(text, sizeof(text), "%sclient plan call\nexpect session survives\n",
		         cases[i].client);
		struct run *r = simulate(text);
		if (r->p.client.keepidle_ms != cases[i].idle_ms ||
		    r->p.client.keepintvl_ms != cases[i].intvl_ms ||
		    r->p.client.keepcnt != cases[i].cnt)
			fail_msg("case %zu: %lld/%lld/%d", i, (long long)r->p.client.keepidle_ms,
			         (long long)r->p.client.keepintvl_ms, r->p.client.keepcnt);
		free(r);
	}
}

/* Legacy DCD: NS probes are data; a dead client is found by the
 * retransmission timeout, not by keepalive. */
static void test_ns_probes(void **state)
{
	struct run *r =
	        simulate("server release 11.2\nserver expire_time 1\nserver ns-probes every 1s\n"
	                 "server tcp_retries2 2\nfirewall none\nclient plan call, idle 30s\n"
	                 "fault client-crash at 500ms\nexpect session survives\n");
	(void)state;
	assert_int_equal(r->p.server.keepidle_ms, 0);
	assert_int_equal(r->p.ns_interval_ms, 1000);
	assert_int_equal(r->o.server_cause, END_RETRANS_TIMEOUT);
	assert_true(r->o.server_end_ms > 4000 && r->o.server_end_ms < 4600);
	free(r);
}

/* 12c+ with EXPIRE_TIME=10: keepalive 600/6/10, Oracle's constants. */
static void test_profile(void **state)
{
	struct run *r = simulate("server expire_time 10\nfirewall none\nclient plan call\n"
	                         "expect session survives\n");
	(void)state;
	assert_int_equal(r->p.server.keepidle_ms, 600000);
	assert_int_equal(r->p.server.keepintvl_ms, 6000);
	assert_int_equal(r->p.server.keepcnt, 10);
	assert_int_equal(r->p.server.retries2, 15);
	free(r);
}

static void test_deterministic(void **state)
{
	const char *t = "server keepalive 2/1/3\nfirewall conntrack idle 3s expiry rst-next\n"
	                "client plan call, idle 4s, call 3s, idle 7s, call\n"
	                "fault link-cut at 1s restore 2500ms\nexpect session survives\n";
	struct run *a = simulate(t), *b = simulate(t);
	(void)state;
	assert_memory_equal(&a->o, &b->o, sizeof(a->o));
	assert_memory_equal(&a->x, &b->x, sizeof(a->x));
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keepalive_dead_peer),
		cmocka_unit_test(test_answered_probes),
		cmocka_unit_test(test_no_probes_while_unacked),
		cmocka_unit_test(test_retries2),
		cmocka_unit_test(test_user_timeout),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_calls_past_the_record),
		cmocka_unit_test(test_client_dcd_from_descriptor),
		cmocka_unit_test(test_ns_probes),
		cmocka_unit_test(test_profile),
		cmocka_unit_test(test_deterministic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
