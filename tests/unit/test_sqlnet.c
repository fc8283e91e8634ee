/* test_sqlnet.c - sqlnet.ora: real samples parse, every error names file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../model/sqlnet.h"

static void parse_ok(struct sqlnet_config *cfg, const char *text)
{
	struct dcd_err err = { "" };

	sqlnet_init(cfg);
	if (sqlnet_parse(cfg, "t.ora", text, strlen(text), &err) != 0)
		fail_msg("unexpected error: %s", err.msg);
}

static void test_real_sample(void **state)
{
	struct sqlnet_config cfg;
	struct dcd_err err = { "" };

	(void)state;
	sqlnet_init(&cfg);
	assert_int_equal(sqlnet_load(&cfg, "tests/data/sqlnet-server.ora", &err), 0);
	assert_int_equal(cfg.expire_time_min, 10);
	assert_int_equal(cfg.use_ns_probes_for_dcd, 0);
	assert_int_equal(cfg.inbound_connect_timeout_ms, 120000);
	assert_int_equal(cfg.recv_timeout_ms, 30000);
	assert_int_equal(cfg.send_timeout_ms, 1500);
	assert_int_equal(cfg.tcp_connect_timeout_ms, 5000);
	/* Unknown names are kept, values with continuation lines too. */
	assert_string_equal(sqlnet_get(&cfg, "adr_base"), "/u01/app/oracle");
	const char *types = sqlnet_get(&cfg, "SQLNET.ENCRYPTION_TYPES_SERVER");
	assert_non_null(types);
	assert_non_null(strstr(types, "AES256"));
	assert_non_null(strstr(types, "AES192"));
	assert_string_equal(sqlnet_get(&cfg, "names.directory_path"), "(TNSNAMES, EZCONNECT)");
	sqlnet_free(&cfg);
}

static void test_defaults_unset(void **state)
{
	struct sqlnet_config cfg;

	(void)state;
	parse_ok(&cfg, "# nothing DCD-related\nADR_BASE = /tmp\n");
	assert_int_equal(cfg.expire_time_min, SQLNET_UNSET);
	assert_int_equal(cfg.use_ns_probes_for_dcd, SQLNET_UNSET);
	assert_int_equal(cfg.recv_timeout_ms, SQLNET_UNSET);
	sqlnet_free(&cfg);
}

static void test_last_one_wins_and_case(void **state)
{
	struct sqlnet_config cfg;

	(void)state;
	parse_ok(&cfg,
	         "SQLNET.EXPIRE_TIME=1\nSqlNet.Expire_Time = 3\nUSE_NS_PROBES_FOR_DCD=TRUE\n");
	assert_int_equal(cfg.expire_time_min, 3);
	assert_int_equal(cfg.use_ns_probes_for_dcd, 1);
	sqlnet_free(&cfg);
}

static void test_crlf_and_tabs(void **state)
{
	struct sqlnet_config cfg;

	(void)state;
	parse_ok(&cfg, "SQLNET.EXPIRE_TIME\t=\t2\r\nX =\r\n\t(A=1)\r\n");
	assert_int_equal(cfg.expire_time_min, 2);
	assert_string_equal(sqlnet_get(&cfg, "X"), "(A=1)");
	sqlnet_free(&cfg);
}

/* Every error path: the message names file:line (and column where known),
 * the parameter and the value. */
