/* test_scenario.c - scenario files: what a good one yields, and that each
 * mistake is named with file:line and what was expected. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../capture/analyze.h"
#include "../../model/measure.h"
#include "../../model/driver.h"
#include "../../model/scenario.h"

static void test_full(void **state)
{
	static const char text[] =
	        "# a comment\n"
	        "name      t1\n"
	        "describe  a test   with  spaces # and a comment\n"
	        "server    keepalive 2/1/3\n"
	        "server    tcp_retries2 3\n"
	        "client    plan call, idle 8s, call 2s, close\n"
	        "client    keepalive 4/2/5\n"
	        "firewall  preset f5-fastl4 idle 3s keepalives ignored\n"
	        "fault     link-cut at 1s restore 2500ms\n"
	        "fault     client-crash at 4s\n"
	        "expect    call 2 fails ORA-03113\n"
	        "expect    server-end keepalive-timeout within 5.5s at 7s +- 1s\n"
	        "expect    capture client-leg firewall-drop\n"
	        "expect    fw-entry expires\n"
	        "duration  20s\n"
	        "clients   3\n";
	struct scenario *s = calloc(1, sizeof(*s));
	struct dcd_err err = { "" };

	(void)state;
	assert_int_equal(scenario_parse(s, "t1.scn", text, &err), 0);
	assert_string_equal(s->name, "t1");
	assert_string_equal(s->describe, "a test   with  spaces");
	assert_int_equal(s->keepidle_s, 2);
	assert_int_equal(s->keepintvl_s, 1);
	assert_int_equal(s->keepcnt, 3);
	assert_int_equal(s->tcp_retries2, 3);
	assert_int_equal(s->c_keepidle_s, 4);
	assert_string_equal(s->plan, "call, idle 8s, call 2s, close");
	assert_int_equal(scenario_calls(s), 2);
	assert_int_equal(scenario_plan_ms(s), 10000);
	assert_int_equal(s->fw, SCN_FW_CONNTRACK);
	assert_non_null(s->preset);
	assert_string_equal(s->preset->name, "f5-fastl4");
	assert_int_equal(s->expiry, FW_EXPIRY_RST_BOTH); /* the preset's default */
	assert_int_equal(s->fw_idle_ms, 3000);
	assert_true(s->keepalives_ignored);
	assert_int_equal(s->n_fault, 2);
	assert_int_equal(s->fault[0].kind, FAULT_LINK_CUT);
	assert_int_equal(s->fault[0].at_ms, 1000);
	assert_int_equal(s->fault[0].restore_ms, 2500);
	assert_int_equal(s->fault[1].kind, FAULT_CLIENT_CRASH);
	assert_int_equal(s->n_expect, 4);
	assert_int_equal(s->expect[0].kind, EXPECT_CALL_FAILS);
	assert_int_equal(s->expect[0].ora, 3113);
	assert_int_equal(s->expect[0].line, 11);
	assert_int_equal(s->expect[1].cause, END_KEEPALIVE_TIMEOUT);
	assert_int_equal(s->expect[1].within_ms, 5500);
	assert_int_equal(s->expect[1].at_ms, 7000);
	assert_int_equal(s->expect[1].tol_ms, 1000);
	assert_int_equal(s->expect[2].leg, LEG_CLIENT);
	assert_int_equal(s->expect[2].verdict, VERDICT_FIREWALL_DROP);
	assert_true(s->expect[3].expires);
	assert_int_equal(s->duration_ms, 20000);
	assert_int_equal(s->clients, 3);
	free(s);
}

