/* test_plan.c - client plans and the number parsers they use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/numparse.h"
#include "../../model/plan.h"

static void test_plan_ok(void **state)
{
	struct plan *p = calloc(1, sizeof(*p));
	struct dcd_err err;

	(void)state;
	assert_int_equal(plan_parse(p, "call, idle 30s, call 2.5s, 3*idle 1m, close", &err), 0);
	assert_int_equal(p->n, 7);
	assert_int_equal(p->step[0].op, PLAN_CALL);
	assert_int_equal(p->step[0].duration_ms, 0);
	assert_int_equal(p->step[1].op, PLAN_IDLE);
	assert_int_equal(p->step[1].duration_ms, 30000);
	assert_int_equal(p->step[2].duration_ms, 2500);
	assert_int_equal(p->step[5].duration_ms, 60000);
	assert_int_equal(p->step[6].op, PLAN_CLOSE);
	assert_int_equal(plan_parse(p, "lock row_1, idle 5s, commit", &err), 0);
	assert_int_equal(p->step[0].op, PLAN_LOCK);
	assert_string_equal(p->step[0].lock, "row_1");
	assert_int_equal(p->step[2].op, PLAN_COMMIT);
	assert_true(plan_is_call(PLAN_LOCK) && plan_is_call(PLAN_COMMIT) &&
	            !plan_is_call(PLAN_IDLE));
	free(p);
}

static void test_plan_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "", "plan: empty" },
		{ "call,,call", "plan, byte 5: empty step" },
		{ "idle", "plan, byte 0: idle needs a duration such as 30s" },
		{ "call, idle forever", "plan, byte 6: idle needs a duration" },
		{ "call 5 parsecs", "unexpected \"parsecs\"" },
		{ "dance", "unknown step \"dance\": expected call, idle, close, lock or commit" },
		{ "lock", "lock needs a name" },
		{ "lock a.b", "lock needs a name of letters" },
		{ "lock abcdefghijklmnopqrstuvwxyz", "at most 24" },
		{ "commit now", "unexpected \"now\" after \"commit\"" },
		{ "close x", "unexpected \"x\" after \"close\"" },
		{ "lock t u", "unexpected \"u\"" },
		{ "0*call", "bad repeat count \"0\"" },
		{ "1001*call", "bad repeat count" },
		{ "600*call, 600*call", "more than 1000 steps" },
	};
	struct plan *p = calloc(1, sizeof(*p));

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dcd_err err = { "" };
		if (plan_parse(p, bad[i].text, &err) == 0)
			fail_msg("case %zu parsed: %s", i, bad[i].text);
		if (strstr(err.msg, bad[i].want) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, bad[i].want);
	}
	free(p);
}

static void test_numbers(void **state)
{
	long v;
	int64_t ms;
	bool b;
	char buf[32];

	(void)state;
	assert_int_equal(parse_long(" 42 ", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_long("101", 0, 100, &v), -1);
	assert_int_equal(parse_long("4x", 0, 100, &v), -1);
	assert_int_equal(parse_long("", 0, 100, &v), -1);
	assert_int_equal(parse_long("99999999999999999999", 0, 100, &v), -1);
	assert_int_equal(parse_duration_ms("250ms", 1000, &ms), 0);
	assert_int_equal(ms, 250);
	assert_int_equal(parse_duration_ms("10", 1000, &ms), 0);
	assert_int_equal(ms, 10000);
	assert_int_equal(parse_duration_ms("1.5 MIN", 1000, &ms), 0);
	assert_int_equal(ms, 90000);
	assert_int_equal(parse_duration_ms("2h", 1000, &ms), 0);
	assert_int_equal(ms, 7200000);
	assert_int_equal(parse_duration_ms("-1s", 1000, &ms), -1);
	assert_int_equal(parse_duration_ms("nan", 1000, &ms), -1);
	assert_int_equal(parse_duration_ms("0x10", 1000, &ms), -1);
	assert_int_equal(parse_duration_ms("1e3", 1000, &ms), -1);
	assert_int_equal(parse_duration_ms("5 fortnights", 1000, &ms), -1);
	assert_int_equal(parse_duration_ms("1e300", 1000, &ms), -1);
	assert_int_equal(parse_bool("On", &b), 0);
	assert_true(b);
	assert_int_equal(parse_bool("FALSE", &b), 0);
	assert_false(b);
	assert_int_equal(parse_bool("maybe", &b), -1);
	assert_string_equal(fmt_duration_ms(600000, buf, sizeof(buf)), "600s");
	assert_string_equal(fmt_duration_ms(1500, buf, sizeof(buf)), "1.5s");
	assert_string_equal(fmt_duration_ms(250, buf, sizeof(buf)), "250ms");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_ok),
		cmocka_unit_test(test_plan_errors),
		cmocka_unit_test(test_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
