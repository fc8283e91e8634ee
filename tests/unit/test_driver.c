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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expire_time),
		cmocka_unit_test(test_enable_broken),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
