/* timeline.c - one flow's packets as text and as an SVG picture. */
#include "timeline.h"
#include "../lib/grow.h"

#include "../report/ladder.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void timeline_add(struct timeline *t, const struct tl_entry *e)
{
	if (t->n == TIMELINE_MAX) {
		t->truncated = true;
		return;
	}
	struct tl_entry *p = grow(t->e, &t->cap, t->n, sizeof(*p), 256);
	if (p == NULL)
		abort();
	t->e = p;
	t->e[t->n++] = *e;
}

void timeline_mark(struct timeline *t, uint32_t pkt, enum pkt_class c)
{
	/* Marks arrive for the current packet, or for an earlier candidate. */
	for (uint32_t i = t->n; i > 0; i--)
		if (t->e[i - 1].pkt == pkt) {
			t->e[i - 1].cls = (uint8_t)c;
			return;
		}
}

static void flags_str(uint8_t f, char *b)
{
	int n = 0;
	if (f & 0x02)
		b[n++] = 'S';
	if (f & 0x01)
		b[n++] = 'F';
	if (f & 0x04)
		b[n++] = 'R';
	if (f & 0x08)
		b[n++] = 'P';
	if (f & 0x10)
		b[n++] = '.';
	b[n] = '\0';
}

void timeline_print(const struct timeline *t, const struct flow_report *r, FILE *out)
{
	fprintf(out, "flow %u: client %s, server %s: %s\n", r->id, r->client.addr, r->server.addr,
	        verdict_name(r->verdict));
	fprintf(out, "%8s %11s %-3s %-5s %10s %10s %5s %6s  %s\n", "pkt", "t_s", "dir", "flags",
	        "seq", "ack", "len", "win", "what");
	for (uint32_t i = 0; i < t->n; i++) {
		const struct tl_entry *e = &t->e[i];
		char fl[8];
		flags_str(e->flags, fl);
		if (i > 0 && e->t_s - t->e[i - 1].t_s >= 1.0)
			fprintf(out, "%8s %11s     ... %.3f s idle ...\n", "", "",
			        e->t_s - t->e[i - 1].t_s);
		fprintf(out, "%8u %11.3f %-3s %-5s %10u %10u %5u %6u  %s\n", e->pkt, e->t_s,
		        e->from_client ? "c>s" : "s>c", fl, e->seq, e->ack, e->len, e->win,
		        e->cls ? pkt_class_name((enum pkt_class)e->cls) : "");
	}
	if (t->truncated)
		fprintf(out, "(timeline stops after %d packets)\n", TIMELINE_MAX);
	for (int i = 0; i < r->n_evidence; i++) {
		if (r->evidence[i].pkt)
			fprintf(out, "evidence: pkt %u at %.3f s: %s\n", r->evidence[i].pkt,
			        r->evidence[i].t_s, r->evidence[i].what);
		else
			fprintf(out, "evidence: at %.3f s: %s\n", r->evidence[i].t_s,
			        r->evidence[i].what);
	}
}

int timeline_svg(const struct timeline *t, const struct flow_report *r, double fw_timeout_s,
                 const char *path, char *err, size_t errlen)
{
	struct ladder l;
	char title[300];
	FILE *f;
	int rc = -1;

	snprintf(title, sizeof(title), "flow %u: %s - %s, %s", r->id, r->client.addr,
	         r->server.addr, verdict_name(r->verdict));
	ladder_init(&l, title, "capture point");
	if (fw_timeout_s > 0) { /* a firewall of that timeout at the capture point */
		l.has_entry = true;
		l.fw_idle_s = fw_timeout_s;
	}
	for (uint32_t i = 0; i < t->n; i++) {
		const struct tl_entry *e = &t->e[i];
		struct leg_seg s = { .t_s = e->t_s,
			             .from_client = e->from_client,
			             .flags = e->flags,
			             .seq = e->seq,
			             .ack = e->ack,
			             .len = e->len,
			             .cls = e->cls };
		if (ladder_from_capture(&l, &s, 1) != 0) {
			snprintf(err, errlen, "--svg %s: out of memory", path);
			goto out;
		}
	}
	if (t->truncated)
		ladder_foot(&l, true, "more than %d packets: the rest is not drawn", TIMELINE_MAX);
	ladder_foot(&l, r->verdict == VERDICT_DEAD_PEER || r->verdict == VERDICT_FIREWALL_DROP,
	            "verdict: %s", verdict_name(r->verdict));
	for (int k = 0; k < r->n_evidence && l.n_foot < LADDER_MAX_FOOT; k++)
		ladder_foot(&l, false, "at %.3f s (packet %u): %s", r->evidence[k].t_s,
		            r->evidence[k].pkt, r->evidence[k].what);
	if (!(f = fopen(path, "w"))) {
		snprintf(err, errlen, "--svg %s: %s", path, strerror(errno));
		goto out;
	}
	int bad = ladder_svg(&l, f, true) != 0;
	if (fclose(f) != 0 || bad) {
		snprintf(err, errlen, "--svg %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	ladder_free(&l);
	return rc;
}

void timeline_free(struct timeline *t)
{
	free(t->e);
	t->e = NULL;
	t->n = t->cap = 0;
}
