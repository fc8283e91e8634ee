/* report.c - a lab run as people and tools read it: text, JSON, JUnit XML,
 * an SVG timeline. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/log.h"
#include "../../lib/numparse.h"
#include "../../lib/sbuf.h"
#include "../../model/measure.h"
#include "record.h"

#include "../../report/html.h"

/* "server 19c keepalive 2/1/3 | firewall ... | client ..." */
static void setup_line(const struct scenario *s, char *buf, size_t size)
{
	char b[32];
	size_t n = 0;

	n += (size_t)snprintf(buf + n, size - n, "server %s", s->release);
	if (s->expire_time_min >= 0 && n < size)
		n += (size_t)snprintf(buf + n, size - n, ", EXPIRE_TIME=%d", s->expire_time_min);
	if (s->keepidle_s && n < size)
		n += (size_t)snprintf(buf + n, size - n, ", keepalive %d/%d/%d", s->keepidle_s,
		                      s->keepintvl_s, s->keepcnt);
	if (s->ns_probes && n < size)
		n += (size_t)snprintf(buf + n, size - n, ", NS probes");
	if (s->fw == SCN_FW_NONE && n < size)
		n += (size_t)snprintf(buf + n, size - n, " | no firewall");
	else if (n < size)
		n += (size_t)snprintf(
		        buf + n, size - n, " | firewall %s idle %s, %s, keepalives %s",
		        s->preset ? s->preset->name : "conntrack",
		        fmt_duration_ms(s->fw_idle_ms, b, sizeof(b)), fw_expiry_keyword(s->expiry),
		        s->keepalives_ignored ? "ignored" : "count");
	bool all_own = true; /* every client has its own plan: the common one is unused */
	for (int k = 0; k < s->clients; k++)
		all_own = all_own && s->client_plan[k][0];
	if (n < size && !all_own)
		n += (size_t)snprintf(buf + n, size - n, " | client: %s", s->plan);
	for (int k = 0; k < s->clients; k++)
		if (s->client_plan[k][0] && n < size)
			n += (size_t)snprintf(buf + n, size - n, " | client %d: %s", k + 1,
			                      s->client_plan[k]);
	if (s->c_keepidle_s && n < size)
		snprintf(buf + n, size - n, ", keepalive %d/%d/%d", s->c_keepidle_s,
		         s->c_keepintvl_s, s->c_keepcnt);
}

void report_text(const struct lab_run *r, FILE *out)
{
	const struct scenario *s = r->s;
	char setup[700];

	setup_line(s, setup, sizeof(setup));
	fprintf(out, "== %s (%s)\n", s->name, s->file);
	if (s->describe[0])
		fprintf(out, "   %s\n", s->describe);
	fprintf(out, "   %s\n", setup);
	if (r->error[0]) {
		fprintf(out, "   ERROR: the run could not be carried out: %s\n\n", r->error);
		return;
	}
	fprintf(out, "   %8s  %-6s  %s\n", "t (s)", "who", "what");
	for (int i = 0; i < r->n_events; i++)
		fprintf(out, "   %8.3f  %-6s  %s\n", (double)r->events[i].t_ms / 1000,
		        r->events[i].who, r->events[i].what);
	fprintf(out, "   expectations:\n");
	for (int i = 0; i < s->n_expect; i++)
		fprintf(out, "     %-4s  %-44s  %s\n", r->expect[i].ok ? "ok" : "FAIL",
		        s->expect[i].text, r->expect[i].observed);
	if (r->simulated)
		fprintf(out, "   %s: %d of %d expectations held (%.1f s of virtual time)\n\n",
		        lab_run_passed(r) ? "PASS" : "FAIL", r->passed, s->n_expect, r->wall_s);
	else
		fprintf(out, "   %s: %d of %d expectations held (%.1f s)\n\n",
		        lab_run_passed(r) ? "PASS" : "FAIL", r->passed, s->n_expect, r->wall_s);
}