/* client measure and its expectations. */
static void test_measure(void **state)
{
	struct scenario *s = calloc(1, sizeof(*s));
	struct dcd_err err = { "" };

	(void)state;
	assert_int_equal(scenario_parse(s, "m.scn",
	                                "client measure min 5s max 2m precision 500ms "
	                                "connections 32\n"
	                                "firewall conntrack idle 20s\n"
	                                "expect measured-timeout 20s +- 1s\n"
	                                "expect measured-timeout 600s\n"
	                                "expect measured-expiry rst-both\n"
	                                "expect measured-keepalives ignored\n",
	                                &err),
	                 0);
	assert_true(s->measure);
	assert_int_equal(s->measure_min_ms, 5000);
	assert_int_equal(s->measure_max_ms, 120000);
	assert_int_equal(s->measure_precision_ms, 500);
	assert_int_equal(s->measure_connections, 32);
	assert_int_equal(s->expect[0].kind, EXPECT_MEASURED_TIMEOUT);
	assert_int_equal(s->expect[0].at_ms, 20000);
	assert_int_equal(s->expect[0].tol_ms, 1000);
	assert_int_equal(s->expect[1].tol_ms, 6000); /* 1 % of 600 s */
	assert_int_equal(s->expect[2].kind, EXPECT_MEASURED_EXPIRY);
	assert_int_equal(s->expect[2].cause, M_EXPIRY_RST_BOTH);
	assert_int_equal(s->expect[3].kind, EXPECT_MEASURED_KEEPALIVES);
	assert_int_equal(s->expect[3].verdict, 0);
	free(s);
}

static void test_defaults(void **state)
{
	struct scenario *s = calloc(1, sizeof(*s));
	struct dcd_err err = { "" };

	(void)state;
	/* Name from the file; preset timeout scaled (1 h -> 3 s); "at"
	 * without a tolerance gets max(5%, 200 ms). */
	assert_int_equal(scenario_parse(s, "dir/asa-test.scn",
	                                "firewall preset cisco-asa\nexpect server-end rst at 10s\n",
	                                &err),
	                 0);
	assert_string_equal(s->name, "asa-test");
	assert_int_equal(s->fw_idle_ms, 3000);
	assert_int_equal(s->expiry, FW_EXPIRY_SILENT);
	assert_int_equal(s->family, 4);
	assert_int_equal(s->clients, 1);
	assert_string_equal(s->release, "19c");
	assert_int_equal(s->expect[0].tol_ms, 500);
	assert_int_equal(scenario_parse(s, "x", "expect server-end rst at 1s\n", &err), 0);
	assert_int_equal(s->expect[0].tol_ms, 200);
	free(s);
}

