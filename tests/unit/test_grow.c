/* test_grow.c - arrays that double when they are full. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "../../lib/grow.h"

/* Appending 1000 elements: the capacity runs first, 2 first, 4 first ...,
 * a full array is the only one reallocated, and every element stays. */
static void test_doubles_and_keeps(void **state)
{
	uint32_t *v = NULL;
	size_t n = 0, cap = 0, grew = 0;

	(void)state;
	for (uint32_t i = 0; i < 1000; i++) {
		size_t before = cap;
		uint32_t *w = grow(v, &cap, n, sizeof(*w), 5);
		assert_non_null(w);
		if (n < before) {
			assert_ptr_equal(w, v);
			assert_int_equal(cap, before);
		} else {
			assert_int_equal(cap, before ? 2 * before : 5);
			grew++;
		}
		v = w;
		v[n++] = i * 7;
	}
	assert_int_equal(cap, 1280); /* 5 * 2^8 */
	assert_int_equal(grew, 9);
	for (uint32_t i = 0; i < 1000; i++)
		assert_int_equal(v[i], i * 7);
	free(v);
}

/* Sizes that do not fit: NULL, and the array and its capacity as they were. */
static void test_overflow(void **state)
{
	char one[1] = { 'x' };
	size_t cap = SIZE_MAX / 2 + 1;

	(void)state;
	assert_null(grow(one, &cap, cap, 1, 8));
	assert_int_equal(cap, SIZE_MAX / 2 + 1);
	cap = 0;
	assert_null(grow(NULL, &cap, 0, SIZE_MAX / 2, 4));
	assert_int_equal(cap, 0);
	cap = 4;
	assert_null(grow(one, &cap, 4, SIZE_MAX / 4, 1)); /* 8 * SIZE_MAX / 4 */
	assert_int_equal(cap, 4);
	cap = 0;
	assert_null(grow(NULL, &cap, 0, 8, 0)); /* no first size: a caller's bug */
	assert_int_equal(cap, 0);
	assert_int_equal(one[0], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doubles_and_keeps),
		cmocka_unit_test(test_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