void report_json(const struct lab_run *r, FILE *out)
{
	const struct scenario *s = r->s;
	struct sbuf b = { 0 };

	sbuf_printf(&b, "{\"name\":");
	sbuf_json_str(&b, s->name);
	sbuf_printf(&b, ",\"file\":");
	sbuf_json_str(&b, s->file);
	sbuf_printf(&b, ",\"passed\":%s,\"wall_s\":%.3f", lab_run_passed(r) ? "true" : "false",
	            r->wall_s);
	if (r->error[0]) {
		sbuf_printf(&b, ",\"error\":");
		sbuf_json_str(&b, r->error);
	}
	sbuf_printf(&b, ",\"artifacts\":");
	sbuf_json_str(&b, r->dir);
	sbuf_printf(&b, ",\"outcome\":{\"fw_expired\":%d,\"fw_expired_s\":", r->fw_expired);
	if (r->fw_expired_ms >= 0)
		sbuf_printf(&b, "%.3f", (double)r->fw_expired_ms / 1000);
	else
		sbuf_printf(&b, "null");
	if (r->measured.ran) {
		const struct lab_measured *m = &r->measured;
		sbuf_printf(&b, ",\"measured\":{\"lo_s\":%.3f,\"hi_s\":", (double)m->lo_ms / 1000);
		if (m->hi_ms >= 0)
			sbuf_printf(&b, "%.3f", (double)m->hi_ms / 1000);
		else
			sbuf_printf(&b, "null");
		sbuf_printf(&b,
		            ",\"expiry\":\"%s\",\"keepalives\":%d,\"elapsed_s\":%.3f,"
		            "\"opened\":%u,\"max_open\":%u}",
		            m->expiry >= 0 ? m_expiry_name(m->expiry) : "unknown", m->keepalives,
		            m->elapsed_s, m->opened, m->max_open);
	}
	sbuf_printf(&b, ",\"sessions\":[");
	for (int k = 0; k < s->clients && !r->error[0] && !s->measure; k++) {
		const struct lab_session *se = &r->sess[k];
		sbuf_printf(&b,
		            "%s{\"client\":%d,\"client_port\":%u,\"client_exit\":%d,\"calls\":[",
		            k ? "," : "", k + 1, se->cport, se->client_exit);
		for (int i = 0; i < se->n_calls; i++) {
			const struct call_result *c = &se->calls[i];
			sbuf_printf(&b, "%s{\"call\":%d,\"made\":%s,\"ok\":%s,\"t_s\":%.3f",
			            i ? "," : "", i + 1, c->made ? "true" : "false",
			            c->ok ? "true" : "false", (double)c->t_ms / 1000);
			if (c->ora)
				sbuf_printf(&b, ",\"ora\":\"ORA-%05d\"", c->ora);
			sbuf_printf(&b, "}");
		}
		sbuf_printf(&b, "],\"server_end\":");
		if (se->server_ended) {
			sbuf_printf(&b, "{\"cause\":");
			sbuf_json_str(&b, end_cause_name((enum end_cause)se->server_cause));
			sbuf_printf(
			        &b, ",\"dead_peer\":%s,\"t_s\":%.3f,\"since_last_packet_s\":%.3f}",
			        se->server_dead_peer ? "true" : "false",
			        (double)se->server_end_ms / 1000, se->server_since_last_packet_s);
		} else {
			sbuf_printf(&b, "null");
		}
		sbuf_printf(&b, ",\"server_status\":\"%s\",\"client_keepalive\":%s",
		            db_status_name((enum db_status)se->db_status),
		            se->client_ka == 1   ? "true"
		            : se->client_ka == 0 ? "false"
		                                 : "null");
		for (int leg = 0; leg < 2; leg++) {
			sbuf_printf(&b, ",\"%s_leg_verdict\":",
			            leg == LEG_SERVER ? "server" : "client");
			if (se->verdict[leg] >= 0)
				sbuf_json_str(&b, verdict_name((enum verdict)se->verdict[leg]));
			else
				sbuf_printf(&b, "null");
		}
		sbuf_printf(&b, "}");
	}
	sbuf_printf(&b, "]");
	sbuf_printf(&b, "},\"expectations\":[");
	for (int i = 0; i < s->n_expect && !r->error[0]; i++) {
		sbuf_printf(&b, "%s{\"expect\":", i ? "," : "");
		sbuf_json_str(&b, s->expect[i].text);
		sbuf_printf(&b, ",\"line\":%d,\"ok\":%s,\"observed\":", s->expect[i].line,
		            r->expect[i].ok ? "true" : "false");
		sbuf_json_str(&b, r->expect[i].observed);
		sbuf_printf(&b, "}");
	}
	sbuf_printf(&b, "],\"timeline\":[");
	for (int i = 0; i < r->n_events; i++) {
		sbuf_printf(&b, "%s{\"t_s\":%.3f,\"who\":", i ? "," : "",
		            (double)r->events[i].t_ms / 1000);
		sbuf_json_str(&b, r->events[i].who);
		sbuf_printf(&b, ",\"what\":");
		sbuf_json_str(&b, r->events[i].what);
		sbuf_printf(&b, "}");
	}
	sbuf_printf(&b, "]}");
	fwrite(b.buf, 1, b.len, out);
	sbuf_free(&b);
}