static void test_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "", "f.scn: no \"expect\" line" },
		{ "expect session survives\nbogus 1\n",
		  "f.scn:2: \"bogus\": expected name, describe" },
		{ "server keepalive 2/1\nexpect session survives\n",
		  "f.scn:1: \"2/1\": expected IDLE/INTVL/COUNT" },
		{ "server keepalive 2/1/300\n", "f.scn:1: \"2/1/300\"" },
		{ "server keepalive 2/1/3/4\n", "f.scn:1: \"2/1/3/4\"" },
		{ "server expire_time ten\n",
		  "f.scn:1: \"ten\": expected a whole number from 0 to 546" },
		{ "server colour blue\n", "f.scn:1: server: expected keepalive" },
		{ "\n\nclient plan call, dance\n",
		  "f.scn:3: plan, byte 6: unknown step \"dance\"" },
		{ "firewall conntrack\n", "f.scn:1: firewall conntrack needs \"idle DUR\"" },
		{ "firewall conntrack idle 1500ms\n", "conntrack counts whole seconds" },
		{ "firewall conntrack idle 3s expiry loud\n",
		  "expiry \"loud\": expected silent, rst-next or rst-both" },
		{ "firewall preset acme\n", "unknown firewall preset \"acme\" (linux-conntrack, " },
		{ "firewall wall\n", "firewall: expected none, conntrack or preset NAME" },
		{ "fault meteor at 1s\n", "fault: expected client-crash" },
		{ "fault client-crash 1s\n", "fault client-crash: expected \"at DUR\"" },
		{ "fault link-cut at 3s restore 1s\n", "f.scn:1: restore 1s comes before the cut" },
		{ "fault client-crash at 1s restore 2s\n", "unexpected after the fault's time" },
		{ "expect call 0 ok\n", "f.scn:1: \"0\": expected a whole number from 1 to 1000" },
		{ "server expire_time 600\n",
		  "f.scn:1: \"600\": expected a whole number from 0 to 546" }, /* as sqlnet.ora */
		{ "expect call 2 ok\n", "f.scn:1: call 2: the plan makes only 1 call" },
		{ "expect call 1 fails ORA-x\n", "\"ORA-x\": expected an ORA-nnnnn code" },
		{ "expect server-end sleepy\n", "server-end \"sleepy\": expected none, dead-peer" },
		{ "expect server-end none within 2s\n", "server-end none takes no time" },
		{ "expect server-end rst soon\n", "\"soon\": expected \"within DUR\"" },
		{ "expect capture maybe\n",
		  "expected \"capture [server-leg|client-leg] VERDICT\"" },
		{ "expect fw-entry expires\n",
		  "f.scn:1: fw-entry: the scenario has no stateful firewall" },
		{ "expect weather fine\n", "expect: expected session survives" },
		{ "name a/b\nexpect session survives\n", "name \"a/b\": use letters" },
		{ "family 5\n", "family: expected 4 or 6" },
		{ "clients 17\n", "f.scn:1: \"17\": expected a whole number from 1 to 16" },
		{ "duration 2d\n", "\"2d\": expected a duration up to 3600s" },
		{ "server ns-probes\nserver keepalive 1/1/1\nexpect session survives\n",
		  "ns-probes and server keepalive contradict" },
		{ "client measure min 60s max 30s\n", "f.scn:1: measure: min must be shorter" },
		{ "client measure min\n", "f.scn:1: measure: \"min\" needs a value" },
		{ "client measure colour blue\n",
		  "measure: \"colour\": expected min, max, precision, connections or sequential" },
		{ "client measure connections 2\n", "\"2\": expected a whole number from 4" },
		{ "expect measured-expiry silent\n",
		  "f.scn:1: a measured-* expectation needs \"client measure\"" },
		{ "client measure\nexpect session survives\n",
		  "f.scn:2: with \"client measure\" expect measured-* or fw-entry" },
		{ "client measure\nexpect measured-expiry loud\n", "measured-expiry KIND" },
		{ "client measure\nexpect measured-timeout 20s +/- 1s\n",
		  "expected \"measured-timeout DUR [+- DUR]\"" },
		{ "client measure\nclients 2\nexpect measured-expiry none\n",
		  "client measure runs one dcdlab measure" },
		/* the database's own ends */
		{ "fault kill-session at 1s now\n",
		  "\"now\": kill-session takes only \"immediate\"" },
		{ "server max_idle_time soon\n", "f.scn:1: max_idle_time: expected minutes" },
		{ "server idle_time 0\n", "idle_time: expected minutes" },
		{ "server release 12.1\nserver max_idle_time 3s\nexpect session survives\n",
		  "f.scn: MAX_IDLE_TIME needs release 12.2 or later; the server is 12.1" },
		{ "server release 18c\nserver max_idle_blocker_time 3s\nexpect session survives\n",
		  "MAX_IDLE_BLOCKER_TIME needs release 19c or later" },
		{ "client 2 plan call\nexpect session survives\n",
		  "f.scn: client 2 has a plan but the scenario has 1 client" },
		{ "client 2 call\n", "f.scn:1: client 2: expected \"plan ...\"" },
		{ "client 17 plan call\n", "\"17\": expected a whole number from 1 to 16" },
		{ "clients 2\nclient 2 plan call, dance\n", "f.scn:2: plan, byte 6: unknown step" },
		{ "expect client 2 session survives\n",
		  "f.scn:1: client 2: the scenario has 1 client" },
		{ "clients 2\nclient 2 plan call\nexpect client 2 call 2 ok\n",
		  "f.scn:3: call 2: the plan makes only 1 call" },
		{ "expect server-status dozing\n",
		  "server-status \"dozing\": expected killed, sniped or inactive" },
		{ "expect server-status active\n", "expected killed, sniped or inactive" },
		{ "client plan lock\n", "lock needs a name" },
		{ "client driver odbc\n", "f.scn:1: driver: expected native, jdbc-thin" },
		{ "client os_keepalive 2/1\n", "expected IDLE/INTVL/COUNT" },
		{ "client jdbc_properties j.properties\nexpect session survives\n",
		  "client jdbc_properties needs \"client driver jdbc-thin\"" },
		{ "expect client-dcd sometimes\n", "expect: expected session survives" },
	};
	struct scenario *s = calloc(1, sizeof(*s));

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dcd_err err = { "" };
		if (scenario_parse(s, "f.scn", bad[i].text, &err) == 0)
			fail_msg("case %zu parsed: %s", i, bad[i].text);
		if (strstr(err.msg, bad[i].want) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, bad[i].want);
	}
	free(s);
}

/* The database's own ends: idle limits, kill-session, per-client plans
 * and expectations on one client. */
