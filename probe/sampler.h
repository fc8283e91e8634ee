/* sampler.h - the kernel's view of dcdlab listen's sessions, sampled off
 * the event loop: a thread dumps the listener's port through inet_diag
 * every interval (filtered in the kernel), the loop applies the samples a
 * few hundred at a time, so that neither the dump nor the per-session work
 * delays an accept or a call however many sessions are open. */
#ifndef DCDLAB_SAMPLER_H
#define DCDLAB_SAMPLER_H

#include <stdint.h>

#include <event2/event.h>

#include "../lib/err.h"
#include "diag.h"

struct sampler;

typedef void (*sampler_apply_fn)(const struct diag_sample *s, void *arg);

/* Start sampling port every interval_ms; apply runs on base's loop. */
struct sampler *sampler_start(struct event_base *base, uint16_t port, int64_t interval_ms,
                              sampler_apply_fn apply, void *arg, struct dcd_err *err);
/* Stop the thread and free everything (NULL is fine). */
void sampler_stop(struct sampler *s);

#endif