static void xml_str(FILE *out, const char *s)
{
	struct sbuf b = { 0 };

	sbuf_xml_str(&b, s);
	if (b.len)
		fwrite(b.buf, 1, b.len, out);
	sbuf_free(&b);
}

void report_junit_case(const struct lab_run *r, FILE *out)
{
	const struct scenario *s = r->s;

	fprintf(out, "  <testcase classname=\"dcdlab.lab\" name=\"");
	xml_str(out, s->name);
	fprintf(out, "\" file=\"");
	xml_str(out, s->file);
	fprintf(out, "\" time=\"%.3f\">\n", r->wall_s);
	if (r->error[0]) {
		fprintf(out, "    <error message=\"");
		xml_str(out, r->error);
		fprintf(out, "\"/>\n");
	}
	for (int i = 0; i < s->n_expect && !r->error[0]; i++) {
		char msg[512];
		if (r->expect[i].ok)
			continue;
		snprintf(msg, sizeof(msg), "%s:%d: expected %s; observed %s", s->file,
		         s->expect[i].line, s->expect[i].text, r->expect[i].observed);
		fprintf(out, "    <failure message=\"");
		xml_str(out, msg);
		fprintf(out, "\"/>\n");
	}
	fprintf(out, "    <system-out>");
	for (int i = 0; i < r->n_events; i++) {
		char line[300];
		snprintf(line, sizeof(line), "%8.3f %-6s %s\n", (double)r->events[i].t_ms / 1000,
		         r->events[i].who, r->events[i].what);
		xml_str(out, line);
	}
	fprintf(out, "</system-out>\n  </testcase>\n");
}

/* ---- SVG: one lane per host, the firewall's entry as a sawtooth ---- */

enum { SVG_W = 960, SVG_LEFT = 70, SVG_RIGHT = 20, LANE_H = 60, SVG_TOP = 50 };

static int lane_of(const char *who)
{
	if (strcmp(who, "client") == 0)
		return 0;
	if (strcmp(who, "fw") == 0 || strcmp(who, "wire") == 0)
		return 1;
	if (strcmp(who, "server") == 0)
		return 2;
	return -1; /* faults and the lab: across all lanes */
}

/* `what` shortened at a word to fit `room_px` at font-size 9 (about 5 px a
 * character), with an ellipsis; the whole text stays in the dot's title. */
static void label_fit(const char *what, double room_px, char *out, size_t len)
{
	size_t max_ch = room_px > 50 ? (size_t)(room_px / 5.0) : 10, n = strlen(what);

	if (n <= max_ch || max_ch + 4 > len) {
		snprintf(out, len, "%s", what);
		return;
	}
	size_t cut = max_ch - 1;
	while (cut > max_ch / 2 && what[cut] != ' ')
		cut--;
	snprintf(out, len, "%.*s\u2026", (int)cut, what);
}

/* Scenario time (s) to x in the picture. */
struct svg_axis {
	double t_min_s, px_per_s;
};

static double svg_x(const struct svg_axis *ax, double t_s)
{
	return SVG_LEFT + (t_s - ax->t_min_s) * ax->px_per_s;
}

