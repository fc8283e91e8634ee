/* timeline.c - one flow's packets as text and as an SVG picture. */
#include "timeline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/sbuf.h"

void timeline_add(struct timeline *t, const struct tl_entry *e)
{
	if (t->n == TIMELINE_MAX) {
		t->truncated = true;
		return;
	}
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 256;
		struct tl_entry *p = realloc(t->e, cap * sizeof(*p));
		if (p == NULL)
			abort();
		t->e = p;
		t->cap = cap;
	}
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

static const char *class_color(uint8_t c)
{
	switch (c) {
	case PKT_KEEPALIVE: return "#d97706";
	case PKT_KEEPALIVE_ACK: return "#2563eb";
	case PKT_ZERO_WINDOW_PROBE: return "#7c3aed";
	case PKT_NS_PROBE: return "#059669";
	case PKT_RETRANSMISSION: return "#dc2626";
	}
	return "#6b7280";
}

int timeline_svg(const struct timeline *t, const struct flow_report *r, double fw_timeout_s,
                 const char *path, char *err, size_t errlen)
{
	const double W = 1000, H = 260, L = 110, R = 20, yc = 90, ys = 170;
	double t0 = t->n ? t->e[0].t_s : r->first_s, t1 = t->n ? t->e[t->n - 1].t_s : r->last_s;
	struct sbuf sb = { 0 };
	FILE *f;

	if (t1 <= t0)
		t1 = t0 + 1;
#define X(ts) (L + ((ts)-t0) / (t1 - t0) * (W - L - R))
	sbuf_printf(&sb,
	            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
	            "font-family=\"sans-serif\" font-size=\"12\">\n",
	            W, H);
	sbuf_printf(&sb, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	sbuf_printf(&sb,
	            "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">flow %u: "
	            "%s</text>\n",
	            r->id, verdict_name(r->verdict));
	sbuf_printf(&sb,
	            "<text x=\"10\" y=\"40\">client %s   server %s   %.3f s .. %.3f s</text>\n",
	            r->client.addr, r->server.addr, t0, t1);
	sbuf_printf(
	        &sb,
	        "<text x=\"10\" y=\"%.0f\">client</text><text x=\"10\" y=\"%.0f\">server</text>\n",
	        yc + 4, ys + 4);
	sbuf_printf(&sb,
	            "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#9ca3af\"/>\n",
	            L, yc, W - R, yc);
	sbuf_printf(&sb,
	            "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#9ca3af\"/>\n",
	            L, ys, W - R, ys);
	/* Idle gaps: shaded; red when longer than the firewall timeout. */
	for (uint32_t i = 1; i < t->n; i++) {
		double a = t->e[i - 1].t_s, b = t->e[i].t_s;
		if (b - a < 1.0 || (b - a) < (t1 - t0) / 50)
			continue;
		bool over = fw_timeout_s > 0 && b - a > fw_timeout_s;
		sbuf_printf(&sb,
		            "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" "
		            "fill=\"%s\" opacity=\"0.15\"/>\n",
		            X(a), yc - 20, X(b) - X(a), ys - yc + 40, over ? "#dc2626" : "#9ca3af");
		sbuf_printf(&sb,
		            "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\" "
		            "fill=\"#374151\">%.1f s idle</text>\n",
		            (X(a) + X(b)) / 2, (yc + ys) / 2 + 4, b - a);
	}
	/* The firewall forgets the flow `fw_timeout_s` into each idle gap. */
	for (uint32_t i = 1, labelled = 0; fw_timeout_s > 0 && i < t->n; i++) {
		double a = t->e[i - 1].t_s, b = t->e[i].t_s;
		if (b - a <= fw_timeout_s)
			continue;
		double fx = X(a + fw_timeout_s);
		sbuf_printf(
		        &sb,
		        "<line x1=\"%.1f\" y1=\"50\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#dc2626\" "
		        "stroke-dasharray=\"4 3\"/>\n",
		        fx, fx, H - 40);
		if (!labelled++)
			sbuf_printf(&sb,
			            "<text x=\"%.1f\" y=\"60\" fill=\"#dc2626\"> firewall timeout "
			            "%.0f s "
			            "into the idle gap</text>\n",
			            fx, fw_timeout_s);
	}

	for (uint32_t i = 0; i < t->n; i++) {
		const struct tl_entry *e = &t->e[i];
		double x = X(e->t_s), y = e->from_client ? yc : ys;
		double h = e->cls ? 14 : (e->len ? 10 : 6);
		sbuf_printf(&sb,
		            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		            "stroke-width=\"2\"><title>pkt %u %.3f s %s</title></line>\n",
		            x, y - h, x, y + h, (e->flags & 0x04) ? "#111827" : class_color(e->cls),
		            e->pkt, e->t_s, e->cls ? pkt_class_name((enum pkt_class)e->cls) : "");
	}
	{
		static const uint8_t legend[] = { PKT_KEEPALIVE, PKT_KEEPALIVE_ACK, PKT_NS_PROBE,
			                          PKT_RETRANSMISSION, PKT_ZERO_WINDOW_PROBE };
		double lx = 10;
		for (size_t i = 0; i < sizeof(legend); i++) {
			sbuf_printf(&sb,
			            "<rect x=\"%.0f\" y=\"%.0f\" width=\"10\" height=\"10\" "
			            "fill=\"%s\"/><text x=\"%.0f\" y=\"%.0f\">%s</text>\n",
			            lx, H - 22, class_color(legend[i]), lx + 14, H - 13,
			            pkt_class_name((enum pkt_class)legend[i]));
			lx += 150;
		}
	}
	for (int i = 0; i < r->n_evidence && i < 2; i++) {
		const struct evidence *ev = &r->evidence[i];
		sbuf_printf(&sb, "<text x=\"%.0f\" y=\"%.0f\" fill=\"#111827\">", L,
		            ys + 30 + 16.0 * i);
		if (ev->pkt)
			sbuf_printf(&sb, "pkt %u: ", ev->pkt);
		else
			sbuf_printf(&sb, "at %.3f s: ", ev->t_s);
		sbuf_xml_str(&sb, ev->what);
		sbuf_add(&sb, "</text>\n", 8);
	}
	sbuf_add(&sb, "</svg>\n", 7);
#undef X
	f = fopen(path, "w");
	if (f == NULL) {
		snprintf(err, errlen, "--svg %s: %s", path, strerror(errno));
		sbuf_free(&sb);
		return -1;
	}
	/* A full disk shows at fwrite or only at fclose: check both. */
	bool wrote = fwrite(sb.buf, 1, sb.len, f) == sb.len;
	int saved = errno;
	if (fclose(f) != 0 && wrote) {
		wrote = false;
		saved = errno;
	}
	sbuf_free(&sb);
	if (!wrote) {
		snprintf(err, errlen, "--svg %s: %s", path, strerror(saved));
		return -1;
	}
	return 0;
}

void timeline_free(struct timeline *t)
{
	free(t->e);
	t->e = NULL;
	t->n = t->cap = 0;
}
