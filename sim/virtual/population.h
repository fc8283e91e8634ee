/* population.h - many sessions of one scenario in virtual time. */
#ifndef DCDLAB_POPULATION_H
#define DCDLAB_POPULATION_H

#include <stdint.h>

#include "model.h"

struct pop_config {
	uint64_t sessions;
	double hours; /* each session's length */
	uint64_t seed;
	double crash_share; /* of clients that crash at a random time */
	int64_t max_gap_ms; /* idle gaps are log-uniform from 1 s to this */
	int threads;
};

#define POP_QUANTILES 4 /* p50, p90, p99, max */

struct pop_result {
	uint64_t sessions;
	uint64_t survived; /* no crash, every call answered */
	uint64_t failed;   /* a call failed */
	uint64_t ora03113, ora03135;
	int64_t first_failure_ms, first_03113_ms; /* -1: none */
	uint64_t crashed;                         /* clients that crashed */
	uint64_t server_dead_peer;                /* server sessions ended as dead peers */
	uint64_t detected;                        /* crashed clients found by the server */
	int32_t detect_q_ms[POP_QUANTILES];       /* crash to detection */
	uint64_t stale;      /* crashed clients whose session was never ended */
	uint64_t fw_expired; /* sessions whose firewall entry expired */
	uint64_t events, probes;
	int64_t wall_ms;
};

int sim_population(const struct pop_config *c, const struct sim_params *base,
                   struct pop_result *out, struct dcd_err *err);

#endif
