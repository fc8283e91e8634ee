/* analyze_html.h - dcdlab analyze --html (analyze_html.c). */
#ifndef DCDLAB_ANALYZE_HTML_H
#define DCDLAB_ANALYZE_HTML_H

#include <stdbool.h>
#include <stdint.h>

#include "../report/ladder.h"
#include "analyze.h"

/* Ladders drawn at most: the first flows that are not alive. */
#define AN_HTML_LADDERS 12

struct an_html;

struct an_html *an_html_new(void);
void an_html_free(struct an_html *h);
/* Each finished flow (the first pass): its row, and picked for a ladder
 * when it is not alive. */
void an_html_flow(struct an_html *h, const struct flow_report *r);
/* The second pass: is flow_id drawn, and its segments. */
bool an_html_wants(const struct an_html *h, uint32_t flow_id);
void an_html_seg(struct an_html *h, uint32_t flow_id, const struct leg_seg *s);
/* The page: 0, or -1 after saying why. */
int an_html_write(struct an_html *h, const char *path, const char *input, const struct summary *s);

#endif
