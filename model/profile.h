/* profile.h - what a DCD configuration makes each side do, and when a dead
 * peer is noticed (DOMAIN.md §1, §3).
 *
 * Pure model: no sockets. The same profile drives `dcdlab listen`, the
 * simulator and `dcdlab check`. */
#ifndef DCDLAB_PROFILE_H
#define DCDLAB_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/err.h"
#include "../lib/sbuf.h"
#include "descriptor.h"
#include "sqlnet.h"

/* An Oracle release, compared by (major, minor): 11.2 < 12.1 < 19c. */
struct oracle_release {
	int major;
	int minor;
};

/* Parse "11.2", "11.2.0.4", "12.1", "12c", "19c", "19.22", "21c", "23ai". */
int release_parse(const char *s, struct oracle_release *out, struct dcd_err *err);
int release_cmp(struct oracle_release a, struct oracle_release b);
/* The release as Oracle names it: "11.2", "12.2", then "18c" .. "21c",
 * "23ai" (from 18 on the year names the release; the minor is the
 * quarterly update). Into buf (16 bytes are enough), which is returned. */
const char *release_name(struct oracle_release r, char *buf, size_t len);

enum dcd_method {
	DCD_NONE,      /* nothing probes: a vanished peer is never noticed */
	DCD_KEEPALIVE, /* TCP keepalive on the socket (12c+ server, client) */
	DCD_NS_PROBES, /* 10-byte TNS DATA probes, failure by retransmission */
};

const char *dcd_method_name(enum dcd_method m);

/* TCP keepalive settings of one socket, in seconds / probes. */
struct keepalive {
	int idle_s;
	int intvl_s;
	int cnt;
};

/* A host's TCP defaults (per network namespace on Linux). */
struct os_tcp {
	struct keepalive keepalive; /* tcp_keepalive_time / _intvl / _probes */
	int tcp_retries2;
	int rto_min_ms;
};

/* Linux defaults: 7200/75/9, tcp_retries2=15, TCP_RTO_MIN=200 ms. */
extern const struct os_tcp os_tcp_linux_default;

struct dcd_side {
	enum dcd_method method;
	struct keepalive keepalive; /* when DCD_KEEPALIVE */
	bool os_keepalive;          /* ... only SO_KEEPALIVE: the numbers are the host's */
	int ns_probe_interval_s;    /* when DCD_NS_PROBES */
	int64_t detect_ms;          /* last activity to detection (TIMER_EXACT); -1 = never */
	char why[240];              /* which setting led here, in words */
};

struct dcd_profile {
	struct oracle_release server_release;
	struct oracle_release client_release;
	struct dcd_side server;
	struct dcd_side client;
};

/* Oracle's fixed 12c+ DCD keepalive interval and count (MOS 1591874.1). */
#define ORACLE_DCD_KEEPINTVL_S 6
#define ORACLE_DCD_KEEPCNT     10

/* Derive both sides. `sqlnet` is the server's sqlnet.ora (may be NULL),
 * `desc` the client's descriptor (may be NULL). */
void dcd_profile_compute(struct dcd_profile *p, const struct sqlnet_config *sqlnet,
                         const struct dcd_descriptor *desc, struct oracle_release server_release,
                         struct oracle_release client_release, const struct os_tcp *os);

/* Lab scaling, as `dcdlab listen` applies it and the simulator must:
 * each keepalive override (0 = not given) replaces one number of the
 * profile's; an override on a side without keepalive turns it on with
 * Oracle's 12c constants for the numbers not given; a probe interval
 * (ms, 0 = not given) makes the side send NS probes that often. */
void dcd_lab_scale(enum dcd_method *method, struct keepalive *ka, int64_t *ns_interval_ms,
                   const struct keepalive *over, int64_t probe_interval_ms);

/* Legacy DCD: the server writes an NS probe once a session has been idle
 * for the interval; a timer may fire a few ms early, so within 5 ms counts.
 * 0 when a probe is due now, else how long until it is. dcdlab listen and
 * the simulator both ask this (each with its own measure of idle). */
int64_t dcd_ns_probe_wait_ms(int64_t idle_ms, int64_t interval_ms);

/* The keepalive a socket of `side` gets, after the lab's scaling overrides
 * (as dcd_lab_scale): true when it gets one, the settings in *out. The one
 * rule dcdlab connect applies and the simulator models. */
bool dcd_socket_keepalive(const struct dcd_side *side, const struct keepalive *over,
                          struct keepalive *out);

/* One readable line per side. */
void dcd_profile_describe(const struct dcd_profile *p, struct sbuf *out);

#endif
