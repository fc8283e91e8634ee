/* ladder.c - the ladder diagram of one session (see ladder.h).
 *
 * Layout, left to right: the time of each row, notes beside the client
 * (calls, their errors), the client's lane, the middle's (firewall or
 * capture point), the server's, notes beside the server (how its session
 * ended). Every packet and every note has a row of its own, so no two labels
 * share a line; notes are wrapped to their column, arrow labels are short by
 * construction. Time runs down: rows close in time are packed, gaps up to
 * a second are drawn to scale, longer ones compressed to a fixed break
 * marked with their length. Styles differ by dash pattern and weight as
 * well as colour, so a greyscale print still tells them apart. */
#include "ladder.h"
#include "../lib/grow.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../capture/decode.h"
#include "../model/dbend.h"
#include "html.h"

#define WIDTH       1100
#define X_TIME      8
#define X_LEFT      72 /* client notes: x to X_CLIENT - 24 */
#define X_CLIENT    330
#define X_MIDDLE    560
#define X_SERVER    790
#define X_RIGHT     818 /* server notes */
#define LEFT_CHARS  30  /* 12 px sans: at most ~7.5 px a character */
#define RIGHT_CHARS 36
#define FOOT_CHARS  140
#define TITLE_CHARS 140
#define ROW_PX      22
#define LINE_PX     15
#define HEAD_PX     96
#define RUN_MS      50  /* packets of one run merge into one arrow */
#define BREAK_S     1.0 /* longer gaps are compressed */
#define BREAK_PX    34
#define PX_PER_S    60.0 /* gaps up to BREAK_S */
#define BAR_HALF_PX 9.0

static const struct {
	const char *name;
	const char *stroke;
	const char *dash; /* "" solid */
	double width;
} kinds[LK_KIND_COUNT] = {
	[LK_SYN] = { "SYN", "#444444", "", 1.2 },
	[LK_DATA] = { "DATA", "#000000", "", 1.6 },
	[LK_ACK] = { "ACK", "#888888", "2,2", 1.0 },
	[LK_KEEPALIVE] = { "keepalive", "#1f5fbf", "6,3", 1.6 },
	[LK_KEEPALIVE_ACK] = { "keepalive ACK", "#1f5fbf", "1,3", 1.6 },
	[LK_ZERO_WINDOW_PROBE] = { "zero-window probe", "#6a3d9a", "6,3", 1.6 },
	[LK_NS_PROBE] = { "NS probe", "#6a3d9a", "8,2,2,2", 1.8 },
	[LK_RETRANS] = { "retransmission", "#b35900", "10,3", 2.2 },
	[LK_FIN] = { "FIN", "#2b7a2b", "", 1.6 },
	[LK_RST] = { "RST", "#c00000", "", 3.0 },
};

const char *ladder_kind_name(enum ladder_kind k)
{
	return (unsigned)k < LK_KIND_COUNT ? kinds[k].name : "?";
}

void ladder_init(struct ladder *l, const char *title, const char *middle)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->title, sizeof(l->title), "%s", title);
	snprintf(l->middle, sizeof(l->middle), "%s", middle);
	l->fw_expired_s = -1;
}

void ladder_free(struct ladder *l)
{
	free(l->p);
	free(l->notes);
	l->p = NULL;
	l->notes = NULL;
	l->n = l->cap = l->n_notes = l->cap_notes = 0;
}

int ladder_add(struct ladder *l, const struct ladder_pkt *p)
{
	struct ladder_pkt *last = l->n ? &l->p[l->n - 1] : NULL;

	/* a run: the same kind the same way, data or ACKs, close in time */
	if (last && last->from == p->from && last->to == p->to && last->kind == p->kind &&
	    last->dropped == p->dropped && (p->kind == LK_DATA || p->kind == LK_ACK) &&
	    !p->note[0] && !last->note[0] && p->t_s - last->t_s <= RUN_MS / 1000.0) {
		last->count += p->count ? p->count : 1;
		last->len += p->len;
		return 0;
	}
	struct ladder_pkt *v = grow(l->p, &l->cap, l->n, sizeof(*v), 64);
	if (v == NULL)
		return -1;
	l->p = v;
	l->p[l->n] = *p;
	if (l->p[l->n].count == 0)
		l->p[l->n].count = 1;
	l->n++;
	return 0;
}