static void test_db_ends(void **state)
{
	struct scenario *s = calloc(1, sizeof(*s));
	struct dcd_err err = { "" };

	(void)state;
	assert_int_equal(scenario_parse(s, "f.scn",
	                                "server max_idle_time 30\n"
	                                "server max_idle_blocker_time 3s\n"
	                                "server idle_time 1.5m\n"
	                                "clients 2\n"
	                                "client plan call, idle 9s, call\n"
	                                "client 2 plan idle 1s, lock row1, commit, close\n"
	                                "fault kill-session at 2s immediate\n"
	                                "fault kill-session at 4s\n"
	                                "expect client 2 call 2 ok\n"
	                                "expect client 1 server-end max-idle-blocker-time at 3s\n"
	                                "expect server-status killed\n",
	                                &err),
	                 0);
	assert_int_equal(s->limits.max_idle_ms, 30 * 60000); /* bare: minutes */
	assert_int_equal(s->limits.max_idle_blocker_ms, 3000);
	assert_int_equal(s->limits.idle_time_ms, 90000);
	assert_string_equal(scenario_plan(s, 0), "call, idle 9s, call");
	assert_string_equal(scenario_plan(s, 1), "idle 1s, lock row1, commit, close");
	assert_int_equal(scenario_client_calls(s, 1), 2);
	assert_int_equal(s->fault[0].kind, FAULT_KILL_SESSION);
	assert_true(s->fault[0].immediate);
	assert_false(s->fault[1].immediate);
	assert_int_equal(s->expect[0].client, 2);
	assert_int_equal(s->expect[0].kind, EXPECT_CALL_OK);
	assert_string_equal(s->expect[0].text, "client 2 call 2 ok");
	assert_int_equal(s->expect[1].cause, END_MAX_IDLE_BLOCKER);
	assert_int_equal(s->expect[2].kind, EXPECT_SERVER_STATUS);
	assert_int_equal(s->expect[2].cause, DB_KILLED);
	assert_int_equal(s->expect[2].client, 0);
	assert_int_equal(scenario_parse(s, "f.scn",
	                                "client driver node-thin\n"
	                                "client os_keepalive 2/1/3\n"
	                                "expect client-dcd none\n",
	                                &err),
	                 0);
	assert_int_equal(s->client_driver, DRV_NODE_THIN);
	assert_int_equal(s->c_os_idle_s, 2);
	assert_int_equal(s->c_os_cnt, 3);
	assert_int_equal(s->expect[0].kind, EXPECT_CLIENT_DCD);
	assert_int_equal(s->expect[0].verdict, 0);
	free(s);
}

/* Every file in the library parses (the lab test runs them). */
static void test_library(void **state)
{
	DIR *d = opendir("scenarios");
	struct dirent *e;
	struct scenario *s = calloc(1, sizeof(*s));
	int n = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[300];
		struct dcd_err err = { "" };
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".scn") != 0)
			continue;
		snprintf(path, sizeof(path), "scenarios/%s", e->d_name);
		if (scenario_load(s, path, &err) != 0)
			fail_msg("%s", err.msg);
		n++;
	}
	closedir(d);
	assert_true(n >= 20);
	struct dcd_err err = { "" };
	assert_int_not_equal(scenario_load(s, "scenarios/no-such.scn", &err), 0);
	assert_non_null(strstr(err.msg, "scenarios/no-such.scn: No such file"));
	free(s);
}

/* A plan may make more calls than a run records, but an expectation can
 * only name a recorded one (else a valid scenario failed "not made"). */
static void test_recorded_calls(void **state)
{
	char text[256] = "client plan 100*call\nexpect call 64 ok\n";
	struct scenario *s = calloc(1, sizeof(*s));
	struct dcd_err err = { "" };
	(void)state;
	assert_int_equal(scenario_parse(s, "f.scn", text, &err), 0);
	strcat(text, "expect call 100 ok\n");
	assert_int_not_equal(scenario_parse(s, "f.scn", text, &err), 0);
	assert_non_null(strstr(err.msg, "f.scn:3: call 100: runs record the first 64 calls"));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),           cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),         cmocka_unit_test(test_library),
		cmocka_unit_test(test_recorded_calls), cmocka_unit_test(test_measure),
		cmocka_unit_test(test_db_ends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
