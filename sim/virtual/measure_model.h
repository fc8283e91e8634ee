/* measure_model.h - dcdlab measure's plan (model/measure.c) run against a
 * modelled path in virtual time: a conntrack-like state per connection
 * that expires after the idle timeout and does what the path does then.
 * A model of the lab's firewall (the fidelity test holds it to the lab),
 * so that a measurement at real scale (a 1 h ASA) costs no wall time. */
#ifndef DCDLAB_MEASURE_MODEL_H
#define DCDLAB_MEASURE_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "../../model/measure.h"

struct vpath {
	int64_t idle_timeout_ms; /* 0: the path never forgets */
	enum m_expiry expiry;    /* what it does then */
	bool keepalives_counted; /* keepalive probes refresh the state */
	int64_t rtt_ms;          /* a call's round trip */
	int64_t expiry_late_ms;  /* how late the state goes (conntrack's garbage collector) */
};

/* Run the plan of cfg against path p; the result and how long the
 * measurement took. Bounded: stops at 3 * max + 1 h of virtual time. */
void measure_simulate(const struct measure_cfg *cfg, const struct vpath *p,
                      struct measure_result *r, int64_t *elapsed_ms);

/* The same question asked the slow way: one connection, bisecting
 * [min, max] until the bracket is within the precision (each step one idle
 * period of the probed length): how long it takes, its bracket. */
void bisect_simulate(const struct measure_cfg *cfg, const struct vpath *p, struct measure_result *r,
                     int64_t *elapsed_ms);

#endif
