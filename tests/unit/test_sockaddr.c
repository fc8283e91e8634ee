/* test_sockaddr.c - addresses as text: listen's and --metrics' HOST:PORT,
 * and the port of a formatted peer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>

#include "../../lib/sockaddr.h"

static void test_parse_and_format(void **state)
{
	static const struct {
		const char *in, *out; /* out NULL: an error */
	} cases[] = {
		{ "127.0.0.1:1521", "127.0.0.1:1521" },
		{ ":1521", "0.0.0.0:1521" },
		{ "[::1]:1521", "[::1]:1521" },
		{ "[2001:db8::1]:80", "[2001:db8::1]:80" },
		{ "192.0.2.1:65535", "192.0.2.1:65535" },
		{ "nowhere", NULL },
		{ "db1:1521", NULL }, /* numeric only: no resolver */
		{ "192.0.2.1:0", NULL },
		{ "192.0.2.1:65536", NULL },
		{ "192.0.2.1:15x", NULL },
		{ "192.0.2.1:", NULL },
		{ "::1:80", NULL }, /* a v6 address with a port needs [ ] */
		{ "[::1]", NULL },
		{ "[::1:80", NULL },
		{ "999.0.0.1:80", NULL },
		{ "", NULL },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sockaddr_storage ss;
		struct dcd_err err = { "" };
		int len = 0;
		char buf[80];
		int rc = parse_hostport(cases[i].in, &ss, &len, &err);
		if (cases[i].out == NULL) {
			if (rc == 0)
				fail_msg("\"%s\" parsed", cases[i].in);
			if (!strstr(err.msg, "expected HOST:PORT") || !strstr(err.msg, cases[i].in))
				fail_msg("\"%s\": %s", cases[i].in, err.msg);
			continue;
		}
		if (rc != 0)
			fail_msg("\"%s\": %s", cases[i].in, err.msg);
		format_sockaddr((struct sockaddr *)&ss, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].out);
		assert_int_equal(len, ss.ss_family == AF_INET ? (int)sizeof(struct sockaddr_in)
		                                              : (int)sizeof(struct sockaddr_in6));
	}
}

static void test_port_of_text(void **state)
{
	(void)state;
	assert_int_equal(hostport_port("192.0.2.2:40000"), 40000);
	assert_int_equal(hostport_port("[2001:db8:1::2]:40001"), 40001);
	assert_int_equal(hostport_port("192.0.2.2"), 0);
	assert_int_equal(hostport_port("192.0.2.2:"), 0);
	assert_int_equal(hostport_port("192.0.2.2:99999"), 0);
	assert_int_equal(hostport_port("192.0.2.2:12ab"), 0);
}

/* Host and port apart, as evhttp_bind_socket takes them. */
static void test_split(void **state)
{
	struct sockaddr_storage ss;
	struct dcd_err err = { "" };
	char host[64];
	int len;

	(void)state;
	assert_int_equal(parse_hostport("[2001:db8::7]:9100", &ss, &len, &err), 0);
	assert_int_equal(sockaddr_split((struct sockaddr *)&ss, host, sizeof(host)), 9100);
	assert_string_equal(host, "2001:db8::7");
	assert_int_equal(parse_hostport("192.0.2.9:1521", &ss, &len, &err), 0);
	assert_int_equal(sockaddr_split((struct sockaddr *)&ss, host, sizeof(host)), 1521);
	assert_string_equal(host, "192.0.2.9");
	ss.ss_family = AF_UNIX;
	assert_int_equal(sockaddr_split((struct sockaddr *)&ss, host, sizeof(host)), 0);
	assert_string_equal(host, "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_format),
		cmocka_unit_test(test_port_of_text),
		cmocka_unit_test(test_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