/* The conntrack entry's remaining timeout, in the firewall's lane: one
 * line while an entry exists, none while there is none (expired, flushed),
 * a new one if the flow is tracked again. */
static void svg_conntrack(const struct lab_run *r, const struct svg_axis *ax, FILE *out)
{
	const struct scenario *s = r->s;

	if (r->n_samples && s->fw_idle_ms > 0) {
		int base = SVG_TOP + LANE_H + LANE_H - 8;
		double full = (double)s->fw_idle_ms / 1000;
		bool open = false;
		for (int i = 0; i < r->n_samples; i++) {
			const struct ct_sample *c = &r->samples[i];
			if (c->timeout_s < 0) {
				if (open)
					fprintf(out, "\"><title>conntrack entry: remaining idle "
					             "timeout</title></polyline>\n");
				open = false;
				continue;
			}
			if (!open)
				fprintf(out, "<polyline fill=\"none\" stroke=\"#2a7\" "
				             "stroke-width=\"1.5\" points=\"");
			open = true;
			fprintf(out, "%.1f,%.1f ", svg_x(ax, (double)c->t_ms / 1000),
			        base - c->timeout_s / full * (LANE_H - 16));
		}
		if (open)
			fprintf(out, "\"><title>conntrack entry: remaining idle "
			             "timeout</title></polyline>\n");
	}
}

/* Each event a dot on its lane (a red dashed line across the lanes for the
 * lab's own); failures and session ends labelled. */
static void svg_events(const struct lab_run *r, const struct svg_axis *ax, int ya, FILE *out)
{
	double last_x[3] = { -1e9, -1e9, -1e9 };
	int stack[3] = { 0 };
	for (int i = 0; i < r->n_events; i++) {
		const struct lab_event *e = &r->events[i];
		double x = svg_x(ax, (double)e->t_ms / 1000);
		int lane = lane_of(e->who);
		bool bad = strstr(e->what, "ORA-") || strstr(e->what, "RST") ||
		           strstr(e->what, "expired") || strstr(e->what, "dead peer") ||
		           strstr(e->what, "rst");
		bool label = bad || strstr(e->what, "session ended");
		if (lane < 0) {
			fprintf(out,
			        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c22\" "
			        "stroke-dasharray=\"4 3\"><title>",
			        x, SVG_TOP, x, ya);
			xml_str(out, e->what);
			fprintf(out, "</title></line>\n");
			continue;
		}
		int y = SVG_TOP + lane * LANE_H + LANE_H / 2;
		if (strcmp(e->who, "wire") == 0)
			y += strstr(e->what, "client") == e->what ? -10 : 10;
		fprintf(out,
		        "<circle cx=\"%.1f\" cy=\"%d\" r=\"%d\" fill=\"%s\"><title>%.3f s: ", x, y,
		        bad ? 5 : 3, bad ? "#c22" : "#36c", (double)e->t_ms / 1000);
		xml_str(out, e->what);
		fprintf(out, "</title></circle>\n");
		if (label && strcmp(e->who, "wire") != 0) {
			char text[sizeof(e->what) + 4];
			bool left = x > SVG_W * 0.6; /* keep the label inside the picture */
			/* labels close together stack upwards instead of overlapping */
			stack[lane] = x - last_x[lane] < 250 ? stack[lane] + 1 : 0;
			last_x[lane] = x;
			label_fit(e->what, left ? x - 10 : SVG_W - x - 10, text, sizeof(text));
			fprintf(out,
			        "<text x=\"%.1f\" y=\"%d\" font-size=\"9\" fill=\"%s\" "
			        "text-anchor=\"%s\">",
			        left ? x - 6 : x + 6, y - 8 - 10 * (stack[lane] % 3),
			        bad ? "#c22" : "#36c", left ? "end" : "start");
			xml_str(out, text);
			fprintf(out, "</text>\n");
		}
	}
}

