/* analyze_html.c - dcdlab analyze --html: one self-contained page for a
 * capture: the summary, the verdict counts, the idle gaps against the
 * middlebox timeout bracket (a histogram), a sortable table of the flows
 * and the ladder of each flow that is not alive (report/ladder.h), from a
 * second pass over the file that keeps only those flows' packets. */
#include "analyze_html.h"
#include "../lib/grow.h"

#include <stdlib.h>
#include <string.h>

#include "../report/html.h"
#include "../report/ladder.h"

struct pick {
	struct flow_report r;
	struct leg_seg *seg;
	size_t n, cap;
};

struct an_html {
	char *rows;
	size_t rows_len;
	FILE *rows_f;
	unsigned n_rows;
	struct pick pick[AN_HTML_LADDERS];
	int n_pick;
	unsigned not_alive; /* flows that are not alive, drawn or not */
};

struct an_html *an_html_new(void)
{
	struct an_html *h = calloc(1, sizeof(*h));

	if (h && !(h->rows_f = open_memstream(&h->rows, &h->rows_len))) {
		free(h);
		return NULL;
	}
	return h;
}

void an_html_free(struct an_html *h)
{
	if (!h)
		return;
	if (h->rows_f)
		fclose(h->rows_f);
	free(h->rows);
	for (int i = 0; i < h->n_pick; i++)
		free(h->pick[i].seg);
	free(h);
}

void an_html_flow(struct an_html *h, const struct flow_report *r)
{
	FILE *f = h->rows_f;
	char detail[160] = "";

	if (r->n_evidence)
		snprintf(detail, sizeof(detail), "%s", r->evidence[0].what);
	fprintf(f, "<tr><td class=\"num\">%u</td><td>", r->id);
	html_text(f, r->client.addr);
	fputs("</td><td>", f);
	html_text(f, r->server.addr);
	fprintf(f,
	        "</td><td class=\"num\">%u</td><td class=\"%s\">%s</td><td class=\"num\">%.1f</td>"
	        "<td class=\"num\">%u</td><td>",
	        r->packets,
	        r->verdict == VERDICT_ALIVE || r->verdict == VERDICT_CLOSED ? "" : "fail",
	        verdict_name(r->verdict), r->idle_max_s, r->client.probes + r->server.probes);
	html_text(f, detail);
	fputs("</td></tr>\n", f);
	h->n_rows++;
	if (r->verdict == VERDICT_ALIVE)
		return;
	h->not_alive++;
	if (h->n_pick < AN_HTML_LADDERS)
		h->pick[h->n_pick++].r = *r;
}

bool an_html_wants(const struct an_html *h, uint32_t flow_id)
{
	for (int i = 0; i < h->n_pick; i++)
		if (h->pick[i].r.id == flow_id)
			return true;
	return false;
}

void an_html_seg(struct an_html *h, uint32_t flow_id, const struct leg_seg *s)
{
	for (int i = 0; i < h->n_pick; i++) {
		struct pick *p = &h->pick[i];
		if (p->r.id != flow_id)
			continue;
		struct leg_seg *v = grow(p->seg, &p->cap, p->n, sizeof(*v), 64);
		if (!v)
			return;
		p->seg = v;
		p->seg[p->n++] = *s;
		return;
	}
}

/* The idle gaps by bucket, those inside the bracket shaded. */
static void gaps_chart(FILE *out, const struct summary *s)
{
	const char *labels[GAP_BUCKETS];
	char names[GAP_BUCKETS][24];
	double v[GAP_BUCKETS];
	int lo = -1, hi = -1;

	for (int b = 0; b < GAP_BUCKETS; b++) {
		double up = gap_bucket_s[b < GAP_BUCKETS - 1 ? b : b - 1];
		if (up >= 3600)
			snprintf(names[b], sizeof(names[b]), "%s%gh",
			         b < GAP_BUCKETS - 1 ? "<" : ">=", up / 3600);
		else if (up >= 60)
			snprintf(names[b], sizeof(names[b]), "<%gmin", up / 60);
		else
			snprintf(names[b], sizeof(names[b]), "<%gs", up);
		labels[b] = names[b];
		v[b] = (double)s->gaps[b];
		double from = b ? gap_bucket_s[b - 1] : 1;
		bool in = s->shortest_drop_gap_s >= 0 && from <= s->shortest_drop_gap_s &&
		          (b == GAP_BUCKETS - 1 || up > s->longest_survived_gap_s);
		if (in) {
			if (lo < 0)
				lo = b;
			hi = b;
		}
	}
	html_bars(out, "idle gaps of a second or more, by length", labels, v, GAP_BUCKETS, lo, hi,
	          lo >= 0 ? "shaded: the buckets the middlebox timeout bracket reaches" : "gaps");
}

