/* sockopt.h - DCD on a real socket: keepalive options set and read back,
 * and what the kernel knew when the connection died. */
#ifndef DCDLAB_SOCKOPT_H
#define DCDLAB_SOCKOPT_H

#include <stdint.h>

#include "../lib/err.h"
#include "../model/outcome.h"
#include "../model/profile.h"

/* SO_KEEPALIVE=1 and TCP_KEEPIDLE/INTVL/CNT (libevent 2.1 has no helper),
 * then read all four back with getsockopt into `readback`. On failure `err`
 * names the option: "setsockopt TCP_KEEPIDLE=40000: Invalid argument". */
int sockopt_keepalive_apply(int fd, const struct keepalive *ka, struct keepalive *readback,
                            struct dcd_err *err);

/* Read the socket's keepalive settings; `on` gets SO_KEEPALIVE. */
int sockopt_keepalive_read(int fd, int *on, struct keepalive *ka, struct dcd_err *err);

/* SO_KEEPALIVE=0. Needed on accepted sockets without keepalive DCD:
 * libevent's evconnlistener_new_bind() turns SO_KEEPALIVE on for the
 * listening socket and accepted sockets inherit it (7200/75/9 on Linux). */
int sockopt_keepalive_off(int fd, struct dcd_err *err);

/* SO_KEEPALIVE=1 only: the OS defaults apply (ENABLE=BROKEN). */
int sockopt_keepalive_os_default(int fd, struct dcd_err *err);

/* TCP_USER_TIMEOUT in ms (0 = kernel default). */
int sockopt_user_timeout(int fd, unsigned ms, struct dcd_err *err);

/* Counters read with TCP_INFO when a connection fails. */
struct tcp_end_info {
	unsigned probes;      /* keepalive/zero-window probes unanswered */
	unsigned retransmits; /* retransmissions of the head segment */
	unsigned total_retrans;
	unsigned last_data_recv_ms;
	unsigned last_ack_recv_ms;
	unsigned user_timeout_ms; /* TCP_USER_TIMEOUT in force */
};

int sockopt_tcp_end_info(int fd, struct tcp_end_info *out);

/* Turn a socket error into a cause: ETIMEDOUT splits into keepalive,
 * retransmission and user timeout by what the kernel counted. */
enum end_cause sockopt_classify_error(int error, const struct tcp_end_info *ti);

#endif
