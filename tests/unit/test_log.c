/* test_log.c - messages on stderr: one write a line, whole however long. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../lib/log.h"

/* What log calls write to stderr, read back from a temporary file. */
struct captured {
	char text[8192];
	size_t len;
};

static FILE *tmp;
static int saved_fd = -1;

static void capture_start(void)
{
	fflush(stderr);
	tmp = tmpfile();
	assert_non_null(tmp);
	saved_fd = dup(2);
	assert_true(saved_fd >= 0);
	assert_int_equal(dup2(fileno(tmp), 2), 2);
}

static void capture_end(struct captured *c)
{
	fflush(stderr);
	assert_int_equal(dup2(saved_fd, 2), 2);
	close(saved_fd);
	rewind(tmp);
	c->len = fread(c->text, 1, sizeof(c->text) - 1, tmp);
	c->text[c->len] = '\0';
	fclose(tmp);
}

static void test_levels_and_prefix(void **state)
{
	struct captured c;

	(void)state;
	log_set_level(LOG_INFO);
	capture_start();
	log_error("bad %s at byte %d", "record", 24);
	log_warn("late");
	log_info("plain");
	log_debug("not shown");
	capture_end(&c);
	assert_string_equal(c.text, "dcdlab: error: bad record at byte 24\n"
	                            "dcdlab: warning: late\n"
	                            "dcdlab: plain\n");
}

/* Longer than the line buffer: written in pieces, nothing lost. */
static void test_long_message_whole(void **state)
{
	char arg[3000], want[3100];
	struct captured c;

	(void)state;
	memset(arg, 'x', sizeof(arg) - 1);
	arg[sizeof(arg) - 1] = '\0';
	snprintf(want, sizeof(want), "dcdlab: warning: [%s]\n", arg);
	capture_start();
	log_warn("[%s]", arg);
	capture_end(&c);
	assert_int_equal(c.len, strlen(want));
	assert_string_equal(c.text, want);
}

/* One that just fits and one a byte longer: both whole, one line each. */
static void test_at_the_buffer_edge(void **state)
{
	(void)state;
	for (size_t len = 990; len < 1030; len++) {
		char arg[1100], want[1200];
		struct captured c;
		memset(arg, 'y', len);
		arg[len] = '\0';
		snprintf(want, sizeof(want), "dcdlab: %s\n", arg);
		capture_start();
		log_info("%s", arg);
		capture_end(&c);
		assert_string_equal(c.text, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels_and_prefix),
		cmocka_unit_test(test_long_message_whole),
		cmocka_unit_test(test_at_the_buffer_edge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
