/* test_dbend.c - the database's own ways of ending a session: the facts
 * table, which idle limit comes first, the init.ora excerpt reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/err.h"
#include "../../model/dbend.h"

static void test_facts(void **state)
{
	(void)state;
	/* The client's next call after each way (DOMAIN.md §7). */
	assert_int_equal(db_ends[DB_KILL].ora_next_call, 28);
	assert_int_equal(db_ends[DB_MAX_IDLE].ora_next_call, 3113);
	assert_int_equal(db_ends[DB_MAX_IDLE_BLOCKER].ora_next_call, 3113);
	assert_int_equal(db_ends[DB_IDLE_TIME].ora_next_call, 2396);
	assert_false(db_ends[DB_KILL].closes_at_once);
	assert_false(db_ends[DB_IDLE_TIME].closes_at_once);
	assert_true(db_ends[DB_MAX_IDLE].closes_at_once);
	assert_int_equal(db_ends[DB_KILL].gone_cause, END_KILLED_GONE);
	assert_int_equal(db_ends[DB_IDLE_TIME].gone_cause, END_SNIPED_GONE);
	assert_string_equal(ora_text(28), "your session has been killed");
	assert_string_equal(ora_text(1012), "not logged on");
	assert_string_equal(ora_text(4), "");
	assert_string_equal(db_status_name(DB_SNIPED), "SNIPED");
	assert_int_equal(db_end_parse("max-idle-time"), DB_MAX_IDLE);
	assert_int_equal(db_end_parse("nap"), -1);
	assert_true(end_cause_is_db(END_SNIPED_GONE));
	assert_false(end_cause_is_db(END_RST));
	assert_int_equal(end_cause_parse("max-idle-blocker-time"), END_MAX_IDLE_BLOCKER);
}

static void test_releases(void **state)
{
	(void)state;
	/* MAX_IDLE_TIME came with 12.2, MAX_IDLE_BLOCKER_TIME with 19c. */
	assert_false(db_end_available(DB_MAX_IDLE, (struct oracle_release){ 12, 1 }));
	assert_true(db_end_available(DB_MAX_IDLE, (struct oracle_release){ 12, 2 }));
	assert_false(db_end_available(DB_MAX_IDLE_BLOCKER, (struct oracle_release){ 18, 0 }));
	assert_true(db_end_available(DB_MAX_IDLE_BLOCKER, (struct oracle_release){ 19, 0 }));
	assert_true(db_end_available(DB_IDLE_TIME, (struct oracle_release){ 11, 2 }));
	assert_true(db_end_available(DB_KILL, (struct oracle_release){ 10, 2 }));
}

static void test_limit_first(void **state)
{
	struct db_limits l = { 0 };
	int64_t after;

	(void)state;
	assert_int_equal(db_limit_first(&l, true, &after), DB_END_COUNT);
	assert_int_equal(after, -1);
	l.max_idle_ms = 1800000;
	l.max_idle_blocker_ms = 300000;
	/* The blocker limit acts only on a session that blocks. */
	assert_int_equal(db_limit_first(&l, false, &after), DB_MAX_IDLE);
	assert_int_equal(after, 1800000);
	assert_int_equal(db_limit_first(&l, true, &after), DB_MAX_IDLE_BLOCKER);
	assert_int_equal(after, 300000);
	/* ... and only when shorter than MAX_IDLE_TIME. */
	l.max_idle_blocker_ms = 3600000;
	assert_int_equal(db_limit_first(&l, true, &after), DB_MAX_IDLE);
	l.idle_time_ms = 600000;
	assert_int_equal(db_limit_first(&l, false, &after), DB_IDLE_TIME);
	assert_int_equal(after, 600000);
	/* A tie goes to MAX_IDLE_TIME: it ends the session. */
	l.idle_time_ms = 1800000;
	assert_int_equal(db_limit_first(&l, false, &after), DB_MAX_IDLE);
}

static void test_initora(void **state)
{
	struct db_limits l = { 0 };
	struct dcd_err err = { "" };

	(void)state;
	assert_int_equal(db_limits_parse_initora(&l, "init.ora",
	                                         "# excerpt\n*.max_idle_time=30\n"
	                                         "orcl.MAX_IDLE_BLOCKER_TIME = '5' # min\n"
	                                         "processes=300\n",
	                                         &err),
	                 0);
	assert_int_equal(l.max_idle_ms, 30 * 60000);
	assert_int_equal(l.max_idle_blocker_ms, 5 * 60000);
	assert_int_equal(db_limits_parse_initora(&l, "spfile", "x=1\nmax_idle_time=half\n", &err),
	                 -1);
	assert_non_null(strstr(err.msg, "spfile:2: max_idle_time = \"half\": expected minutes"));
}

/* The plain definition ora_find must agree with: the first "ORA-" followed
 * by five digits, not all zero, wholly within the n bytes. */
static int ora_find_ref(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 9 <= n; i++) {
		if (memcmp(p + i, "ORA-", 4) != 0)
			continue;
		int code = 0, k;
		for (k = 4; k < 9 && p[i + k] >= '0' && p[i + k] <= '9'; k++)
			code = code * 10 + (p[i + k] - '0');
		if (k == 9 && code > 0)
			return code;
	}
	return 0;
}

static void test_ora_find(void **state)
{
	static const char *const cases[] = {
		"ORA-00028: your session has been killed",
		"xxORA-02396",
		"ORA-0002",
		"ORA-00000x",
		"-ORA--ORA-1ORA-03113",
		"ORA-00028",
		"ORA-0002ORA-01012",
		"A-12345ORA-12345",
		"--------ORA-12170",
		"RA-12345",
		"",
	};
	static const int want[] = { 28, 2396, 0, 0, 3113, 28, 1012, 12345, 12170, 0, 0 };
	uint8_t buf[64];
	unsigned seed = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(ora_find((const uint8_t *)cases[i], strlen(cases[i])), want[i]);
	/* The last byte of a code must lie within n. */
	assert_int_equal(ora_find((const uint8_t *)"ORA-00028", 8), 0);
	/* Random bytes from a small alphabet, where near misses are common. */
	for (int t = 0; t < 200000; t++) {
		size_t n = (size_t)(rand_r(&seed) % sizeof(buf));
		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t) "ORA-0123x"[rand_r(&seed) % 9];
		assert_int_equal(ora_find(buf, n), ora_find_ref(buf, n));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_facts),       cmocka_unit_test(test_releases),
		cmocka_unit_test(test_limit_first), cmocka_unit_test(test_initora),
		cmocka_unit_test(test_ora_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
