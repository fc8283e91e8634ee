/* test_sockopt.c - keepalive options on real (unconnected) TCP sockets:
 * applied and read back, and failures that name the option. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../probe/sockopt.h"

static void test_apply_readback(void **state)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), on;
	struct keepalive ka = { 600, 6, 10 }, got;
	struct dcd_err err = { "" };

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(sockopt_keepalive_apply(fd, &ka, &got, &err), 0);
	assert_int_equal(got.idle_s, 600);
	assert_int_equal(got.intvl_s, 6);
	assert_int_equal(got.cnt, 10);
	assert_int_equal(sockopt_keepalive_off(fd, &err), 0);
	assert_int_equal(sockopt_keepalive_read(fd, &on, &got, &err), 0);
	assert_int_equal(on, 0);
	close(fd);
}

static void test_errors_name_the_option(void **state)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), sp[2];
	struct keepalive got;
	struct dcd_err err = { "" };

	(void)state;
	/* Linux caps TCP_KEEPIDLE at 32767 s and TCP_KEEPCNT at 127. */
	assert_int_equal(
	        sockopt_keepalive_apply(fd, &(struct keepalive){ 40000, 6, 10 }, &got, &err), -1);
	assert_string_equal(err.msg, "setsockopt TCP_KEEPIDLE=40000: Invalid argument");
	assert_int_equal(sockopt_keepalive_apply(fd, &(struct keepalive){ 60, 6, 200 }, &got, &err),
	                 -1);
	assert_string_equal(err.msg, "setsockopt TCP_KEEPCNT=200: Invalid argument");
	close(fd);
	/* Not a TCP socket at all. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	assert_int_equal(
	        sockopt_keepalive_apply(sp[0], &(struct keepalive){ 60, 6, 10 }, &got, &err), -1);
	assert_string_equal(err.msg, "setsockopt TCP_KEEPIDLE=60: Operation not supported");
	close(sp[0]);
	close(sp[1]);
}

static void test_classify(void **state)
{
	struct tcp_end_info ka = { .probes = 3 }, rt = { .retransmits = 4 },
	                    ut = { .probes = 1, .user_timeout_ms = 5000 };

	(void)state;
	assert_int_equal(sockopt_classify_error(110, &ka), END_KEEPALIVE_TIMEOUT);
	assert_int_equal(sockopt_classify_error(110, &rt), END_RETRANS_TIMEOUT);
	assert_int_equal(sockopt_classify_error(110, &ut), END_USER_TIMEOUT);
	assert_int_equal(sockopt_classify_error(104, &ka), END_RST);
	assert_int_equal(sockopt_classify_error(5, &ka), END_ERROR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_readback),
		cmocka_unit_test(test_errors_name_the_option),
		cmocka_unit_test(test_classify),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
