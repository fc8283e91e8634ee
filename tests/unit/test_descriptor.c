/* test_descriptor.c - NV strings, connect descriptors, tnsnames.ora, Easy Connect. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/sbuf.h"
#include "../../model/descriptor.h"
#include "../../model/nv.h"
#include "../../model/orafile.h"

static void test_nv_roundtrip(void **state)
{
	const char *in = " ( DESCRIPTION = (ADDRESS=(PROTOCOL = tcp)( HOST=db 1 )(PORT=1521))"
	                 "(CONNECT_DATA=(CONNECTION_ID=SqnHOE2uQu2G2ww+L46cEQ==)(X=\"a (b)\"))) ";
	struct nv_error e;
	struct nv *nv = nv_parse(in, strlen(in), &e);
	struct sbuf out = { 0 };

	(void)state;
	assert_non_null(nv);
	nv_format(nv, &out);
	assert_string_equal(
	        out.buf, "(DESCRIPTION=(ADDRESS=(PROTOCOL=tcp)(HOST=db 1)(PORT=1521))"
	                 "(CONNECT_DATA=(CONNECTION_ID=SqnHOE2uQu2G2ww+L46cEQ==)(X=a \\(b\\))))");
	const struct nv *id = nv_path(nv, "description", "connect_data", "connection_id", NULL);
	assert_non_null(id);
	assert_string_equal(id->atom, "SqnHOE2uQu2G2ww+L46cEQ==");
	assert_null(nv_path(nv, "DESCRIPTION", "NOPE", NULL));
	sbuf_free(&out);
	nv_free(nv);
}

static const struct nv_bad {
	const char *text;
	size_t offset;
	const char *what;
} nv_bad[] = {
	{ "", 0, "empty value" },
	{ "   ", 3, "empty value" },
	{ "DESCRIPTION=", 0, "expected '('" },
	{ "(=x)", 1, "expected a name after '('" },
	{ "(A x)", 4, "expected '=' after the name" },
	{ "(A=(B=1)", 8, "missing ')' at end of text" },
	{ "(A=1))", 5, "unexpected text after the last ')'" },
	{ "(A=\"open)", 3, "unterminated quoted string" },
	{ "(A=1)junk", 5, "unexpected text after the last ')'" },
	{ "(\"\"=x)", 3, "expected a name after '('" },
	{ "(A=\0)", 3, "NUL byte in text" },
};

static void test_nv_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(nv_bad) / sizeof(nv_bad[0]); i++) {
		struct nv_error e;
		size_t len = strlen(nv_bad[i].text);
		if (strcmp(nv_bad[i].what, "NUL byte in text") == 0)
			len = 5;
		struct nv *nv = nv_parse(nv_bad[i].text, len, &e);
		if (nv != NULL)
			fail_msg("case %zu parsed: %s", i, nv_bad[i].text);
		if (e.offset != nv_bad[i].offset || strcmp(e.what, nv_bad[i].what) != 0)
			fail_msg("case %zu \"%s\": byte %zu \"%s\", expected byte %zu \"%s\"", i,
			         nv_bad[i].text, e.offset, e.what, nv_bad[i].offset,
			         nv_bad[i].what);
	}
}

/* What nv_format writes parses back to the same tree (found by fuzz_nv). */
static void test_nv_format_escapes(void **state)
{
	const char *in = "(A=\"quoted (x)\")(B=\\)esc)(C=\" padded \")(D=a\\\\b)";
	struct nv_error e;
	struct nv *nv = nv_parse(in, strlen(in), &e), *again;
	struct sbuf out = { 0 }, out2 = { 0 };

	(void)state;
	assert_non_null(nv);
	assert_string_equal(nv->atom, "quoted (x)");
	nv_format(nv, &out);
	assert_string_equal(out.buf, "(A=quoted \\(x\\))(B=\\)esc)(C=\\ padded\\ )(D=a\\\\b)");
	again = nv_parse(out.buf, out.len, &e);
	assert_non_null(again);
	nv_format(again, &out2);
	assert_string_equal(out.buf, out2.buf);
	assert_string_equal(nv_find(again, "C")->atom, " padded ");
	nv_free(nv);
	nv_free(again);
	sbuf_free(&out);
	sbuf_free(&out2);
}

