/* test_driver.c - what each client driver makes of EXPIRE_TIME and
 * ENABLE=BROKEN (model/driver.c), and the settings each one ignores. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../model/driver.h"

static const char *const ET5 =
        "(DESCRIPTION=(EXPIRE_TIME=5)(ADDRESS=(PROTOCOL=TCP)(HOST=h)(PORT=1521))"
        "(CONNECT_DATA=(SERVICE_NAME=s)))";
static const char *const BROKEN =
        "(DESCRIPTION=(ENABLE=BROKEN)(ADDRESS=(PROTOCOL=TCP)(HOST=h)(PORT=1521))"
        "(CONNECT_DATA=(SERVICE_NAME=s)))";

static void dcd(enum client_driver drv, const char *desc, const char *release,
                struct driver_dcd *out)
{
	struct dcd_descriptor d;
	struct dcd_err err = { "" };
	struct oracle_release rel;

	assert_int_equal(descriptor_resolve(&d, desc, NULL, &err), 0);
	assert_int_equal(release_parse(release, &rel, &err), 0);
	driver_client_dcd(drv, &d, rel, out);
	descriptor_free(&d);
}

static void test_expire_time(void **state)
{
	static const struct {
		enum client_driver drv;
		const char *release;
		bool on;
		int idle, intvl, cnt;
		const char *ignored;
	} cases[] = {
		{ DRV_NATIVE, "19c", true, 300, 6, 10, NULL },
		{ DRV_NATIVE, "12.2", false, 0, 0, 0, "ignored by a native client before 19c" },
		{ DRV_PYTHON_THIN, "19c", true, 300, 6, 10, NULL },
		{ DRV_NODE_THIN, "19c", true, 300, 1, 10, NULL },
		{ DRV_JDBC_THIN, "19c", false, 0, 0, 0, "not modelled here" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct driver_dcd o;
		dcd(cases[i].drv, ET5, cases[i].release, &o);
		if (o.on != cases[i].on || o.os_defaults || o.ka.idle_s != cases[i].idle ||
		    o.ka.intvl_s != cases[i].intvl || o.ka.cnt != cases[i].cnt ||
		    (cases[i].ignored ? !strstr(o.ignored, cases[i].ignored) : o.ignored[0] != 0))
			fail_msg("%s %s: on %d %d/%d/%d ignored \"%s\"",
			         client_driver_name(cases[i].drv), cases[i].release, o.on,
			         o.ka.idle_s, o.ka.intvl_s, o.ka.cnt, o.ignored);
	}
}

static void test_enable_broken(void **state)
{
	struct driver_dcd o;

	(void)state;
	dcd(DRV_NATIVE, BROKEN, "19c", &o);
	assert_true(o.on && o.os_defaults && !o.ignored[0]);
	for (int drv = DRV_PYTHON_THIN; drv <= DRV_NODE_THIN; drv++) {
		dcd((enum client_driver)drv, BROKEN, "19c", &o);
		assert_false(o.on);
		assert_non_null(strstr(o.ignored, "(ENABLE=BROKEN) does nothing"));
		assert_non_null(strstr(o.ignored, "use (EXPIRE_TIME=n)"));
	}
	assert_int_equal(client_driver_parse("node-thin"), DRV_NODE_THIN);
	assert_int_equal(client_driver_parse("odbc"), -1);
}

/* JDBC thin's properties as users keep them (a .properties file). */
static void test_jdbc_properties(void **state)
{
	struct jdbc_props p;
	struct dcd_err err = { "" };
	struct driver_dcd dd;
	struct dcd_side side;

	(void)state;
	assert_int_equal(jdbc_props_parse(&p, "app.properties",
	                                  "# the pool's connection properties\n"
	                                  "! a comment too\n"
	                                  "oracle.net.keepAlive = true\n"
	                                  "oracle.net.TCP_KEEPIDLE: 300\n"
	                                  "oracle.net.TCP_KEEPINTERVAL 10\n"
	                                  "oracle.jdbc.ReadTimeout=60000\n",
	                                  &err),
	                 0);
	assert_int_equal(p.keepalive, 1);
	assert_int_equal(p.idle_s, 300);
	assert_int_equal(p.intvl_s, 10);
	assert_int_equal(p.cnt, 0); /* not given: the OS's */
	driver_jdbc_dcd(&p, NULL, &dd);
	assert_true(dd.on && !dd.os_defaults);
	assert_int_equal(dd.ka.idle_s, 300);
	assert_int_equal(dd.ka.intvl_s, 10);
	assert_int_equal(dd.ka.cnt, 9); /* Linux's tcp_keepalive_probes */
	driver_side(&dd, &os_tcp_linux_default, &side);
	assert_int_equal(side.method, DCD_KEEPALIVE);
	assert_false(side.os_keepalive);
	/* keepAlive alone: SO_KEEPALIVE with the host's settings */
	assert_int_equal(jdbc_props_parse(&p, "a", "oracle.net.keepAlive=TRUE\n", &err), 0);
	driver_jdbc_dcd(&p, NULL, &dd);
	assert_true(dd.on && dd.os_defaults);
	driver_side(&dd, &os_tcp_linux_default, &side);
	assert_true(side.os_keepalive);
	assert_int_equal(side.keepalive.idle_s, 7200);
	/* numbers without keepAlive=true do nothing, and that is said */
	assert_int_equal(jdbc_props_parse(&p, "a", "oracle.net.TCP_KEEPIDLE=60\n", &err), 0);
	driver_jdbc_dcd(&p, NULL, &dd);
	assert_false(dd.on);
	assert_non_null(strstr(dd.ignored, "do nothing without oracle.net.keepAlive=true"));
	driver_side(&dd, &os_tcp_linux_default, &side);
	assert_int_equal(side.method, DCD_NONE);
	/* errors name file:line and what was expected */
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "\noracle.net.keepAlive=maybe\n",
		  "j.properties:2: oracle.net.keepAlive = \"maybe\": expected true or false" },
		{ "oracle.net.TCP_KEEPIDLE=0\n",
		  "j.properties:1: oracle.net.TCP_KEEPIDLE = \"0\"" },
		{ "oracle.net.TCP_KEEPCOUNT=128\n", "expected a whole number from 1 to 127" },
		{ "oracle.net.TCP_KEEPINTERVAL=\n", "oracle.net.TCP_KEEPINTERVAL = \"\"" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(jdbc_props_parse(&p, "j.properties", bad[i].text, &err), -1);
		if (!strstr(err.msg, bad[i].want))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, bad[i].want);
	}
}

