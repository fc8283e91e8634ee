/* plan.h - what a client does: "call, idle 30s, call 5s, close".
 *
 *   call [DUR]   one round trip; DUR is how long the server takes to answer
 *                (a long query in flight: no keepalive while data is unacked)
 *   idle DUR     do nothing (do not even read: probes wait in the socket)
 *   close        disconnect politely (DATA with EOF, then FIN)
 *   lock NAME    a call that takes lock NAME (like an UPDATE of a row): it
 *                waits while another session holds it; held until commit
 *   commit       a call that releases the lock
 * lock and commit are calls: they count in "call N".
 * Steps are separated by commas; "3*call" repeats a step. */
#ifndef DCDLAB_PLAN_H
#define DCDLAB_PLAN_H

#include <stdint.h>

#include "../lib/err.h"

enum plan_op { PLAN_CALL, PLAN_IDLE, PLAN_CLOSE, PLAN_LOCK, PLAN_COMMIT };

#define PLAN_LOCK_NAME_MAX 24

struct plan_step {
	enum plan_op op;
	int64_t duration_ms; /* CALL: server time; IDLE: idle time */
	char lock[PLAN_LOCK_NAME_MAX + 1];
};

/* A step that is a call (CALL, LOCK, COMMIT). */
static inline int plan_is_call(enum plan_op op)
{
	return op == PLAN_CALL || op == PLAN_LOCK || op == PLAN_COMMIT;
}

#define PLAN_MAX_STEPS 1000

struct plan {
	struct plan_step step[PLAN_MAX_STEPS];
	int n;
};

/* Parse; errors name the byte offset and the offending text. */
int plan_parse(struct plan *p, const char *text, struct dcd_err *err);

#endif
