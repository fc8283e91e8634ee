/* test_tunables.c - each platform's tool output, its units, its traps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../model/tunables.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *b = calloc(1, 1 << 16);
	assert_non_null(f);
	assert_non_null(b);
	fread(b, 1, (1 << 16) - 1, f);
	fclose(f);
	return b;
}

static void parse_file(struct platform_tcp *t, enum platform p, const char *name)
{
	char path[200];
	struct dcd_err err = { "" };
	snprintf(path, sizeof(path), "tests/data/tunables/%s", name);
	char *text = slurp(path);
	if (tunables_parse(t, p, path, text, &err) != 0)
		fail_msg("%s", err.msg);
	free(text);
}

static bool warned(const struct platform_tcp *t, const char *what)
{
	for (int i = 0; i < t->n_warn; i++)
		if (strstr(t->warn[i], what))
			return true;
	return false;
}

static void test_platforms(void **state)
{
	struct platform_tcp t;
	(void)state;

	parse_file(&t, PLAT_LINUX, "linux-tuned.txt");
	assert_int_equal(t.keepidle_ms, 300000);
	assert_int_equal(t.keepintvl_ms, 6000);
	assert_int_equal(t.keepcnt, 10);
	assert_int_equal(t.retries2, 8);
	assert_true(t.per_socket_keepalive);

	parse_file(&t, PLAT_AIX, "aix-no-a.txt");
	assert_int_equal(t.keepidle_ms, 7200000); /* 14400 half-seconds */
	assert_int_equal(t.keepintvl_ms, 75000);
	assert_int_equal(t.keepcnt, 8);
	assert_true(warned(&t, "aix-no-a.txt:3: tcp_keepidle = 14400 is in HALF-seconds: 7200s"));

	parse_file(&t, PLAT_HPUX, "hpux-ndd.txt");
	assert_int_equal(t.keepidle_ms, 7200000);
	assert_int_equal(t.keepintvl_ms, 10000);
	assert_int_equal(t.retrans_limit_ms, 600000);
	assert_int_equal(t.keepcnt, 60); /* probes until the abort interval */

	parse_file(&t, PLAT_SOLARIS, "solaris-ipadm.txt");
	assert_int_equal(t.keepidle_ms, 7200000);
	assert_int_equal(t.retrans_limit_ms, 300000);
	assert_false(t.per_socket_keepalive); /* Oracle keeps the old DCD there */

	parse_file(&t, PLAT_WINDOWS, "windows-reg-query.txt");
	assert_int_equal(t.keepidle_ms, 300000); /* 0x493e0 ms */
	assert_int_equal(t.keepintvl_ms, 1000);
	assert_int_equal(t.keepcnt, 10);
	assert_int_equal(t.retries2, 5);

	parse_file(&t, PLAT_WINDOWS, "windows-unit-trap.txt");
	assert_int_equal(t.keepidle_ms, 600);
	assert_true(warned(&t, "KeepAliveTime = 600 is in milliseconds: 600ms"));

	parse_file(&t, PLAT_MACOS, "macos-sysctl.txt");
	assert_int_equal(t.keepidle_ms, 7200000);
	assert_int_equal(t.keepintvl_ms, 75000);
	assert_int_equal(t.keepcnt, 8);
	parse_file(&t, PLAT_FREEBSD, "freebsd-sysctl.txt");
	assert_int_equal(t.keepintvl_ms, 75000);
}

/* tcp_retries2 = 0 is a count the kernel honours, not "unset". */
static void test_retries2_zero(void **state)
{
	struct platform_tcp t;
	struct dcd_err err = { "" };
	(void)state;
	assert_int_equal(
	        tunables_parse(&t, PLAT_LINUX, "t.txt", "net.ipv4.tcp_retries2 = 0\n", &err), 0);
	assert_int_equal(t.retries2, 0);
}

static void test_errors(void **state)
{
	static const struct {
		int platform;
		const char *text, *want;
	} bad[] = {
		{ PLAT_LINUX,
		  "net.ipv4.tcp_keepalive_time = 7200\nnet.ipv4.tcp_keepalive_intvl = x\n",
		  "t.txt:2: net.ipv4.tcp_keepalive_intvl: \"x\" is not a number" },
		{ PLAT_LINUX, "kernel.hostname = db1\n",
		  "t.txt: none of linux's keepalive settings" },
		{ PLAT_LINUX, "tcp_keepidle: 5\n",
		  "t.txt:1: expected \"name = value\" as sysctl -a" },
		{ PLAT_AIX, "tcp_keepidle 14400\n", "t.txt:1: expected \"name = value\" as no -a" },
		{ PLAT_WINDOWS, "    KeepAliveTime 0x10\n", "t.txt:1: expected \"Name REG_DWORD" },
		{ PLAT_WINDOWS, "    KeepAliveTime    REG_DWORD    0xzz\n",
		  "\"0xzz\" is not a number" },
		{ PLAT_MACOS, "net.inet.tcp.keepidle 7200000\n", "expected \"name: value\"" },
		{ PLAT_SOLARIS, "udp _foo rw 1\n", "t.txt:1: expected ipadm show-prop output" },
		{ PLAT_LINUX, "net.ipv4.tcp_keepalive_probes = 0\n", "must be above 0" },
		{ PLAT_LINUX, "net.ipv4.tcp_keepalive_time = -5\n", "\"-5\" is not a number" },
		{ PLAT_LINUX, "net.ipv4.tcp_retries2 = 3000000000\n",
		  "t.txt:1: net.ipv4.tcp_retries2 = 3000000000: expected a count from 0 to" },
		{ PLAT_LINUX, "net.ipv4.tcp_keepalive_probes = 2147483648\n",
		  "expected a count from 0 to 2147483647" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct platform_tcp t;
		struct dcd_err err = { "" };
		if (tunables_parse(&t, (enum platform)bad[i].platform, "t.txt", bad[i].text,
		                   &err) == 0)
			fail_msg("case %zu parsed", i);
		if (!strstr(err.msg, bad[i].want))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, bad[i].want);
	}
	assert_int_equal(platform_parse("HP-UX"), PLAT_HPUX);
	assert_int_equal(platform_parse("plan9"), -1);
}

static void test_unit_traps(void **state)
{
	struct platform_tcp t;
	struct dcd_err err = { "" };
	(void)state;
	/* seconds where milliseconds were meant, and the other way round */
	assert_int_equal(tunables_parse(&t, PLAT_LINUX, "l",
	                                "net.ipv4.tcp_keepalive_time = 7200000\n", &err),
	                 0);
	assert_true(warned(&t, "l:1: net.ipv4.tcp_keepalive_time = 7200000 is in seconds"));
	assert_int_equal(tunables_parse(&t, PLAT_MACOS, "m", "net.inet.tcp.keepidle: 600\n", &err),
	                 0);
	assert_true(warned(&t, "m:1: net.inet.tcp.keepidle = 600 is in milliseconds"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_platforms),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_retries2_zero),
		cmocka_unit_test(test_unit_traps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
