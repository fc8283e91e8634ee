/* population.c - `dcdlab sim --sessions N`: many sessions through one
 * scenario's firewall and DCD settings, each with its own pattern of calls
 * and idle gaps, in aggregate.
 *
 * Session i draws everything from its own generator, seeded by (seed, i),
 * so the result does not depend on how the sessions are split across
 * threads: the same seed gives the same output. A session is simulated
 * from start to end and only its numbers are kept (a few bytes for dead
 * clients' detection times), so memory does not grow with N beyond that. */
#include "population.h"
#include "../../lib/grow.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/clock.h"

/* splitmix64: small, fast, and good enough to draw plans from. */
static uint64_t next_u64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double uniform(uint64_t *s)
{
	return (double)(next_u64(s) >> 11) / 9007199254740992.0; /* [0, 1) */
}

/* log-uniform in [lo, hi] ms: as many 1-10 s gaps as 1-10 min ones */
static int64_t log_uniform(uint64_t *s, double lo, double hi)
{
	return (int64_t)exp(log(lo) + uniform(s) * (log(hi) - log(lo)));
}

/* One session's plan: calls (mostly quick, a few long queries) and idle
 * gaps up to `max_gap_ms`, filling `hours`; sometimes a client crash. */
static void draw(const struct pop_config *c, uint64_t *rng, struct plan *pl,
                 struct scn_fault *crash, int *n_faults)
{
	int64_t t = 0, end = (int64_t)(c->hours * 3600000.0);

	pl->n = 0;
	while (t < end && pl->n < PLAN_MAX_STEPS - 2) {
		int64_t call = uniform(rng) < 0.02 ? log_uniform(rng, 1000, 1800000)
		                                   : log_uniform(rng, 1, 2000);
		int64_t gap = log_uniform(rng, 1000, (double)c->max_gap_ms);
		pl->step[pl->n++] = (struct plan_step){ .op = PLAN_CALL, .duration_ms = call };
		pl->step[pl->n++] = (struct plan_step){ .op = PLAN_IDLE, .duration_ms = gap };
		t += call + gap;
	}
	*n_faults = 0;
	if (uniform(rng) < c->crash_share) {
		crash->kind = FAULT_CLIENT_CRASH;
		crash->at_ms = (int64_t)(uniform(rng) * (double)end);
		crash->restore_ms = -1;
		*n_faults = 1;
	}
}

struct worker {
	const struct pop_config *c;
	const struct sim_params *base;
	uint64_t first, last;
	struct pop_result res;
	int32_t *detect_ms; /* dead clients found: crash to detection */
	size_t n_detect, cap_detect;
};

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct plan *pl = malloc(sizeof(*pl));
	struct pop_result *r = &w->res;

	if (!pl)
		return NULL;
	for (uint64_t i = w->first; i < w->last; i++) {
		uint64_t rng = w->c->seed ^ (i * 0xd1b54a32d192ed03ULL);
		struct scn_fault crash;
		struct sim_params p = *w->base;
		struct lab_session o;
		struct sim_extra x;
		draw(w->c, &rng, pl, &crash, &p.n_faults);
		p.plan = pl;
		p.faults = &crash;
		p.trace = false;
		sim_session(&p, &o, &x, NULL, "");
		r->sessions++;
		r->events += x.events;
		r->probes += (uint64_t)x.probes;
		r->fw_expired += x.fw_expired;
		bool crashed = p.n_faults > 0;
		r->crashed += crashed;
		if (x.first_failure_ms >= 0) {
			/* From the model, not the record: it keeps only the first
			 * LAB_MAX_CALLS calls, and a long session makes more. */
			bool reset = x.first_failure_ora == 3113;
			r->failed++;
			if (reset)
				r->ora03113++;
			else
				r->ora03135++;
			if (reset &&
			    (r->first_03113_ms < 0 || x.first_failure_ms < r->first_03113_ms))
				r->first_03113_ms = x.first_failure_ms;
			if (r->first_failure_ms < 0 || x.first_failure_ms < r->first_failure_ms)
				r->first_failure_ms = x.first_failure_ms;
		} else if (!crashed) {
			r->survived++;
		}
		if (o.server_ended && o.server_dead_peer) {
			r->server_dead_peer++;
			if (crashed && o.server_end_ms >= crash.at_ms) {
				int32_t *d = grow(w->detect_ms, &w->cap_detect, w->n_detect,
				                  sizeof(*d), 1024);
				if (!d)
					continue;
				w->detect_ms = d;
				w->detect_ms[w->n_detect++] =
				        (int32_t)(o.server_end_ms - crash.at_ms);
			}
		} else if (crashed && !o.server_ended) {
			r->stale++; /* a dead client's session still held at the end */
		}
	}
	free(pl);
	return NULL;
}

