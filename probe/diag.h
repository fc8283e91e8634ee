/* diag.h - the kernel's view of TCP sockets, through inet_diag: which timer
 * is armed (keepalive, retransmit, ...), when it fires, how many probes or
 * retransmissions it has sent, and TCP_INFO - what `ss -tnoi` prints.
 *
 * The kernel does the filtering (a bytecode program of port comparisons
 * and a state mask, as ss sends): a dump costs what the matching sockets
 * cost, not every socket of the host. One request per address family. */
#ifndef DCDLAB_DIAG_H
#define DCDLAB_DIAG_H

#include <stdbool.h>
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
/* "ESTAB", "SYN-SENT", ... as ss names the TCP states. */
const char *diag_state_name(int state);

#define DIAG_MAX_PORTS 16

/* Which sockets: local port (or, either_end, local or remote port) in
 * ports; states a mask of 1 << TCP state (0: every state but LISTEN). */
struct diag_filter {
	uint16_t ports[DIAG_MAX_PORTS];
	int n_ports; /* 0: every port */
	bool either_end;
	uint32_t states;
};

struct diag_sample {
	int family; /* AF_INET, AF_INET6 */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t inode, uid;
	uint8_t state;
	uint8_t timer;                       /* enum diag_timer */
	uint8_t retrans;                     /* keepalive: probes sent; retransmit: retries */
	uint32_t expires_ms;                 /* until the timer fires */
	uint32_t rqueue_bytes, wqueue_bytes; /* not yet read / not yet acknowledged */
	bool have_info;                      /* TCP_INFO below */
	uint8_t probes, backoff, retransmits;
	uint32_t total_retrans, unacked;
	uint32_t last_data_sent_ms, last_data_recv_ms, last_ack_recv_ms;
	uint32_t rtt_us;
};

/* Open a NETLINK_SOCK_DIAG socket in the current network namespace. */
struct diag *diag_open(struct dcd_err *err);

typedef void (*diag_cb)(const struct diag_sample *s, void *arg);

/* Every TCP socket (IPv4, then IPv6) that f lets through, with TCP_INFO
 * when with_info. */
int diag_dump(struct diag *d, const struct diag_filter *f, bool with_info, diag_cb cb, void *arg,
              struct dcd_err *err);

void diag_close(struct diag *d);

#endif