static const struct bad_case {
	const char *text;
	const char *want; /* substring of the message */
} bad_cases[] = {
	{ "SQLNET.EXPIRE_TIME = ten\n", "t.ora:1:22: SQLNET.EXPIRE_TIME: bad value \"ten\": "
	                                "expected an integer number of minutes" },
	{ "\n\nSQLNET.EXPIRE_TIME = -1\n", "t.ora:3:" },
	{ "SQLNET.EXPIRE_TIME = 547\n", "0 to 546" },
	{ "SQLNET.EXPIRE_TIME = 10 20\n", "bad value \"10 20\"" },
	{ "SQLNET.EXPIRE_TIME =\n", "bad value \"\"" },
	{ "USE_NS_PROBES_FOR_DCD = maybe\n",
	  "USE_NS_PROBES_FOR_DCD: bad value \"maybe\": expected TRUE or FALSE" },
	{ "SQLNET.RECV_TIMEOUT = 10 parsecs\n", "SQLNET.RECV_TIMEOUT: bad value \"10 parsecs\"" },
	{ "SQLNET.SEND_TIMEOUT = inf\n", "SQLNET.SEND_TIMEOUT: bad value" },
	{ "SQLNET.INBOUND_CONNECT_TIMEOUT = 0x10\n", "SQLNET.INBOUND_CONNECT_TIMEOUT: bad value" },
	{ "TCP.CONNECT_TIMEOUT = -5\n", "TCP.CONNECT_TIMEOUT: bad value" },
	{ "  (A=1)\n", "t.ora:1: continuation line" },
	{ "JUSTANAME\n", "t.ora:1: expected NAME = value, got \"JUSTANAME\"" },
	{ "A=1\n= 2\n", "t.ora:2: missing name" },
	{ "A=1\nB=\0x\n", "t.ora:2: NUL byte" },
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct sqlnet_config cfg;
		struct dcd_err err = { "" };
		const char *t = bad_cases[i].text;
		size_t len = strlen(t);
		if (strstr(bad_cases[i].want, "NUL"))
			len = 9; /* "A=1\nB=\0x\n" */
		sqlnet_init(&cfg);
		if (sqlnet_parse(&cfg, "t.ora", t, len, &err) == 0)
			fail_msg("case %zu parsed: %s", i, t);
		if (strstr(err.msg, bad_cases[i].want) == NULL)
			fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, err.msg,
			         bad_cases[i].want);
		sqlnet_free(&cfg);
	}
}

/* An error in the middle of an entry frees it (found by fuzz_sqlnet, LSan). */
static void test_error_mid_entry(void **state)
{
	struct sqlnet_config cfg;
	struct dcd_err err = { "" };
	const char text[] = "A = 1\nB = (X=1\n  (Y=\0)\n";

	(void)state;
	sqlnet_init(&cfg);
	assert_int_equal(sqlnet_parse(&cfg, "t.ora", text, sizeof(text) - 1, &err), -1);
	assert_string_equal(err.msg, "t.ora:3: NUL byte; not a text parameter file");
	assert_string_equal(sqlnet_get(&cfg, "A"), "1");
	assert_null(sqlnet_get(&cfg, "B"));
	sqlnet_free(&cfg);
}

static void test_error_file(void **state)
{
	struct sqlnet_config cfg;
	struct dcd_err err = { "" };

	(void)state;
	sqlnet_init(&cfg);
	assert_int_equal(sqlnet_load(&cfg, "tests/data/bad-expire.ora", &err), -1);
	assert_string_equal(err.msg,
	                    "tests/data/bad-expire.ora:4:22: SQLNET.EXPIRE_TIME: bad value "
	                    "\"ten\": expected an integer number of minutes, 0 to 546");
	/* What was read before the error is still there. */
	assert_non_null(sqlnet_get(&cfg, "NAMES.DIRECTORY_PATH"));
	sqlnet_free(&cfg);
	sqlnet_init(&cfg);
	assert_int_equal(sqlnet_load(&cfg, "tests/data/no-such-file.ora", &err), -1);
	assert_string_equal(err.msg, "tests/data/no-such-file.ora: No such file or directory");
	sqlnet_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_sample),
		cmocka_unit_test(test_defaults_unset),
		cmocka_unit_test(test_last_one_wins_and_case),
		cmocka_unit_test(test_crlf_and_tabs),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_mid_entry),
		cmocka_unit_test(test_error_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
