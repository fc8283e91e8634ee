/* diag.h - the kernel's view of TCP sockets, through inet_diag (libnl-idiag):
 * which timer is armed (keepalive, retransmit, ...), when it fires, and how
 * many probes or retransmissions it has sent - what `ss -tno` prints. */
#ifndef DCDLAB_DIAG_H
#define DCDLAB_DIAG_H

#include <stdint.h>

#include "../lib/err.h"

struct diag;

/* idiag_timer values (include/uapi/linux/inet_diag.h). */
enum diag_timer {
	DIAG_TIMER_OFF = 0,
	DIAG_TIMER_RETRANS = 1,
	DIAG_TIMER_KEEPALIVE = 2,
	DIAG_TIMER_TIMEWAIT = 3,
	DIAG_TIMER_PERSIST = 4,
};

const char *diag_timer_name(int timer);

struct diag_sample {
	uint32_t inode;
	uint16_t sport;
	uint16_t dport;
	uint8_t state;
	uint8_t timer;       /* enum diag_timer */
	uint8_t retrans;     /* keepalive: probes sent; retransmit: retries */
	uint32_t expires_ms; /* until the timer fires */
};

/* Open a NETLINK_INET_DIAG socket in the current network namespace. */
struct diag *diag_open(struct dcd_err *err);

/* Called for each TCP socket (IPv4 and IPv6) with local port `sport`. */
typedef void (*diag_cb)(const struct diag_sample *s, void *arg);

/* Dump sockets with local port `sport` (0 = all). */
int diag_dump(struct diag *d, uint16_t sport, diag_cb cb, void *arg, struct dcd_err *err);

void diag_close(struct diag *d);

#endif
