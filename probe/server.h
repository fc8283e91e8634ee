/* server.h - internals of `dcdlab listen`, shared by its files only.
 *
 * One event base; one `struct server` holds everything a run needs (no
 * globals); each accepted connection is a `struct session` on a bufferevent.
 * session.c speaks TNS and never touches socket options; listen.c owns the
 * sockets, the command line and the kernel's view. */
#ifndef DCDLAB_PROBE_SERVER_H
#define DCDLAB_PROBE_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <event2/event.h>
#include <event2/bufferevent.h>

#include "../lib/clock.h"
#include "../lib/sbuf.h"
#include "../model/dbend.h"
#include "../model/outcome.h"
#include "../model/profile.h"
#include "diag.h"

#define SERVER_MAX_SERVICES 16

/* What sessions need to know about the server's configuration. */
struct server_config {
	const char *services[SERVER_MAX_SERVICES]; /* ACCEPTed service names */
	int n_services;
	uint32_t max_packet_bytes;          /* larger packets are protocol errors */
	uint16_t max_version;               /* highest TNS version we negotiate */
	int64_t inbound_connect_timeout_ms; /* 0 = none */
	enum dcd_method method;             /* what the server does for DCD */
	struct keepalive keepalive;         /* effective settings, when keepalive */
	int64_t ns_probe_interval_ms;       /* effective interval, when NS probes */
	unsigned user_timeout_ms;           /* TCP_USER_TIMEOUT, 0 = not set */
	struct db_limits limits;            /* the database's idle limits */
};

struct counters {
	uint64_t sessions_total;
	uint64_t sessions_active;
	uint64_t refused_total;
	uint64_t ns_probes_sent_total;
	uint64_t ends_total[END_CAUSE_COUNT];
	uint64_t protocol_errors_total;
};

struct events;
struct session;

/* The sessions that ended last, for dcdlab measure's question "did the
 * server end the session from port N?" (a RST the server did not send was
 * injected on the path). */
#define SERVER_ENDED_RING 1024
struct ended_session {
	uint16_t port; /* the client's port as the server saw it */
	uint8_t cause; /* enum end_cause */
};

struct server {
	struct event_base *base;
	struct dcd_clock clock;
	struct server_config cfg;
	struct events *events;
	struct counters counters;
	struct session *sessions;       /* doubly linked, newest first */
	struct session *by_inode[4096]; /* inode hash, chained through hnext */
	uint64_t next_session_id;
	struct ended_session ended[SERVER_ENDED_RING];
	uint64_t n_ended; /* ended[n % SERVER_ENDED_RING] is the next slot */
	/* Called after each session has ended and been freed (may be NULL). */
	void (*on_session_end)(struct server *srv, void *arg);
	void *on_session_end_arg;
};

enum session_state {
	SESSION_AWAIT_CONNECT, /* nothing or part of a CONNECT received */
	SESSION_AWAIT_CDATA,   /* CONNECT said the descriptor follows */
	SESSION_OPEN,          /* ACCEPT sent: calls, idle, probes */
	SESSION_CLOSING,       /* REFUSE or final packet queued; then close */
};

struct session {
	struct server *srv;
	uint64_t id;
	struct bufferevent *bev;
	int fd;         /* -1 when not a socket (tests) */
	uint32_t inode; /* for matching inet_diag samples */
	char peer[64];  /* "192.0.2.2:40000" */
	enum session_state state;
	bool large_sdu;
	uint16_t cdata_expected;
	uint16_t client_version; /* from CONNECT, for the ACCEPT */
	int64_t accept_ms;
	int64_t last_rx_ms; /* last bytes from the peer */
	int64_t last_tx_ms; /* last bytes we queued */
	char service[128];
	int client_expire_time_min; /* from the client's descriptor; -1 absent */
	bool client_enable_broken;
	uint64_t packets_rx, calls, ns_probes_sent;
	struct event *timer; /* inbound connect timeout, then NS probes */
	struct event *reply_timer;
	struct sbuf pending_reply;  /* a delayed call answer */
	enum end_cause close_cause; /* when CLOSING: reported once flushed */
	char close_detail[240];
	double close_since_packet_s; /* when CLOSING began: the peer's last packet, s; -1 */
	struct diag_sample kernel;   /* last inet_diag sample */
	bool kernel_seen;
	/* The database's view (dbend.h): a call in progress (ACTIVE), since
	 * when it has been idle, KILLED or SNIPED, the lock it holds or waits
	 * for (a call "dcdlab:lock=NAME"; "dcdlab:commit" releases). */
	bool in_call;
	enum db_status mark; /* DB_INACTIVE, or DB_KILLED / DB_SNIPED */
	int64_t idle_since_ms;
	int64_t marked_ms;
	bool kill_immediate;
	char lock[32];
	char waits_for[32];
	struct sbuf waiting_call; /* the DATA answer owed once the lock is ours */
	struct event *limit_timer;
	struct session *prev, *next, *hnext;
};

/* Create a session on `bev` (already connected; owned from now on). */
struct session *session_new(struct server *srv, struct bufferevent *bev, int fd, const char *peer);

/* Index a session by its socket's inode, to match inet_diag samples. */
void session_set_inode(struct session *s, uint32_t inode);

/* End a session: report `cause` (with `detail`, may be NULL), free it. */
void session_end(struct session *s, enum end_cause cause, const char *detail);

/* ALTER SYSTEM KILL SESSION [IMMEDIATE] (dbend.h). */
void session_kill(struct session *s, bool immediate);
/* ACTIVE, INACTIVE, KILLED or SNIPED. */
enum db_status session_status(const struct session *s);
/* The session holding `lock` (NULL: free). */
struct session *lock_holder(const struct server *srv, const char *lock,
                            const struct session * not );
/* GET /sessions: the sessions as JSON (admin.c). */
void sessions_json(const struct server *srv, struct sbuf *out);
/* The admin endpoints on listen's HTTP server (admin.c). */
struct evhttp;
void admin_register(struct evhttp *http, struct server *srv);

/* Find a live session by socket inode. */
struct session *session_by_inode(struct server *srv, uint32_t inode);

/* Events: one JSON object per line to a file, readable lines to stderr. */
struct events *events_open(const char *json_path, const struct dcd_clock *clock,
                           struct dcd_err *err);
void events_close(struct events *ev);

/* A JSON object under construction; `fields` holds ,"k":v pairs. */
struct event_rec {
	struct sbuf fields;
};

void rec_str(struct event_rec *r, const char *key, const char *value);
void rec_int(struct event_rec *r, const char *key, long long value);
void rec_num(struct event_rec *r, const char *key, double value);
void rec_bool(struct event_rec *r, const char *key, bool value);

/* Emit event `type` about session `s` (NULL for server events) with the
 * fields in `r` (consumed), and the readable line `fmt`. */
void events_emit(struct events *ev, const char *type, const struct session *s, struct event_rec *r,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Prometheus text for the counters. */
void metrics_format(const struct server *srv, struct sbuf *out);

#endif