int ladder_note(struct ladder *l, double t_s, enum ladder_lane lane, bool bad, const char *fmt, ...)
{
	va_list ap;

	struct ladder_note *v = grow(l->notes, &l->cap_notes, l->n_notes, sizeof(*v), 16);
	if (v == NULL)
		return -1;
	l->notes = v;
	struct ladder_note *n = &l->notes[l->n_notes++];
	n->t_s = t_s;
	n->lane = (uint8_t)lane;
	n->bad = bad;
	va_start(ap, fmt);
	vsnprintf(n->text, sizeof(n->text), fmt, ap);
	va_end(ap);
	return 0;
}

void ladder_foot(struct ladder *l, bool bad, const char *fmt, ...)
{
	va_list ap;

	if (l->n_foot == LADDER_MAX_FOOT)
		return;
	l->foot[l->n_foot].bad = bad;
	va_start(ap, fmt);
	vsnprintf(l->foot[l->n_foot].text, sizeof(l->foot[0].text), fmt, ap);
	va_end(ap);
	l->n_foot++;
}

/* ---- from captures ---- */

static enum ladder_kind kind_of(const struct leg_seg *s)
{
	/* the analyzer's classes: capture/analyze.h enum pkt_class */
	switch (s->cls) {
	case 1: return LK_KEEPALIVE;
	case 2: return LK_KEEPALIVE_ACK;
	case 3: return LK_ZERO_WINDOW_PROBE;
	case 4: return LK_NS_PROBE;
	case 5: return LK_RETRANS;
	default: break;
	}
	if (s->flags & TCP_RST)
		return LK_RST;
	if (s->flags & TCP_SYN)
		return LK_SYN;
	if (s->flags & TCP_FIN)
		return LK_FIN;
	return s->len ? LK_DATA : LK_ACK;
}

struct leg_seg leg_seg_of(const struct tcp_pkt *p, double t_s, bool from_client)
{
	struct leg_seg s = { .t_s = t_s,
		             .cport = from_client ? p->sport : p->dport,
		             .from_client = from_client,
		             .flags = p->flags,
		             .seq = p->seq,
		             .ack = p->ack,
		             .len = p->payload_len };
	size_t n = p->caplen_payload < ORA_SCAN_BYTES ? p->caplen_payload : ORA_SCAN_BYTES;
	int ora = p->payload ? ora_find(p->payload, n) : 0;

	if (ora)
		snprintf(s.note, sizeof(s.note), "ORA-%05d", ora);
	return s;
}

static bool same_seg(const struct leg_seg *a, const struct leg_seg *b)
{
	return a->from_client == b->from_client && a->flags == b->flags && a->seq == b->seq &&
	       a->ack == b->ack && a->len == b->len;
}

static int add_seg(struct ladder *l, const struct leg_seg *s, uint8_t from, uint8_t to,
                   bool dropped)
{
	struct ladder_pkt p = { .t_s = s->t_s,
		                .from = from,
		                .to = to,
		                .kind = (uint8_t)kind_of(s),
		                .dropped = dropped,
		                .len = s->len,
		                .count = 1 };
	snprintf(p.note, sizeof(p.note), "%s", s->note);
	return ladder_add(l, &p);
}

/* The unused segment of `leg` (n of them) that is `s` seen there, within
 * half a second of it; -1 none. */
static long counterpart(const struct leg_seg *leg, size_t n, const bool *used,
                        const struct leg_seg *s)
{
	for (size_t k = 0; k < n; k++) {
		if (leg[k].t_s > s->t_s + 0.5)
			break;
		if (!used[k] && leg[k].t_s >= s->t_s - 0.5 && same_seg(&leg[k], s))
			return (long)k;
	}
	return -1;
}

