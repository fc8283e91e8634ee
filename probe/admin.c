/* admin.c - what a DBA would do to dcdlab listen's sessions, over the HTTP
 * server it runs for --metrics:
 *   GET  /sessions                 the sessions, as v$session shows them (JSON)
 *   POST /sessions/ID/kill         ALTER SYSTEM KILL SESSION
 *   POST /sessions/ID/kill?immediate   ... IMMEDIATE
 * ID is a session's number (the "session" of its events) or "all". */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "../lib/numparse.h"
#include "probe.h"
#include "server.h"

void sessions_json(const struct server *srv, struct sbuf *out)
{
	int64_t now = clock_now_ms(&srv->clock);
	bool first = true;

	sbuf_printf(out, "[");
	for (const struct session *s = srv->sessions; s; s = s->next) {
		if (s->state != SESSION_OPEN)
			continue;
		sbuf_printf(out, "%s{\"id\":%llu,\"peer\":", first ? "" : ",",
		            (unsigned long long)s->id);
		sbuf_json_str(out, s->peer);
		sbuf_printf(out, ",\"service\":");
		sbuf_json_str(out, s->service);
		sbuf_printf(out, ",\"status\":\"%s\",\"idle_s\":%.3f,\"calls\":%llu",
		            db_status_name(session_status(s)),
		            s->in_call ? 0.0 : (double)(now - s->idle_since_ms) / 1000.0,
		            (unsigned long long)s->calls);
		if (s->lock[0]) {
			sbuf_printf(out, ",\"holds\":");
			sbuf_json_str(out, s->lock);
		}
		if (s->waits_for[0]) {
			const struct session *h = lock_holder(srv, s->waits_for, s);
			sbuf_printf(out, ",\"waits_for\":");
			sbuf_json_str(out, s->waits_for);
			if (h)
				sbuf_printf(out, ",\"blocked_by\":%llu", (unsigned long long)h->id);
		}
		first = false;
		sbuf_printf(out, "}");
	}
	sbuf_printf(out, "]\n");
}

static void reply(struct evhttp_request *req, int code, const char *reason, const char *type,
                  const struct sbuf *body)
{
	struct evbuffer *b = evbuffer_new();

	if (b == NULL) {
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	if (body && body->len)
		evbuffer_add(b, body->buf, body->len);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", type);
	evhttp_send_reply(req, code, reason, b);
	evbuffer_free(b);
}

static void error_reply(struct evhttp_request *req, int code, const char *reason, const char *msg)
{
	struct sbuf body = { 0 };

	sbuf_printf(&body, "{\"error\":");
	sbuf_json_str(&body, msg);
	sbuf_printf(&body, "}\n");
	reply(req, code, reason, "application/json", &body);
	sbuf_free(&body);
}

/* POST /sessions/ID/kill[?immediate] */
static void kill_request(struct evhttp_request *req, struct server *srv, const char *id_text,
                         const char *query)
{
	bool immediate = query && strcmp(query, "immediate") == 0;
	bool all = strcmp(id_text, "all") == 0;
	long id = 0;
	struct sbuf body = { 0 };
	unsigned killed = 0;

	if (query && !immediate) {
		error_reply(req, 400, "Bad Request", "expected ?immediate or nothing");
		return;
	}
	if (!all && parse_long(id_text, 1, 1L << 62, &id) != 0) {
		error_reply(req, 400, "Bad Request", "expected a session number or \"all\"");
		return;
	}
	sbuf_printf(&body, "{\"killed\":[");
	for (struct session *s = srv->sessions, *next; s; s = next) {
		next = s->next; /* killing may end and free s */
		if (s->state != SESSION_OPEN || s->mark == DB_KILLED ||
		    (!all && s->id != (uint64_t)id))
			continue;
		sbuf_printf(&body, "%s%llu", killed++ ? "," : "", (unsigned long long)s->id);
		session_kill(s, immediate);
	}
	sbuf_printf(&body, "],\"immediate\":%s}\n", immediate ? "true" : "false");
	if (killed == 0 && !all)
		error_reply(req, 404, "Not Found", "no such open session (or already KILLED)");
	else
		reply(req, 200, "OK", "application/json", &body);
	sbuf_free(&body);
}

static void on_admin(struct evhttp_request *req, void *arg)
{
	struct server *srv = arg;
	const char *uri = evhttp_request_get_uri(req);
	struct evhttp_uri *u = evhttp_uri_parse(uri);
	const char *path = u ? evhttp_uri_get_path(u) : NULL;
	const char *query = u ? evhttp_uri_get_query(u) : NULL;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	char id[32];
	int tail = 0;

	if (path && strcmp(path, "/sessions") == 0) {
		if (cmd != EVHTTP_REQ_GET) {
			error_reply(req, 405, "Method Not Allowed", "GET /sessions");
		} else {
			struct sbuf body = { 0 };
			sessions_json(srv, &body);
			reply(req, 200, "OK", "application/json", &body);
			sbuf_free(&body);
		}
	} else if (path && sscanf(path, "/sessions/%31[^/]/kill%n", id, &tail) == 1 &&
	           path[tail] == '\0') {
		if (cmd != EVHTTP_REQ_POST)
			error_reply(req, 405, "Method Not Allowed", "POST /sessions/ID/kill");
		else
			kill_request(req, srv, id, query);
	} else {
		error_reply(req, 404, "Not Found",
		            "expected /metrics, GET /sessions or POST /sessions/ID/kill");
	}
	if (u)
		evhttp_uri_free(u);
}

void admin_register(struct evhttp *http, struct server *srv)
{
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
	evhttp_set_gencb(http, on_admin, srv);
}
