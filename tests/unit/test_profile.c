/* test_profile.c - from configuration and release to DCD behaviour. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../model/profile.h"

static struct oracle_release rel(const char *s)
{
	struct oracle_release r;
	struct dcd_err err;

	if (release_parse(s, &r, &err) != 0)
		fail_msg("%s", err.msg);
	return r;
}

static void test_release_parse(void **state)
{
	static const struct {
		const char *text;
		int major, minor;
	} ok[] = {
		{ "11.2", 11, 2 }, { "11.2.0.4", 11, 2 }, { "11g", 11, 2 }, { "12c", 12, 1 },
		{ "12.2", 12, 2 }, { "18c", 18, 0 },      { "19c", 19, 0 }, { "19.22", 19, 22 },
		{ "23ai", 23, 0 }, { "21C", 21, 0 },
	};
	static const char *const bad[] = { "",       "19x",
		                           "c19",    "nineteen",
		                           "19..1",  "7.3",
		                           "19.100", "12.1.0.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0" };
	struct dcd_err err;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct oracle_release r = rel(ok[i].text);
		if (r.major != ok[i].major || r.minor != ok[i].minor)
			fail_msg("%s -> %d.%d", ok[i].text, r.major, r.minor);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct oracle_release r;
		if (release_parse(bad[i], &r, &err) == 0)
			fail_msg("\"%s\" parsed as %d.%d", bad[i], r.major, r.minor);
		assert_non_null(strstr(err.msg, "expected 11.2, 12.1"));
	}
	assert_true(release_cmp(rel("11.2"), rel("12.1")) < 0);
	assert_true(release_cmp(rel("19c"), rel("12.2")) > 0);
	assert_int_equal(release_cmp(rel("19.0"), rel("19c")), 0);
}

/* Named as Oracle names them; each name parses back to its release. */
static void test_release_name(void **state)
{
	static const struct {
		const char *text, *name;
	} cases[] = { { "11g", "11.2" }, { "12c", "12.1" },  { "12.2.0.1", "12.2" },
		      { "18c", "18c" },  { "19.22", "19c" }, { "21c", "21c" },
		      { "23ai", "23ai" } };
	char buf[16];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct oracle_release r = rel(cases[i].text);
		assert_string_equal(release_name(r, buf, sizeof(buf)), cases[i].name);
		assert_int_equal(release_cmp(rel(buf),
		                             (struct oracle_release){
		                                     r.major, r.major >= 18 ? 0 : r.minor }),
		                 0);
	}
}

static struct sqlnet_config sq(int expire, int ns_probes)
{
	struct sqlnet_config c;

	sqlnet_init(&c);
	c.expire_time_min = expire;
	c.use_ns_probes_for_dcd = ns_probes;
	return c;
}

/* DOMAIN.md §1: the server side by release and settings. */
static void test_server_side(void **state)
{
	static const struct {
		int expire, ns_probes;
		const char *release;
		enum dcd_method method;
		int idle_s, intvl_s, cnt, probe_s;
		int64_t detect_ms;
	} cases[] = {
		{ 10, -1, "19c", DCD_KEEPALIVE, 600, 6, 10, 0, 660000 },
		{ 10, -1, "12.1", DCD_KEEPALIVE, 600, 6, 10, 0, 660000 },
		{ 1, -1, "23ai", DCD_KEEPALIVE, 60, 6, 10, 0, 120000 },
		{ 10, -1, "11.2", DCD_NS_PROBES, 0, 0, 0, 600, 600000 + 924600 },
		{ 10, 1, "19c", DCD_NS_PROBES, 0, 0, 0, 600, 600000 + 924600 },
		{ 10, 0, "19c", DCD_KEEPALIVE, 600, 6, 10, 0, 660000 },
		{ 0, -1, "19c", DCD_NONE, 0, 0, 0, 0, -1 },
		{ -1, -1, "11.2", DCD_NONE, 0, 0, 0, 0, -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sqlnet_config c = sq(cases[i].expire, cases[i].ns_probes);
		struct dcd_profile p;
		dcd_profile_compute(&p, &c, NULL, rel(cases[i].release), rel("19c"),
		                    &os_tcp_linux_default);
		if (p.server.method != cases[i].method || p.server.detect_ms != cases[i].detect_ms)
			fail_msg("case %zu: %s detect %lld ms (%s)", i,
			         dcd_method_name(p.server.method), (long long)p.server.detect_ms,
			         p.server.why);
		if (cases[i].method == DCD_KEEPALIVE &&
		    (p.server.keepalive.idle_s != cases[i].idle_s ||
		     p.server.keepalive.intvl_s != cases[i].intvl_s ||
		     p.server.keepalive.cnt != cases[i].cnt))
			fail_msg("case %zu: keepalive %d/%d/%d", i, p.server.keepalive.idle_s,
			         p.server.keepalive.intvl_s, p.server.keepalive.cnt);
		if (cases[i].method == DCD_NS_PROBES &&
		    p.server.ns_probe_interval_s != cases[i].probe_s)
			fail_msg("case %zu: probe every %d s", i, p.server.ns_probe_interval_s);
	}
}

static void test_client_side(void **state)
{
	struct dcd_descriptor d;
	struct dcd_err err;
	struct dcd_profile p;

	(void)state;
	assert_int_equal(
	        descriptor_parse(&d, "(DESCRIPTION=(EXPIRE_TIME=2)(ADDRESS=(HOST=h)))", &err), 0);
	dcd_profile_compute(&p, NULL, &d, rel("19c"), rel("19c"), &os_tcp_linux_default);
	assert_int_equal(p.client.method, DCD_KEEPALIVE);
	assert_int_equal(p.client.keepalive.idle_s, 120);
	assert_int_equal(p.client.detect_ms, 180000);
	/* A 12.2 client ignores EXPIRE_TIME in the descriptor. */
	dcd_profile_compute(&p, NULL, &d, rel("19c"), rel("12.2"), &os_tcp_linux_default);
	assert_int_equal(p.client.method, DCD_NONE);
	assert_non_null(strstr(p.client.why, "ignored by clients before 19c"));
	descriptor_free(&d);

	assert_int_equal(
	        descriptor_parse(&d, "(DESCRIPTION=(ENABLE=BROKEN)(ADDRESS=(HOST=h)))", &err), 0);
	dcd_profile_compute(&p, NULL, &d, rel("19c"), rel("11.2"), &os_tcp_linux_default);
	assert_int_equal(p.client.method, DCD_KEEPALIVE);
	assert_int_equal(p.client.keepalive.idle_s, 7200);
	assert_int_equal(p.client.keepalive.intvl_s, 75);
	assert_int_equal(p.client.keepalive.cnt, 9);
	assert_int_equal(p.client.detect_ms, (7200 + 75 * 9) * 1000);
	descriptor_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_release_parse),
		cmocka_unit_test(test_release_name),
		cmocka_unit_test(test_server_side),
		cmocka_unit_test(test_client_side),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
