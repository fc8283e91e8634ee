/* sockdcd.h - what a live socket's DCD settings mean: which profile they
 * are (Oracle's EXPIRE_TIME, a thin driver's, the OS defaults, none), when
 * a socket being probed gives up, and whether an idle flow is already past
 * what a middlebox remembers. Pure: dcdlab inspect reads the socket and
 * the kernel, this says what that is. */
#ifndef DCDLAB_SOCKDCD_H
#define DCDLAB_SOCKDCD_H

#include <stdbool.h>
#include <stdint.h>

#include "profile.h"

enum sock_profile {
	SP_NONE,       /* SO_KEEPALIVE off: a dead peer is never found */
	SP_ORACLE,     /* n*60 / 6 / 10: SQLNET.EXPIRE_TIME=n, 12c+ (or a 19c+ client) */
	SP_NODE_THIN,  /* n*60 / 1 / 10: node-oracledb thin with expireTime=n */
	SP_OS_DEFAULT, /* the OS's 7200 / 75 / 9: ENABLE=BROKEN, or SO_KEEPALIVE alone */
	SP_CUSTOM,     /* anything else */
	SP_COUNT,
};

const char *sock_profile_name(enum sock_profile p);

/* The profile of keepalive settings (on: SO_KEEPALIVE), and EXPIRE_TIME's n
 * in *expire_min for the Oracle-shaped ones (0 otherwise). */
enum sock_profile sock_profile_of(bool on, const struct keepalive *ka, int *expire_min);

/* A keepalive timer armed with `expires_ms` left and `probes_out`
 * unanswered probes: how long until the kernel gives up on the peer. */
int64_t keepalive_dead_in_ms(uint32_t expires_ms, int probes_out, const struct keepalive *ka);

/* What a flow idle for idle_ms is to a middlebox that forgets after
 * fw_idle_ms (0: none given), with keepalive settings (on, ka) and
 * keepalives counted or not. */
enum fw_standing {
	FW_NOT_GIVEN,
	FW_WITHIN,         /* idle less than the timeout */
	FW_KEPT,           /* idle longer, but its keepalive refreshes the flow in time */
	FW_PAST,           /* idle longer than remembered, nothing kept it: next call fails */
	FW_KEEPALIVE_LATE, /* not past yet, but its keepalive comes after the timeout */
};
enum fw_standing fw_standing_of(int64_t idle_ms, int64_t fw_idle_ms, bool on,
                                const struct keepalive *ka, bool keepalives_counted);
const char *fw_standing_name(enum fw_standing s);

#endif
