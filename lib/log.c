/* log.c - readable messages on stderr.
 *
 * The level is process-wide by nature (stderr is); it is the one piece of
 * static state, set once from the command line. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static enum log_level max_level = LOG_INFO;

void log_set_level(enum log_level level)
{
	max_level = level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const tag[] = {
		[LOG_ERROR] = "error: ",
		[LOG_WARN] = "warning: ",
		[LOG_INFO] = "",
		[LOG_DEBUG] = "debug: ",
	};
	va_list ap;

	if (level > max_level)
		return;
	/* One write (stderr is unbuffered), so that a message from another
	 * thread (listen's sampler) never lands inside this line; no memory
	 * taken: the message may be about the lack of it. A longer line goes
	 * out in pieces. */
	char line[1024];
	int n = snprintf(line, sizeof(line), "dcdlab: %s", tag[level]);
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	if (m >= 0 && (size_t)(n + m) < sizeof(line) - 1) {
		line[n + m] = '\n';
		fwrite(line, 1, (size_t)(n + m) + 1, stderr);
		return;
	}
	/* Longer than the buffer: the prefix, then the message in pieces. */
	fwrite(line, 1, (size_t)n, stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
