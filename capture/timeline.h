/* timeline.h - one flow's packets, for --flow and --svg. */
#ifndef DCDLAB_TIMELINE_H
#define DCDLAB_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analyze.h"

#define TIMELINE_MAX 100000

struct tl_entry {
	uint32_t pkt;
	double t_s;
	bool from_client;
	uint8_t flags;
	uint32_t seq, ack, len, win;
	uint8_t cls; /* enum pkt_class, 0 = plain */
};

struct timeline {
	struct tl_entry *e;
	uint32_t n;
	size_t cap;
	bool truncated; /* more than TIMELINE_MAX packets */
};

void timeline_add(struct timeline *t, const struct tl_entry *e);
/* Mark packet `pkt` (already added, or the last one) with a class. */
void timeline_mark(struct timeline *t, uint32_t pkt, enum pkt_class c);
void timeline_print(const struct timeline *t, const struct flow_report *r, FILE *out);
/* An SVG of the flow: packets on two lanes, probes, idle gaps, verdict.
 * `fw_timeout_s` > 0 draws that firewall idle timeout. */
int timeline_svg(const struct timeline *t, const struct flow_report *r, double fw_timeout_s,
                 const char *path, char *err, size_t errlen);
void timeline_free(struct timeline *t);

#endif
