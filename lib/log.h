/* log.h - the one place dcdlab's readable messages go through.
 *
 * Messages go to stderr prefixed with the program name; `log_debug` only when
 * verbose. libevent's own messages are routed in by probe code (see
 * log_libevent_cb), as tmux's proc.c does. The verbosity lives in the caller's
 * context and is handed in once; there are no other knobs. */
#ifndef DCDLAB_LOG_H
#define DCDLAB_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Set the highest level that is printed (default LOG_INFO). */
void log_set_level(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
