/* events.c - what happened, for people (stderr) and for tools (JSON lines). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include "server.h"

struct events {
	FILE *json;
	struct dcd_clock clock;
	int64_t t0_ms;
	struct sbuf text; /* the line for stderr, kept between events */
};

struct events *events_open(const char *json_path, const struct dcd_clock *clock,
                           struct dcd_err *err)
{
	struct events *ev = calloc(1, sizeof(*ev));

	if (ev == NULL)
		abort();
	ev->clock = *clock;
	ev->t0_ms = clock_now_ms(clock);
	if (json_path) {
		ev->json = strcmp(json_path, "-") == 0 ? stdout : fopen(json_path, "w");
		if (ev->json == NULL) {
			err_set(err, "--events %s: %s", json_path, strerror(errno));
			free(ev);
			return NULL;
		}
	}
	return ev;
}

void events_close(struct events *ev)
{
	if (ev == NULL)
		return;
	if (ev->json && ev->json != stdout)
		fclose(ev->json);
	else if (ev->json)
		fflush(ev->json);
	sbuf_free(&ev->text);
	free(ev);
}

static void sep(struct event_rec *r, const char *key)
{
	sbuf_add(&r->fields, ",", 1);
	sbuf_json_str(&r->fields, key);
	sbuf_add(&r->fields, ":", 1);
}

void rec_str(struct event_rec *r, const char *key, const char *value)
{
	sep(r, key);
	sbuf_json_str(&r->fields, value);
}

void rec_int(struct event_rec *r, const char *key, long long value)
{
	sep(r, key);
	sbuf_printf(&r->fields, "%lld", value);
}

void rec_num(struct event_rec *r, const char *key, double value)
{
	sep(r, key);
	sbuf_printf(&r->fields, "%.3f", value);
}

void rec_bool(struct event_rec *r, const char *key, bool value)
{
	sep(r, key);
	sbuf_printf(&r->fields, "%s", value ? "true" : "false");
}

void events_emit(struct events *ev, const char *type, const struct session *s, struct event_rec *r,
                 const char *fmt, ...)
{
	double t_s = (double)(clock_now_ms(&ev->clock) - ev->t0_ms) / 1000.0;
	va_list ap;

	if (ev->json) {
		struct sbuf line = { 0 };
		char wall[40];
		clock_wall_iso(wall, sizeof(wall));
		sbuf_printf(&line, "{\"time\":\"%s\",\"t_s\":%.3f,\"event\":", wall, t_s);
		sbuf_json_str(&line, type);
		if (s) {
			sbuf_printf(&line,
			            ",\"session\":%llu,\"peer\":", (unsigned long long)s->id);
			sbuf_json_str(&line, s->peer);
		}
		if (r->fields.len)
			sbuf_add(&line, r->fields.buf, r->fields.len);
		sbuf_add(&line, "}\n", 2);
		fwrite(line.buf, 1, line.len, ev->json);
		fflush(ev->json);
		sbuf_free(&line);
	}
	/* The line in one write (stderr is unbuffered): piece by piece it
	 * was four, and a warning from the sampler thread could land inside
	 * it. */
	sbuf_reset(&ev->text);
	sbuf_printf(&ev->text, "[%9.3f] ", t_s);
	if (s)
		sbuf_printf(&ev->text, "session %llu %s: ", (unsigned long long)s->id, s->peer);
	va_start(ap, fmt);
	sbuf_vprintf(&ev->text, fmt, ap);
	va_end(ap);
	sbuf_add(&ev->text, "\n", 1);
	fwrite(ev->text.buf, 1, ev->text.len, stderr);
	sbuf_free(&r->fields);
}