/* A driver's outcome as a profile's client side: node-thin's 1 s interval,
 * nothing for a setting it ignores. */
static void test_driver_side(void **state)
{
	struct driver_dcd dd;
	struct dcd_side side;

	(void)state;
	dcd(DRV_NODE_THIN, ET5, "19c", &dd);
	driver_side(&dd, &os_tcp_linux_default, &side);
	assert_int_equal(side.method, DCD_KEEPALIVE);
	assert_int_equal(side.keepalive.idle_s, 300);
	assert_int_equal(side.keepalive.intvl_s, 1);
	assert_int_equal(side.keepalive.cnt, 10);
	dcd(DRV_NODE_THIN, BROKEN, "19c", &dd);
	driver_side(&dd, &os_tcp_linux_default, &side);
	assert_int_equal(side.method, DCD_NONE);
	dcd(DRV_NATIVE, BROKEN, "19c", &dd);
	struct os_tcp host = os_tcp_linux_default;
	host.keepalive = (struct keepalive){ 2, 1, 3 };
	driver_side(&dd, &host, &side);
	assert_true(side.os_keepalive);
	assert_int_equal(side.keepalive.idle_s, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expire_time),
		cmocka_unit_test(test_enable_broken),
		cmocka_unit_test(test_jdbc_properties),
		cmocka_unit_test(test_driver_side),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