int ladder_from_legs(struct ladder *l, const struct leg_seg *cleg, size_t nc,
                     const struct leg_seg *sleg, size_t ns)
{
	bool *used_c = calloc(nc + 1, 1), *used_s = calloc(ns + 1, 1);
	size_t i = 0, j = 0;
	int rc = 0;

	if (!used_c || !used_s) {
		free(used_c);
		free(used_s);
		return -1;
	}
	/* In time order over both legs: a segment seen on both legs (within
	 * half a second) crossed the middle; only on its sender's leg, it was
	 * lost there; only on its receiver's leg, the middle made it. */
	while (rc == 0 && (i < nc || j < ns)) {
		bool take_c = j >= ns || (i < nc && cleg[i].t_s <= sleg[j].t_s);
		const struct leg_seg *s = take_c ? &cleg[i] : &sleg[j];
		bool *used = take_c ? &used_c[i] : &used_s[j];
		if (take_c)
			i++;
		else
			j++;
		if (*used)
			continue;
		*used = true;
		bool on_sender_leg = take_c == s->from_client;
		uint8_t from = s->from_client ? LANE_CLIENT : LANE_SERVER;
		uint8_t to = s->from_client ? LANE_SERVER : LANE_CLIENT;
		long k = take_c ? counterpart(sleg, ns, used_s, s)
		                : counterpart(cleg, nc, used_c, s);
		if (k >= 0) {
			(take_c ? used_s : used_c)[k] = true;
			rc = add_seg(l, s, from, to, false);
		} else if (on_sender_leg) {
			rc = add_seg(l, s, from, LANE_FW, true);
		} else {
			rc = add_seg(l, s, LANE_FW, to, false);
		}
	}
	free(used_c);
	free(used_s);
	return rc;
}

int ladder_from_capture(struct ladder *l, const struct leg_seg *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t from = s[i].from_client ? LANE_CLIENT : LANE_SERVER;
		if (add_seg(l, &s[i], from, s[i].from_client ? LANE_SERVER : LANE_CLIENT, false))
			return -1;
	}
	return 0;
}

/* ---- the drawing ---- */

/* Break `text` into lines of at most `width` characters, at spaces where
 * it can; returns the number of lines (at most max), each in lines[k]. */
static int wrap(const char *text, int width, char lines[][256], int max)
{
	int n = 0;
	const char *p = text;

	while (*p && n < max) {
		size_t len = strlen(p);
		size_t take = len <= (size_t)width ? len : (size_t)width;
		if (take < len) {
			size_t cut = take;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut > (size_t)width / 3)
				take = cut;
		}
		snprintf(lines[n], 256, "%.*s", (int)take, p);
		n++;
		p += take;
		while (*p == ' ')
			p++;
	}
	if (*p && n == max) /* longer than the room: say so, do not clip */
		snprintf(lines[max - 1] +
		                 (strlen(lines[max - 1]) > 252 ? 252 : strlen(lines[max - 1])),
		         4, "...");
	return n;
}

/* One row of the drawing: a packet or a note, in time order. */
struct row {
	double t_s;
	int pkt;  /* index into l->p, or -1 */
	int note; /* index into l->notes, or -1 */
	int lines;
	double y;
	double gap_s; /* a compressed gap before it, else 0 */
};

static int by_time(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->t_s != y->t_s)
		return x->t_s < y->t_s ? -1 : 1;
	/* packets before notes, then in the order they were added */
	if ((x->pkt >= 0) != (y->pkt >= 0))
		return x->pkt >= 0 ? -1 : 1;
	return x->pkt >= 0 ? x->pkt - y->pkt : x->note - y->note;
}

static double lane_x(int lane)
{
	return lane == LANE_CLIENT ? X_CLIENT : lane == LANE_SERVER ? X_SERVER : X_MIDDLE;
}

static void arrow_label(const struct ladder_pkt *p, char *buf, size_t size)
{
	char what[48];

	if (p->kind == LK_DATA && p->count > 1)
		snprintf(what, sizeof(what), "DATA x%u, %u B", p->count, p->len);
	else if (p->kind == LK_DATA || (p->kind == LK_RETRANS && p->len))
		snprintf(what, sizeof(what), "%s %u B", kinds[p->kind].name, p->len);
	else if (p->kind == LK_ACK && p->count > 1)
		snprintf(what, sizeof(what), "ACK x%u", p->count);
	else
		snprintf(what, sizeof(what), "%s", kinds[p->kind].name);
	if (p->from == LANE_FW)
		snprintf(buf, size, "%s (made by the %s)", what, "middle");
	else if (p->note[0])
		snprintf(buf, size, "%s: %.16s", what, p->note);
	else if (p->dropped)
		snprintf(buf, size, "%s, dropped", what);
	else
		snprintf(buf, size, "%s", what);
}