static void test_nv_depth_limit(void **state)
{
	struct sbuf deep = { 0 };
	struct nv_error e;

	(void)state;
	for (int i = 0; i < 40; i++)
		sbuf_add(&deep, "(A=", 3);
	sbuf_add(&deep, "x", 1);
	for (int i = 0; i < 40; i++)
		sbuf_add(&deep, ")", 1);
	assert_null(nv_parse(deep.buf, deep.len, &e));
	assert_string_equal(e.what, "nested deeper than 32 levels");
	sbuf_free(&deep);
}

static void test_descriptor_inline(void **state)
{
	struct dcd_descriptor d;
	struct dcd_err err = { "" };

	(void)state;
	assert_int_equal(
	        descriptor_parse(&d,
	                         "(DESCRIPTION=(EXPIRE_TIME=1)(ENABLE=BROKEN)(CONNECT_TIMEOUT=10)"
	                         "(ADDRESS_LIST=(ADDRESS=(PROTOCOL=TCP)(HOST=db1)(PORT=1521))"
	                         "(ADDRESS=(HOST=db2)))(CONNECT_DATA=(SERVICE_NAME=orcl)(SERVER="
	                         "DEDICATED)))",
	                         &err),
	        0);
	assert_int_equal(d.expire_time_min, 1);
	assert_true(d.enable_broken);
	assert_int_equal(d.connect_timeout_ms, 10000);
	assert_int_equal(d.n_address, 2);
	assert_string_equal(d.address[1].host, "db2");
	assert_int_equal(d.address[1].port, 1521); /* default port */
	assert_string_equal(d.service_name, "orcl");
	assert_string_equal(d.server, "DEDICATED");
	assert_non_null(strstr(d.text, "(EXPIRE_TIME=1)"));
	descriptor_free(&d);
}

static const struct desc_bad {
	const char *text;
	const char *want;
} desc_bad[] = {
	{ "(ADDRESS=(HOST=x))", "expected (DESCRIPTION=...)" },
	{ "(DESCRIPTION=(CONNECT_DATA=(SERVICE_NAME=x)))", "DESCRIPTION has no ADDRESS" },
	{ "(DESCRIPTION=(ADDRESS=(PORT=1)))", "ADDRESS without HOST" },
	{ "(DESCRIPTION=(ADDRESS=(HOST=h)(PORT=99999)))", "ADDRESS PORT: bad value \"99999\"" },
	{ "(DESCRIPTION=(EXPIRE_TIME=soon)(ADDRESS=(HOST=h)))", "EXPIRE_TIME: bad value \"soon\"" },
	{ "(DESCRIPTION=(ENABLE=YES)(ADDRESS=(HOST=h)))",
	  "ENABLE: bad value \"YES\": expected BROKEN" },
	{ "(DESCRIPTION=(CONNECT_TIMEOUT=x)(ADDRESS=(HOST=h)))",
	  "CONNECT_TIMEOUT: bad value \"x\"" },
	{ "(DESCRIPTION=(ADDRESS=(HOST=h))", "connect descriptor, byte 31: missing ')'" },
};

static void test_descriptor_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(desc_bad) / sizeof(desc_bad[0]); i++) {
		struct dcd_descriptor d;
		struct dcd_err err = { "" };
		if (descriptor_parse(&d, desc_bad[i].text, &err) == 0)
			fail_msg("case %zu parsed", i);
		if (strstr(err.msg, desc_bad[i].want) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, desc_bad[i].want);
		descriptor_free(&d);
	}
}

static void test_ezconnect(void **state)
{
	struct dcd_descriptor d;
	struct dcd_err err = { "" };

	(void)state;
	assert_int_equal(ezconnect_parse(&d, "db1:1522/orcl?expire_time=5&retry_count=3", &err), 0);
	assert_string_equal(d.address[0].host, "db1");
	assert_int_equal(d.address[0].port, 1522);
	assert_string_equal(d.service_name, "orcl");
	assert_int_equal(d.expire_time_min, 5);
	assert_string_equal(
	        d.text, "(DESCRIPTION=(EXPIRE_TIME=5)(ADDRESS=(PROTOCOL=TCP)(HOST=db1)(PORT=1522))"
	                "(CONNECT_DATA=(SERVICE_NAME=orcl)))");
	descriptor_free(&d);

	assert_int_equal(ezconnect_parse(&d, "//[2001:db8::1]/svc:dedicated/inst1", &err), 0);
	assert_string_equal(d.address[0].host, "2001:db8::1");
	assert_int_equal(d.address[0].port, 1521);
	assert_string_equal(d.service_name, "svc");
	assert_string_equal(d.server, "dedicated");
	assert_int_equal(d.expire_time_min, -1);
	descriptor_free(&d);

	assert_int_equal(ezconnect_parse(&d, "tcps://h:2484/s?enable=broken", &err), 0);
	assert_string_equal(d.address[0].protocol, "TCPS");
	assert_true(d.enable_broken);
	descriptor_free(&d);
}