void report_svg(const struct lab_run *r, FILE *out)
{
	const struct scenario *s = r->s;
	double t_min = 0, t_max = 1;
	int h = SVG_TOP + 3 * LANE_H + 40 + 14 * (s->n_expect + 1);
	static const char *const lanes[3] = { "client", "firewall", "server" };

	for (int i = 0; i < r->n_events; i++) {
		double t = (double)r->events[i].t_ms / 1000;
		t_min = t < t_min ? t : t_min;
		t_max = t > t_max ? t : t_max;
	}
	/* the conntrack samples are drawn too: inside the picture */
	for (int i = 0; i < r->n_samples; i++) {
		double t = (double)r->samples[i].t_ms / 1000;
		t_min = t < t_min ? t : t_min;
		t_max = t > t_max ? t : t_max;
	}
	double span = t_max - t_min;
	const struct svg_axis axis = { t_min, (SVG_W - SVG_LEFT - SVG_RIGHT) / span }, *ax = &axis;
	fprintf(out,
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	        "font-family=\"sans-serif\" font-size=\"11\">\n"
	        "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n<text x=\"10\" y=\"20\" "
	        "font-size=\"14\" font-weight=\"bold\">",
	        SVG_W, h);
	xml_str(out, s->name);
	fprintf(out, ": %s</text>\n<text x=\"10\" y=\"36\" fill=\"#555\">",
	        lab_run_passed(r) ? "PASS" : "FAIL");
	xml_str(out, s->describe);
	fprintf(out, "</text>\n");
	for (int l = 0; l < 3; l++) {
		int y = SVG_TOP + l * LANE_H + LANE_H / 2;
		fprintf(out,
		        "<text x=\"8\" y=\"%d\">%s</text><line x1=\"%d\" y1=\"%d\" x2=\"%d\" "
		        "y2=\"%d\" stroke=\"#ccc\"/>\n",
		        y + 4, lanes[l], SVG_LEFT, y, SVG_W - SVG_RIGHT, y);
	}
	/* time axis, whole seconds */
	int ya = SVG_TOP + 3 * LANE_H;
	int step = span > 60 ? 10 : span > 20 ? 5 : 1;
	for (int t = (int)t_min; t <= (int)t_max; t++) {
		if (t % step)
			continue;
		fprintf(out,
		        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\"/><text "
		        "x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%ds</text>\n",
		        svg_x(ax, t), ya, svg_x(ax, t), ya + 4, svg_x(ax, t), ya + 16, t);
	}
	svg_conntrack(r, ax, out);
	svg_events(r, ax, ya, out);
	int y = ya + 36;
	for (int i = 0; i < s->n_expect && !r->error[0]; i++, y += 14) {
		fprintf(out, "<text x=\"10\" y=\"%d\" fill=\"%s\">%s  ", y,
		        r->expect[i].ok ? "#282" : "#c22", r->expect[i].ok ? "ok" : "FAIL");
		xml_str(out, s->expect[i].text);
		fprintf(out, " - ");
		xml_str(out, r->expect[i].observed);
		fprintf(out, "</text>\n");
	}
	fprintf(out, "</svg>\n");
}

int report_write(const char *dir, const char *name, const struct lab_run *r,
                 void (*fn)(const struct lab_run *, FILE *))
{
	char path[700];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "w"))) {
		log_error("%s: %s", path, strerror(errno));
		return -1;
	}
	fn(r, f);
	bool bad = ferror(f);
	int saved = errno;
	if (fclose(f) != 0 && !bad) {
		bad = true;
		saved = errno;
	}
	if (bad) {
		log_error("%s: %s", path, strerror(saved));
		return -1;
	}
	return 0;
}

/* ---- ladder diagrams (report/ladder.c) ---- */

/* A timeline event of session k (its "#k " tag, or none: shared), the tag
 * stripped; NULL when it is another session's or not worth a note. */
