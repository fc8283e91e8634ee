/* plan.h - what a client does: "call, idle 30s, call 5s, close".
 *
 *   call [DUR]   one round trip; DUR is how long the server takes to answer
 *                (a long query in flight: no keepalive while data is unacked)
 *   idle DUR     do nothing (do not even read: probes wait in the socket)
 *   close        disconnect politely (DATA with EOF, then FIN)
 * Steps are separated by commas; "3*call" repeats a step. */
#ifndef DCDLAB_PLAN_H
#define DCDLAB_PLAN_H

#include <stdint.h>

#include "../lib/err.h"

enum plan_op { PLAN_CALL, PLAN_IDLE, PLAN_CLOSE };

struct plan_step {
	enum plan_op op;
	int64_t duration_ms; /* CALL: server time; IDLE: idle time */
};

#define PLAN_MAX_STEPS 1000

struct plan {
	struct plan_step step[PLAN_MAX_STEPS];
	int n;
};

/* Parse; errors name the byte offset and the offending text. */
int plan_parse(struct plan *p, const char *text, struct dcd_err *err);

#endif
