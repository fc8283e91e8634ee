/* clock.h - the one clock seam (redis monotonic.h makes its clock a function
 * pointer too). Real-time code passes clock_monotonic; the simulator passes
 * its virtual clock, so the same model code runs in both. */
#ifndef DCDLAB_CLOCK_H
#define DCDLAB_CLOCK_H

#include <stdint.h>

struct dcd_clock {
	/* Milliseconds since an arbitrary start; never goes backwards. */
	int64_t (*now_ms)(void *arg);
	void *arg;
};

/* CLOCK_MONOTONIC in milliseconds. */
extern const struct dcd_clock clock_monotonic;

/* Wall-clock time for log stamps: "2026-11-21T09:33:50.123Z". */
void clock_wall_iso(char *buf, int len);

static inline int64_t clock_now_ms(const struct dcd_clock *c)
{
	return c->now_ms(c->arg);
}

#endif
