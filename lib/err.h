/* err.h - an error message carried up to whoever can report it.
 *
 * Every fallible function takes a `struct dcd_err *` and writes one line that
 * names what failed and where (file:line, option, byte offset), in the style of
 * redis anet.c; callers add context with err_prefix() and print it once. */
#ifndef DCDLAB_ERR_H
#define DCDLAB_ERR_H

#include <stddef.h>

struct dcd_err {
	char msg[512];
};

/* Set the message (printf format). NULL `e` is allowed and ignored. */
void err_set(struct dcd_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Put "prefix: " in front of the current message. */
void err_prefix(struct dcd_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