static void draw_arrow(FILE *out, const struct ladder_pkt *p, double y)
{
	double x1 = lane_x(p->from), x2 = lane_x(p->to);
	double dir = x2 > x1 ? 1 : -1;
	char label[96];

	fprintf(out,
	        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
	        "stroke-width=\"%.1f\"%s%s%s/>\n",
	        x1, y, x2 - dir * 6, y, kinds[p->kind].stroke, kinds[p->kind].width,
	        kinds[p->kind].dash[0] ? " stroke-dasharray=\"" : "", kinds[p->kind].dash,
	        kinds[p->kind].dash[0] ? "\"" : "");
	if (p->dropped) { /* a cross where it was lost */
		fprintf(out,
		        "<path d=\"M%.1f %.1f l12 12 m0 -12 l-12 12\" stroke=\"#c00000\" "
		        "stroke-width=\"2.5\"/>\n",
		        x2 - 6, y - 6);
	} else {
		fprintf(out, "<path d=\"M%.1f %.1f l%.1f -5 l0 10 z\" fill=\"%s\"/>\n", x2, y,
		        -dir * 9, kinds[p->kind].stroke);
	}
	if (p->from == LANE_FW) /* made in the middle: a mark where it began */
		fprintf(out,
		        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"#ffffff\" "
		        "stroke=\"#c00000\" "
		        "stroke-width=\"2\"/>\n",
		        x1, y);
	arrow_label(p, label, sizeof(label));
	double mid = (x1 + x2) / 2;
	/* an arrow across both halves: its label in the half it starts in */
	if (fabs(x2 - x1) > X_SERVER - X_CLIENT - 1)
		mid = (x1 + X_MIDDLE) / 2;
	fprintf(out, "<text class=\"al\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", mid,
	        y - 4);
	html_text(out, label);
	fputs("</text>\n", out);
}

/* The middle's conntrack entry: from its first packet, full at each packet
 * that refreshes it, narrowing as its timeout runs down, gone at expiry. */
static void draw_entry(FILE *out, const struct ladder *l, const struct row *rows, int nr,
                       double y_end)
{
	double t_prev = -1, y_prev = 0;

	if (!l->has_entry || l->fw_idle_s <= 0)
		return;
	for (int i = 0; i <= nr; i++) {
		bool last = i == nr;
		const struct ladder_pkt *p = !last && rows[i].pkt >= 0 ? &l->p[rows[i].pkt] : NULL;
		bool refresh =
		        p && p->from != LANE_FW &&
		        !(l->ka_ignored && (p->kind == LK_KEEPALIVE ||
		                            p->kind == LK_KEEPALIVE_ACK || p->kind == LK_ACK)) &&
		        (l->fw_expired_s < 0 || p->t_s < l->fw_expired_s);
		bool expiry = !last && rows[i].note >= 0 &&
		              l->notes[rows[i].note].lane == LANE_FW && l->fw_expired_s >= 0 &&
		              fabs(rows[i].t_s - l->fw_expired_s) < 1e-6;
		if (!refresh && !expiry && !last)
			continue;
		double t = last ? (l->fw_expired_s >= 0 ? l->fw_expired_s : t_prev) : rows[i].t_s;
		double y = last ? y_end : rows[i].y;
		if (t_prev >= 0 && y > y_prev &&
		    (l->fw_expired_s < 0 || t_prev < l->fw_expired_s)) {
			double left = 1 - (t - t_prev) / l->fw_idle_s;
			if (expiry || left < 0)
				left = 0;
			double w0 = BAR_HALF_PX, w1 = BAR_HALF_PX * left;
			fprintf(out,
			        "<path class=\"entry\" d=\"M%.1f %.1f L%.1f %.1f L%.1f %.1f L%.1f "
			        "%.1f "
			        "Z\"/>\n",
			        X_MIDDLE - w0, y_prev, X_MIDDLE + w0, y_prev, X_MIDDLE + w1, y,
			        X_MIDDLE - w1, y);
		}
		if (refresh) {
			t_prev = t;
			y_prev = y;
		}
		if (expiry)
			break;
	}
}