static const char *event_of(const struct lab_run *r, const struct lab_event *e, int k)
{
	const char *w = e->what;
	char port[24];

	if (strcmp(e->who, "wire") == 0 || strcmp(e->who, "lab") == 0 ||
	    strcmp(e->who, "capture") == 0)
		return NULL;
	if (w[0] == '#') { /* "#2 ..." */
		int n = atoi(w + 1);
		if (n != k + 1)
			return NULL;
		w = strchr(w, ' ') ? strchr(w, ' ') + 1 : w;
	}
	if (strcmp(e->who, "fw") == 0 && r->s->clients > 1 && strstr(w, "port ")) {
		snprintf(port, sizeof(port), "port %u", r->sess[k].cport);
		if (!strstr(w, port))
			return NULL;
	}
	return w;
}

static enum ladder_lane lane_of_event(const struct lab_event *e, const char *w)
{
	if (strcmp(e->who, "client") == 0)
		return LANE_CLIENT;
	if (strcmp(e->who, "server") == 0)
		return LANE_SERVER;
	if (strcmp(e->who, "fault") == 0)
		return strstr(w, "client")   ? LANE_CLIENT
		       : strstr(w, "server") ? LANE_SERVER
		                             : LANE_FW;
	return LANE_FW;
}

static int build_ladder(const struct lab_run *r, int k, struct ladder *l)
{
	const struct scenario *s = r->s;
	const struct lab_session *se = &r->sess[k];
	struct leg_seg *legs[2] = { NULL, NULL };
	size_t n[2] = { 0, 0 };
	char title[200];
	int rc = 0;

	char who[24] = "";
	if (s->clients > 1)
		snprintf(who, sizeof(who), ", session %d", k + 1);
	snprintf(title, sizeof(title), "%s%s - %s", s->name, who,
	         s->describe[0] ? s->describe : s->file);
	ladder_init(l, title, s->fw == SCN_FW_NONE ? "path (no firewall)" : "firewall");
	l->has_entry = s->fw != SCN_FW_NONE;
	l->ka_ignored = s->keepalives_ignored;
	l->fw_idle_s = (double)s->fw_idle_ms / 1000;
	for (int leg = 0; leg < 2; leg++) {
		legs[leg] = malloc((r->n_segs[leg] + 1) * sizeof(struct leg_seg));
		if (!legs[leg]) {
			rc = -1;
			goto out;
		}
		for (size_t i = 0; i < r->n_segs[leg]; i++)
			if (r->segs[leg][i].cport == se->cport)
				legs[leg][n[leg]++] = r->segs[leg][i];
	}
	if (ladder_from_legs(l, legs[LEG_CLIENT], n[LEG_CLIENT], legs[LEG_SERVER], n[LEG_SERVER]) !=
	    0) {
		rc = -1;
		goto out;
	}
	for (int i = 0; i < r->n_events; i++) {
		const struct lab_event *e = &r->events[i];
		const char *w = event_of(r, e, k);
		if (!w)
			continue;
		enum ladder_lane lane = lane_of_event(e, w);
		bool bad = strstr(w, "ORA-") || strstr(w, "ended") || strstr(w, "dead peer") ||
		           strcmp(e->who, "fault") == 0 || strstr(w, "expired") ||
		           strstr(w, "flushed") || strstr(w, "KILLED") || strstr(w, "SNIPED");
		if (lane == LANE_FW && l->fw_expired_s < 0 &&
		    (strstr(w, "expired") || strstr(w, "flushed")))
			l->fw_expired_s = (double)e->t_ms / 1000;
		if (ladder_note(l, (double)e->t_ms / 1000, lane, bad, "%s", w) != 0) {
			rc = -1;
			goto out;
		}
	}
	if (r->error[0])
		ladder_foot(l, true, "the run could not be carried out: %s", r->error);
	else
		ladder_foot(l, !lab_run_passed(r), "%s: %d of %d expectations held (%s)",
		            lab_run_passed(r) ? "PASS" : "FAIL", r->passed, s->n_expect,
		            r->simulated ? "simulated" : "the lab, real kernel");
	for (int i = 0; i < s->n_expect && i < LADDER_MAX_FOOT - 1; i++)
		ladder_foot(l, !r->expect[i].ok, "%s  %s - %s", r->expect[i].ok ? "ok  " : "FAIL",
		            s->expect[i].text, r->expect[i].observed);
out:
	free(legs[0]);
	free(legs[1]);
	return rc;
}

