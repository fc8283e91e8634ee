/* test_measure.c - dcdlab measure's plan (model/measure.c) against modelled
 * paths in virtual time (sim/virtual/measure_model.c): the bracket holds
 * the true timeout and is as narrow as asked, it comes in about one
 * timeout, never with more connections than allowed; the expiry kind and
 * the keepalive verdict are the path's; no expiry, a far end that is not
 * there. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../sim/virtual/measure_model.h"

static const struct measure_cfg defaults = {
	.min_ms = 5000,
	.max_ms = 8 * 3600 * 1000LL,
	.max_conns = 64,
	.keepalive_test = true,
	.check_ms = 1000,
	.slack_ms = 10000,
};

/* Every kind of expiry, keepalives counted or not, the timeouts the issue
 * names: T inside the bracket, the bracket within the precision (1 % or
 * 1 s), the kind and the keepalive verdict right, at most 64 connections. */
static void test_kinds(void **state)
{
	static const int64_t timeouts_s[] = { 20, 240, 350, 3600 };
	(void)state;
	for (size_t i = 0; i < sizeof(timeouts_s) / sizeof(timeouts_s[0]); i++)
		for (int k = M_EXPIRY_SILENT; k < M_EXPIRY_COUNT; k++)
			for (int counted = 0; counted < 2; counted++) {
				struct vpath p = { timeouts_s[i] * 1000, (enum m_expiry)k, counted,
					           2, 40 };
				struct measure_result r;
				int64_t t;
				measure_simulate(&defaults, &p, &r, &t);
				int64_t T = p.idle_timeout_ms;
				if (!r.done || !(r.lo_ms < T && T <= r.hi_ms + p.expiry_late_ms) ||
				    r.hi_ms - r.lo_ms > r.precision_ms || r.max_open > 64 ||
				    r.expiry != (enum m_expiry)k ||
				    (k != M_EXPIRY_PEER_CLOSE && r.keepalives != counted))
					fail_msg("T=%llds %s keepalives %s: [%.3f, %.3f] s done "
					         "%d, %u "
					         "at once, expiry %s, keepalives %d",
					         (long long)timeouts_s[i], m_expiry_name(k),
					         counted ? "counted" : "ignored", r.lo_ms / 1000.0,
					         r.hi_ms / 1000.0, r.done, r.max_open,
					         m_expiry_name(r.expiry), r.keepalives);
			}
}

/* The targets: within 3 % of T in 1.1 T + 10 s, within +-1 s in
 * 2.2 T + 10 s (the sequential bisection needs 13 T and more). */
static void test_speed(void **state)
{
	static const int64_t timeouts_s[] = { 20, 240, 350, 3600 };
	struct measure_cfg cfg = defaults;

	(void)state;
	cfg.precision_ms = 600; /* 3 % of 20 s */
	for (size_t i = 0; i < sizeof(timeouts_s) / sizeof(timeouts_s[0]); i++)
		for (int k = M_EXPIRY_SILENT; k <= M_EXPIRY_RST_BOTH; k++) {
			struct vpath p = { timeouts_s[i] * 1000, (enum m_expiry)k, false, 2, 40 };
			struct measure_result r, b;
			int64_t t, tb, T = p.idle_timeout_ms;
			measure_simulate(&cfg, &p, &r, &t);
			bisect_simulate(&cfg, &p, &b, &tb);
			printf("# T=%llds %s: within 3%% at %.2f T, +-1 s at %.2f T; bisection "
			       "%.1f T\n",
			       (long long)timeouts_s[i], m_expiry_name(k),
			       (double)r.within_3pct_ms / (double)T,
			       (double)r.within_1s_ms / (double)T, (double)tb / (double)T);
			assert_true(r.within_3pct_ms >= 0 &&
			            r.within_3pct_ms <= T * 11 / 10 + 10000);
			assert_true(r.within_1s_ms >= 0 && r.within_1s_ms <= T * 22 / 10 + 10000);
			assert_true(tb > 3 * t);
		}
}

/* A path that never forgets: no expiry up to --max, after the ladder's
 * last check at --max. */
static void test_no_expiry(void **state)
{
	struct measure_cfg cfg = defaults;
	struct vpath p = { 0, M_EXPIRY_NONE, false, 2, 0 };
	struct measure_result r;
	int64_t t;

	(void)state;
	cfg.max_ms = 120000;
	measure_simulate(&cfg, &p, &r, &t);
	assert_true(r.done);
	assert_int_equal(r.expiry, M_EXPIRY_NONE);
	assert_true(r.hi_ms == INT64_MAX && r.lo_ms == 120000);
	assert_true(t >= 120000 && t <= 120000 * 11 / 10 + 10000);
}

/* Nonsense is refused with the reason; a far end that never answers ends
 * the plan after three failed opens. */
static void test_bad_config_and_gone(void **state)
{
	static struct measure m;
	struct measure_cfg cfg = defaults;
	struct m_action a[64];
	char why[128];

	(void)state;
	cfg.min_ms = 60000, cfg.max_ms = 30000;
	assert_int_equal(measure_init(&m, &cfg, 0, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "--min < --max"));
	cfg = defaults;
	cfg.max_conns = 3;
	assert_int_equal(measure_init(&m, &cfg, 0, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "--connections"));
	cfg = defaults;
	assert_int_equal(measure_init(&m, &cfg, 0, why, sizeof(why)), 0);
	for (int round = 0; round < 5 && !measure_done(&m); round++) {
		int n = measure_actions(&m, 10000 * round, a, 64);
		for (int i = 0; i < n; i++)
			if (a[i].kind == M_OPEN)
				measure_open_failed(&m, a[i].conn);
	}
	assert_true(measure_done(&m));
	assert_true(m.gave_up);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_speed),
		cmocka_unit_test(test_no_expiry),
		cmocka_unit_test(test_bad_config_and_gone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
