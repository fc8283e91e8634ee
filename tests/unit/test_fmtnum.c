/* test_fmtnum.c - the printf-free formatters write what printf writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/fmtnum.h"

static void same_fixed(double v, int d)
{
	char want[400], got[400];
	size_t n;

	snprintf(want, sizeof(want), "%.*f", d, v);
	n = fmt_fixed(got, sizeof(got), v, d);
	if (strcmp(want, got) != 0 || n != strlen(want))
		fail_msg("%%.%df of %.17g: printf \"%s\", fmt_fixed \"%s\" (%zu)", d, v, want, got,
		         n);
}

static void test_fixed(void **state)
{
	/* Ties as the binary value has them (0.25 is exact: half-even in
	 * printf; 0.35 is below its tie), zero, -0, huge, tiny. */
	static const double edge[] = { 0,      -0.0,         0.05,   0.15,   0.25,   0.35,
		                       0.45,   0.5,          1.5,    2.5,    0.125,  0.0005,
		                       0.9995, 9.95,         99.95,  1e-9,   4.5e9,  -3.25,
		                       1e300,  429496729.55, 0.9999, 1.0005, 3599.95 };
	unsigned seed = 11;

	(void)state;
	for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++)
		for (int d = 0; d <= 3; d++)
			same_fixed(edge[i], d);
	for (int t = 0; t < 300000; t++) {
		/* Values as a capture's times are: ms counts / 1000, and random
		 * doubles over many magnitudes. */
		double ms = (double)(rand_r(&seed) % 100000000) / 1000.0;
		double r = (double)rand_r(&seed) / RAND_MAX * pow(10, rand_r(&seed) % 12 - 3);
		for (int d = 0; d <= 3; d++) {
			same_fixed(ms, d);
			same_fixed(r, d);
			same_fixed((double)(rand_r(&seed) % 20000) / 8.0, d); /* exact ties */
		}
	}
}

static void test_ints_and_addresses(void **state)
{
	char got[32], want[32];
	static const uint32_t v[] = { 0, 7, 10, 99, 100, 65535, 1000000, 4294967295u };
	static const uint8_t a[][4] = { { 0, 0, 0, 0 }, { 192, 0, 2, 1 }, { 255, 255, 255, 255 } };

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(want, sizeof(want), "%u", v[i]);
		assert_int_equal(fmt_u(got, v[i]), strlen(want));
		assert_string_equal(got, want);
	}
	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		snprintf(want, sizeof(want), "%u.%u.%u.%u:%u", a[i][0], a[i][1], a[i][2], a[i][3],
		         (unsigned)(i * 30000 + 1));
		assert_int_equal(fmt_ipv4_port(got, a[i], (uint16_t)(i * 30000 + 1)), strlen(want));
		assert_string_equal(got, want);
	}
	char *e = fmt_pad(got, "abc", 3, 6);
	*e = '\0';
	assert_string_equal(got, "abc   ");
	e = fmt_right(got, "42", 2, 6);
	*e = '\0';
	assert_string_equal(got, "    42");
	e = fmt_right(got, "1234567", 7, 6);
	*e = '\0';
	assert_string_equal(got, "1234567");
	/* Short buffers: snprintf's truncation and length. */
	assert_int_equal(fmt_fixed(got, 4, 12.25, 1), 4);
	assert_string_equal(got, "12.");
	e = fmt_pad(got, "abcdefg", 7, 6);
	*e = '\0';
	assert_string_equal(got, "abcdefg");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_ints_and_addresses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