int report_ladder(const struct lab_run *r, int k, FILE *out, bool standalone)
{
	struct ladder l;
	int rc = build_ladder(r, k, &l);

	if (rc == 0)
		rc = ladder_svg(&l, out, standalone);
	ladder_free(&l);
	return rc;
}

int report_write_ladders(const char *dir, const char *base, const struct lab_run *r)
{
	int rc = 0;

	for (int k = 0; k < r->s->clients && !r->s->measure; k++) {
		char path[800];
		if (k == 0)
			snprintf(path, sizeof(path), "%s/%s.svg", dir, base);
		else
			snprintf(path, sizeof(path), "%s/%s-%d.svg", dir, base, k + 1);
		FILE *f = fopen(path, "w");
		if (!f) {
			log_error("%s: %s", path, strerror(errno));
			rc = -1;
			continue;
		}
		int bad = report_ladder(r, k, f, true) != 0 || ferror(f);
		if (fclose(f) != 0 || bad) {
			log_error("%s: could not write the ladder", path);
			rc = -1;
		}
	}
	return rc;
}

/* ---- the HTML report (report/html.c) ---- */

void report_html_section(const struct lab_run *r, FILE *out)
{
	const struct scenario *s = r->s;
	char setup[700];
	bool pass = lab_run_passed(r);

	setup_line(s, setup, sizeof(setup));
	fprintf(out, "<section id=\"s-");
	html_text(out, s->name);
	fprintf(out, "\">\n<h2>");
	html_text(out, s->name);
	fprintf(out, " <span class=\"%s\">%s</span></h2>\n", pass ? "pass" : "fail",
	        r->error[0] ? "COULD NOT RUN"
	        : pass      ? "PASS"
	                    : "FAIL");
	fputs("<p class=\"desc\">", out);
	html_text(out, s->describe);
	fputs("</p>\n<p class=\"setup\">", out);
	html_text(out, setup);
	fprintf(out, " - %s, %.1f s</p>\n",
	        r->simulated ? "simulated (virtual time)" : "the lab (real kernel)", r->wall_s);
	if (r->error[0]) {
		fputs("<p class=\"fail\">", out);
		html_text(out, r->error);
		fputs("</p>\n</section>\n", out);
		return;
	}
	fputs("<table><thead><tr><th>expectation</th><th>observed</th><th>held</th></tr></thead>"
	      "<tbody>\n",
	      out);
	for (int i = 0; i < s->n_expect; i++) {
		fputs("<tr><td>", out);
		html_text(out, s->expect[i].text);
		fputs("</td><td>", out);
		html_text(out, r->expect[i].observed);
		fprintf(out, "</td><td class=\"%s\">%s</td></tr>\n",
		        r->expect[i].ok ? "pass" : "fail", r->expect[i].ok ? "ok" : "FAIL");
	}
	fputs("</tbody></table>\n", out);
	if (s->measure) {
		fputs("<div class=\"pic\">\n", out);
		report_svg(r, out);
		fputs("</div>\n", out);
	}
	for (int k = 0; k < s->clients && !s->measure; k++) {
		fprintf(out,
		        "<details%s><summary>ladder: session %d of %d</summary>\n"
		        "<div class=\"pic\">\n",
		        k == 0 ? " open" : "", k + 1, s->clients);
		report_ladder(r, k, out, false);
		fputs("</div>\n</details>\n", out);
	}
	fputs("</section>\n", out);
}

void report_html_row(const struct lab_run *r, FILE *out)
{
	bool pass = lab_run_passed(r);

	fputs("<tr><td><a href=\"#s-", out);
	html_text(out, r->s->name);
	fputs("\">", out);
	html_text(out, r->s->name);
	fprintf(out, "</a></td><td class=\"%s\">%s</td><td class=\"num\">%d of %d</td>",
	        pass ? "pass" : "fail",
	        r->error[0] ? "COULD NOT RUN"
	        : pass      ? "PASS"
	                    : "FAIL",
	        r->passed, r->s->n_expect);
	fputs("<td>", out);
	html_text(out, r->s->describe);
	fputs("</td></tr>\n", out);
}