/* Rows: packets and notes in time order, with their y. */
static int layout(const struct ladder *l, struct row **out, double *height)
{
	size_t np = l->n, keep_head = np, skip = 0;
	if (np > LADDER_MAX_ROWS) { /* the first and last packets, not the middle */
		keep_head = LADDER_MAX_ROWS / 2;
		skip = np - LADDER_MAX_ROWS;
	}
	size_t nr = np - skip + l->n_notes;
	struct row *rows = calloc(nr + 1, sizeof(*rows));
	char lines[6][256];
	int k = 0;

	if (rows == NULL)
		return -1;
	for (size_t i = 0; i < np; i++) {
		if (i >= keep_head && i < keep_head + skip)
			continue;
		rows[k++] =
		        (struct row){ .t_s = l->p[i].t_s, .pkt = (int)i, .note = -1, .lines = 1 };
	}
	for (size_t i = 0; i < l->n_notes; i++) {
		int width = l->notes[i].lane == LANE_CLIENT ? LEFT_CHARS : RIGHT_CHARS;
		rows[k++] = (struct row){ .t_s = l->notes[i].t_s,
			                  .pkt = -1,
			                  .note = (int)i,
			                  .lines = wrap(l->notes[i].text, width, lines, 6) };
	}
	qsort(rows, (size_t)k, sizeof(*rows), by_time);
	double y = HEAD_PX;
	for (int i = 0; i < k; i++) {
		double dt = i ? rows[i].t_s - rows[i - 1].t_s : 0;
		if (i)
			y += ROW_PX + (rows[i - 1].lines - 1) * LINE_PX;
		if (dt > BREAK_S) {
			rows[i].gap_s = dt;
			y += BREAK_PX;
		} else if (dt > RUN_MS / 1000.0) {
			y += dt * PX_PER_S;
		}
		rows[i].y = y;
	}
	*height = y + (k ? ROW_PX + (rows[k - 1].lines - 1) * LINE_PX : 0);
	*out = rows;
	return k;
}