static const struct desc_bad ez_bad[] = {
	{ ":1521/x", "byte 0: expected a host name" },
	{ "h:/x", "byte 2: expected a port" },
	{ "h:70000/x", "bad port \"70000\"" },
	{ "[::1/x", "missing ']'" },
	{ "h/x?expire_time=abc", "expire_time: bad value \"abc\"" },
	{ "h/x?enable=always", "enable: bad value \"always\"" },
	{ "h/x?novalue", "expected name=value" },
	{ "h:1521x", "bad port \"1521x\"" },
};

static void test_ezconnect_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ez_bad) / sizeof(ez_bad[0]); i++) {
		struct dcd_descriptor d;
		struct dcd_err err = { "" };
		if (ezconnect_parse(&d, ez_bad[i].text, &err) == 0)
			fail_msg("case %zu parsed: %s", i, ez_bad[i].text);
		if (strstr(err.msg, ez_bad[i].want) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, ez_bad[i].want);
		descriptor_free(&d);
	}
}

static void test_tnsnames(void **state)
{
	struct dcd_descriptor d;
	struct dcd_err err = { "" };
	const char *f = "tests/data/tnsnames.ora";

	(void)state;
	assert_int_equal(descriptor_resolve(&d, "orcl", f, &err), 0);
	assert_int_equal(d.expire_time_min, 5);
	assert_string_equal(d.address[0].host, "db1.example.com");
	assert_string_equal(d.service_name, "orcl.example.com");
	descriptor_free(&d);

	/* Second alias of a multi-alias entry, parentheses in column 1. */
	assert_int_equal(descriptor_resolve(&d, "REPORTS", f, &err), 0);
	assert_true(d.enable_broken);
	assert_int_equal(d.n_address, 2);
	assert_int_equal(d.address[1].port, 1522);
	assert_string_equal(d.sid, "rpt");
	descriptor_free(&d);

	/* An alias standing for an Easy Connect string. */
	assert_int_equal(descriptor_resolve(&d, "ez", f, &err), 0);
	assert_int_equal(d.address[0].port, 1523);
	assert_int_equal(d.expire_time_min, 2);
	descriptor_free(&d);

	assert_int_equal(descriptor_resolve(&d, "nosuch", f, &err), -1);
	assert_string_equal(err.msg, "tests/data/tnsnames.ora: no entry named \"nosuch\"");
	descriptor_free(&d);
}

static void test_tnsnames_errors(void **state)
{
	struct dcd_descriptor d;
	struct dcd_err err = { "" };
	const char *text = "A = (DESCRIPTION=(ADDRESS=(HOST=h)))\n"
	                   "B =\n"
	                   "  (DESCRIPTION=\n"
	                   "    (ADDRESS=(HOST=h)(PORT=1521)\n"
	                   "  )\n"
	                   "C = (DESCRIPTION=(EXPIRE_TIME=x)(ADDRESS=(HOST=h)))\n";

	(void)state;
	assert_int_equal(tnsnames_lookup(&d, "t.ora", text, strlen(text), "B", &err), -1);
	assert_string_equal(err.msg, "t.ora:5:4: B: missing ')' at end of text");
	descriptor_free(&d);
	assert_int_equal(tnsnames_lookup(&d, "t.ora", text, strlen(text), "C", &err), -1);
	assert_string_equal(err.msg,
	                    "t.ora:6: C: EXPIRE_TIME: bad value \"x\": expected minutes, 0 to 546");
	descriptor_free(&d);
	assert_int_equal(tnsnames_lookup(&d, "t.ora", text, strlen(text), "A", &err), 0);
	descriptor_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nv_roundtrip),      cmocka_unit_test(test_nv_errors),
		cmocka_unit_test(test_nv_depth_limit),    cmocka_unit_test(test_nv_format_escapes),
		cmocka_unit_test(test_descriptor_inline), cmocka_unit_test(test_descriptor_errors),
		cmocka_unit_test(test_ezconnect),         cmocka_unit_test(test_ezconnect_errors),
		cmocka_unit_test(test_tnsnames),          cmocka_unit_test(test_tnsnames_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