int an_html_write(struct an_html *h, const char *path, const char *input, const struct summary *s)
{
	char *doc = NULL, sub[400];
	size_t len = 0;
	FILE *out;
	int rc = -1;

	fflush(h->rows_f);
	if (!(out = open_memstream(&doc, &len)))
		return -1;
	snprintf(sub, sizeof(sub),
	         "dcdlab analyze %s: %llu packets (%llu TCP), %llu flows in %.1f s", input,
	         (unsigned long long)s->packets, (unsigned long long)s->tcp_packets,
	         (unsigned long long)s->flows, s->duration_s);
	html_begin(out, "dcdlab: what the capture shows", sub);
	fputs("<h2>verdicts</h2>\n<table><thead><tr><th>verdict</th><th>flows</th></tr></thead>"
	      "<tbody>\n",
	      out);
	for (int v = 0; v < VERDICT_COUNT; v++)
		fprintf(out, "<tr><td class=\"%s\">%s</td><td class=\"num\">%llu</td></tr>\n",
		        v == VERDICT_ALIVE || v == VERDICT_CLOSED || !s->by_verdict[v] ? ""
		                                                                       : "fail",
		        verdict_name((enum verdict)v), (unsigned long long)s->by_verdict[v]);
	fputs("</tbody></table>\n<h2>the middlebox's idle timeout</h2>\n<p>", out);
	if (s->longest_survived_gap_s >= 0)
		fprintf(out, "longer than %.1f s (an idle gap that survived)",
		        s->longest_survived_gap_s);
	if (s->longest_survived_gap_s >= 0 && s->shortest_drop_gap_s >= 0)
		fputs(", ", out);
	if (s->shortest_drop_gap_s >= 0)
		fprintf(out, "at most %.1f s (the shortest gap followed by a drop)",
		        s->shortest_drop_gap_s);
	if (s->longest_survived_gap_s < 0 && s->shortest_drop_gap_s < 0)
		fputs("no idle gap of a second or more", out);
	fputs("</p>\n", out);
	if (s->server_idle_flows)
		fprintf(out,
		        "<p class=\"fail\">the server ends sessions after %.1f s idle (%llu "
		        "flows): a "
		        "server idle limit (MAX_IDLE_TIME), not a firewall</p>\n",
		        s->server_idle_s, (unsigned long long)s->server_idle_flows);
	if (s->not_captured)
		fprintf(out, "<p>capture loss: %llu segments not captured in %llu flows</p>\n",
		        (unsigned long long)s->not_captured,
		        (unsigned long long)s->flows_with_loss);
	fputs("<div class=\"pic\">\n", out);
	gaps_chart(out, s);
	fputs("</div>\n<h2>flows</h2>\n<p>Click a column's header to sort by it.</p>\n"
	      "<table class=\"sortable\"><thead><tr><th>flow</th><th>client</th><th>server</th>"
	      "<th>packets</th><th>verdict</th><th>longest idle (s)</th><th>keepalive probes</th>"
	      "<th>evidence</th></tr></thead><tbody>\n",
	      out);
	fwrite(h->rows, 1, h->rows_len, out);
	fputs("</tbody></table>\n", out);
	if (h->not_alive)
		fprintf(out,
		        "<h2>flows that are not alive</h2>\n<p>%u flows; the ladder of the first "
		        "%d%s.</p>\n",
		        h->not_alive, h->n_pick,
		        h->n_pick && !h->pick[0].n ? " (not drawn: the input cannot be read twice)"
		                                   : "");
	for (int i = 0; i < h->n_pick; i++) {
		struct pick *p = &h->pick[i];
		struct ladder l;
		char title[300];
		if (!p->n)
			continue;
		snprintf(title, sizeof(title), "flow %u: %s - %s, %s", p->r.id, p->r.client.addr,
		         p->r.server.addr, verdict_name(p->r.verdict));
		ladder_init(&l, title, "capture point");
		if (ladder_from_capture(&l, p->seg, p->n) == 0) {
			ladder_foot(&l, p->r.verdict != VERDICT_CLOSED, "verdict: %s",
			            verdict_name(p->r.verdict));
			for (int e = 0; e < p->r.n_evidence && e < LADDER_MAX_FOOT - 1; e++)
				ladder_foot(&l, false, "at %.3f s (packet %u): %s",
				            p->r.evidence[e].t_s, p->r.evidence[e].pkt,
				            p->r.evidence[e].what);
			fprintf(out,
			        "<details%s><summary>flow %u, %s</summary>\n<div class=\"pic\">\n",
			        i < 3 ? " open" : "", p->r.id, verdict_name(p->r.verdict));
			ladder_svg(&l, out, false);
			fputs("</div>\n</details>\n", out);
		}
		ladder_free(&l);
	}
	html_end(out);
	if (fclose(out) == 0)
		rc = html_write_file(path, doc, len);
	free(doc);
	return rc;
}