int sim_population(const struct pop_config *c, const struct sim_params *base,
                   struct pop_result *out, struct dcd_err *err)
{
	int nt = c->threads > 0 ? c->threads : 1;
	struct worker *w = calloc((size_t)nt, sizeof(*w));
	pthread_t *th = calloc((size_t)nt, sizeof(*th));
	int64_t t0 = clock_now_ms(&clock_monotonic);
	uint64_t total_detect = 0;

	if (!w || !th) {
		err_set(err, "out of memory");
		free(w);
		free(th);
		return -1;
	}
	memset(out, 0, sizeof(*out));
	for (int k = 0; k < nt; k++) {
		w[k].c = c;
		w[k].base = base;
		w[k].first = c->sessions * (uint64_t)k / (uint64_t)nt;
		w[k].last = c->sessions * (uint64_t)(k + 1) / (uint64_t)nt;
		w[k].res.first_failure_ms = w[k].res.first_03113_ms = -1;
		if (pthread_create(&th[k], NULL, work, &w[k]) != 0) {
			err_set(err, "pthread_create failed");
			for (int j = 0; j < k; j++)
				pthread_join(th[j], NULL);
			free(w);
			free(th);
			return -1;
		}
	}
	out->first_failure_ms = out->first_03113_ms = -1;
	for (int k = 0; k < nt; k++) {
		pthread_join(th[k], NULL);
		const struct pop_result *r = &w[k].res;
		out->sessions += r->sessions;
		out->survived += r->survived;
		out->failed += r->failed;
		out->ora03113 += r->ora03113;
		out->ora03135 += r->ora03135;
		out->crashed += r->crashed;
		out->server_dead_peer += r->server_dead_peer;
		out->stale += r->stale;
		out->fw_expired += r->fw_expired;
		out->events += r->events;
		out->probes += r->probes;
		if (r->first_failure_ms >= 0 &&
		    (out->first_failure_ms < 0 || r->first_failure_ms < out->first_failure_ms))
			out->first_failure_ms = r->first_failure_ms;
		if (r->first_03113_ms >= 0 &&
		    (out->first_03113_ms < 0 || r->first_03113_ms < out->first_03113_ms))
			out->first_03113_ms = r->first_03113_ms;
		total_detect += w[k].n_detect;
	}
	/* detection times of all threads, sorted, for the percentiles */
	int32_t *all = total_detect ? malloc(total_detect * sizeof(*all)) : NULL;
	uint64_t n = 0;
	for (int k = 0; k < nt; k++) {
		if (all && w[k].n_detect) /* a thread may have found none: detect_ms NULL */
			memcpy(all + n, w[k].detect_ms, w[k].n_detect * sizeof(*all));
		n += w[k].n_detect;
		free(w[k].detect_ms);
	}
	if (all) {
		qsort(all, n, sizeof(*all), cmp_i32);
		static const double q[POP_QUANTILES] = { 0.5, 0.9, 0.99, 1.0 };
		for (int k = 0; k < POP_QUANTILES; k++)
			out->detect_q_ms[k] = all[(uint64_t)(q[k] * (double)(n - 1))];
		out->detected = n;
		free(all);
	}
	out->wall_ms = clock_now_ms(&clock_monotonic) - t0;
	free(w);
	free(th);
	return 0;
}