int ladder_svg(const struct ladder *l, FILE *out, bool standalone)
{
	struct row *rows;
	double body_end;
	char lines[8][256];
	int nr = layout(l, &rows, &body_end);

	if (nr < 0)
		return -1;
	int foot_lines = 0;
	for (int i = 0; i < l->n_foot; i++)
		foot_lines += wrap(l->foot[i].text, FOOT_CHARS, lines, 8);
	int title_lines = wrap(l->title, TITLE_CHARS, lines, 3);
	double height = body_end + 24 + foot_lines * LINE_PX + 20 + (title_lines - 1) * LINE_PX;
	double lane_top = 64 + (title_lines - 1) * LINE_PX, shift = (title_lines - 1) * LINE_PX;

	if (standalone)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out,
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ladder\" width=\"%d\" "
	        "height=\"%.0f\" viewBox=\"0 0 %d %.0f\" font-family=\"DejaVu Sans, Arial, "
	        "sans-serif\">\n",
	        WIDTH, height, WIDTH, height);
	fputs("<style>text{font-size:12px;fill:#111}.al{font-size:11px}.t{font-size:10px;"
	      "fill:#555}.h{font-size:13px;font-weight:bold}.bad{font-weight:bold;fill:#a00000}"
	      ".lane{stroke:#999;stroke-width:1}.entry{fill:#f0c36d;stroke:#b38600;"
	      "stroke-width:0.8}.brk{font-size:11px;fill:#555;font-style:italic}</style>\n",
	      out);
	fprintf(out, "<rect width=\"%d\" height=\"%.0f\" fill=\"#ffffff\"/>\n", WIDTH, height);
	title_lines = wrap(l->title, TITLE_CHARS, lines, 3);
	for (int i = 0; i < title_lines; i++) {
		fprintf(out, "<text class=\"h\" x=\"%d\" y=\"%d\">", X_TIME, 20 + i * LINE_PX);
		html_text(out, lines[i]);
		fputs("</text>\n", out);
	}
	const char *heads[LANE_COUNT] = { "client", l->middle, "server" };
	for (int lane = 0; lane < LANE_COUNT; lane++) {
		double x = lane_x(lane);
		fprintf(out,
		        "<rect x=\"%.0f\" y=\"%.0f\" width=\"150\" height=\"22\" rx=\"4\" "
		        "fill=\"#eeeeee\" stroke=\"#666\"/>\n",
		        x - 75, 34 + shift);
		fprintf(out, "<text class=\"h\" x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">", x,
		        50 + shift);
		html_text(out, heads[lane]);
		fputs("</text>\n", out);
		fprintf(out,
		        "<line class=\"lane\" x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\"/>\n",
		        x, lane_top, x, body_end + shift);
	}
	fprintf(out, "<g transform=\"translate(0 %.0f)\">\n", shift);
	draw_entry(out, l, rows, nr, body_end);
	for (int i = 0; i < nr; i++) {
		const struct row *r = &rows[i];
		if (r->gap_s > 0) { /* a compressed stretch: its length, on white */
			char g[64];
			double yb = r->y - BREAK_PX / 2.0 - 4;
			snprintf(g, sizeof(g), "... %.2f s with nothing on the wire ...", r->gap_s);
			fprintf(out,
			        "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"16\" "
			        "fill=\"#ffffff\"/>\n",
			        X_CLIENT - 20, yb - 12, X_SERVER - X_CLIENT + 40);
			fprintf(out,
			        "<text class=\"brk\" x=\"%d\" y=\"%.1f\" "
			        "text-anchor=\"middle\">%s</text>\n",
			        X_MIDDLE, yb, g);
		}
		if (i == 0 || r->gap_s > 0 || r->t_s - rows[i - 1].t_s > 0.0005)
			fprintf(out, "<text class=\"t\" x=\"%d\" y=\"%.1f\">%.3f s</text>\n",
			        X_TIME, r->y + 4, r->t_s);
		if (r->pkt >= 0) {
			draw_arrow(out, &l->p[r->pkt], r->y);
			if (l->n > LADDER_MAX_ROWS && r->pkt == LADDER_MAX_ROWS / 2 - 1)
				fprintf(out,
				        "<text class=\"brk\" x=\"%d\" y=\"%.1f\" "
				        "text-anchor=\"middle\">(%zu packets not drawn)</text>\n",
				        X_MIDDLE, r->y + 14, l->n - LADDER_MAX_ROWS);
			continue;
		}
		const struct ladder_note *n = &l->notes[r->note];
		int width = n->lane == LANE_CLIENT ? LEFT_CHARS : RIGHT_CHARS;
		int nl = wrap(n->text, width, lines, 6);
		for (int k = 0; k < nl; k++) {
			double ty = r->y + 4 + k * LINE_PX;
			if (n->lane == LANE_CLIENT)
				fprintf(out, "<text%s x=\"%d\" y=\"%.1f\">",
				        n->bad ? " class=\"bad\"" : "", X_LEFT, ty);
			else if (n->lane == LANE_SERVER)
				fprintf(out, "<text%s x=\"%d\" y=\"%.1f\">",
				        n->bad ? " class=\"bad\"" : "", X_RIGHT, ty);
			else
				fprintf(out, "<text%s x=\"%d\" y=\"%.1f\">",
				        n->bad ? " class=\"bad\"" : "", X_MIDDLE + 14, ty);
			html_text(out, lines[k]);
			fputs("</text>\n", out);
		}
		double x = lane_x(n->lane);
		fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>\n", x, r->y,
		        n->bad ? "#a00000" : "#333333");
	}
	double y = body_end + 24;
	for (int i = 0; i < l->n_foot; i++) {
		int nl = wrap(l->foot[i].text, FOOT_CHARS, lines, 8);
		for (int k = 0; k < nl; k++, y += LINE_PX) {
			fprintf(out, "<text%s x=\"%d\" y=\"%.1f\">",
			        l->foot[i].bad ? " class=\"bad\"" : "", X_TIME, y);
			html_text(out, lines[k]);
			fputs("</text>\n", out);
		}
	}
	fputs("</g>\n</svg>\n", out);
	free(rows);
	return ferror(out) ? -1 : 0;
}
