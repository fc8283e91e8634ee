/* listen.c - `dcdlab listen`: an Oracle listener and its dedicated servers,
 * as far as dead connection detection goes.
 *
 * Where a socket becomes DCD: on_accept() applies the profile's keepalive
 * with setsockopt and reads it back; diag_tick() reads the kernel's own
 * timer through inet_diag; session.c reports how each session ended. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "../lib/log.h"
#include "../lib/numparse.h"
#include "../lib/tns.h"
#include "../model/linux_timers.h"
#include "../model/profile.h"
#include "../model/sqlnet.h"
#include "probe.h"
#include "sampler.h"
#include "server.h"
#include "sockopt.h"

/* `dcdlab help listen` and `dcdlab listen --help`. */
const char listen_usage[] =
        "usage: dcdlab listen [options]\n"
        "\n"
        "Accepts TNS connections like an Oracle listener and dedicated server, "
        "applies\n"
        "SQLNET.EXPIRE_TIME as the given release would (12c+: TCP keepalive\n"
        "n*60/6/10 on each socket; 11.2 or USE_NS_PROBES_FOR_DCD: 10-byte NS "
        "probes),\n"
        "and reports how and when each session ends.\n"
        "\n"
        "  -l, --listen ADDR:PORT      where to listen (default 127.0.0.1:1521)\n"
        "  -s, --service NAME          service to ACCEPT; repeatable (default "
        "orcl);\n"
        "                              others get REFUSE with ORA-12514\n"
        "      --sqlnet FILE           sqlnet.ora (default $TNS_ADMIN/sqlnet.ora "
        "if set)\n"
        "      --release REL           server release: 11.2, 12.1, 19c, ... "
        "(default 19c)\n"
        "      --expire-time MIN       override SQLNET.EXPIRE_TIME\n"
        "      --ns-probes             USE_NS_PROBES_FOR_DCD=TRUE\n"
        "      --keepidle S            lab scaling: TCP_KEEPIDLE in seconds\n"
        "      --keepintvl S           lab scaling: TCP_KEEPINTVL in seconds\n"
        "      --keepcnt N             lab scaling: TCP_KEEPCNT\n"
        "      --probe-interval DUR    lab scaling: NS probe interval (legacy "
        "DCD)\n"
        "      --user-timeout DUR      set TCP_USER_TIMEOUT on each session\n"
        "      --inbound-connect-timeout DUR  close sessions with no CONNECT by "
        "then\n"
        "                              (default SQLNET.INBOUND_CONNECT_TIMEOUT or "
        "60s)\n"
        "      --events FILE           JSON lines, one object per event ('-' = "
        "stdout)\n"
        "      --max-idle-time DUR     MAX_IDLE_TIME (12.2+): end sessions idle this\n"
        "                              long; a bare number is minutes, as the database\n"
        "                              takes it, \"3s\" is lab scale\n"
        "      --max-idle-blocker-time DUR  MAX_IDLE_BLOCKER_TIME (19c+): the same for\n"
        "                              idle sessions holding a lock another waits for\n"
        "      --idle-time DUR         profile IDLE_TIME: idle sessions become SNIPED;\n"
        "                              their next call gets ORA-02396\n"
        "      --metrics ADDR:PORT     HTTP: Prometheus text on /metrics; GET /sessions\n"
        "                              (v$session-like JSON); POST /sessions/ID/kill\n"
        "                              [?immediate] (ALTER SYSTEM KILL SESSION)\n"
        "      --diag-interval DUR     sample the kernel's timers (inet_diag); 0 "
        "= off\n"
        "      --duration DUR          stop after this long\n"
        "      --exit-after N          stop after N sessions have ended\n"
        "      --max-sessions N        close connections beyond N open (default "
        "20000)\n"
        "      --max-packet BYTES      largest TNS packet accepted (default "
        "65536)\n"
        "  -v, --verbose / -q, --quiet\n";

struct listen_opts {
	const char *listen_addr;
	const char *sqlnet_path;
	const char *events_path;
	const char *metrics_addr;
	const char *release;
	int expire_time_min;          /* -1: from sqlnet.ora */
	int ns_probes;                /* -1: from sqlnet.ora */
	struct keepalive ka_override; /* 0 fields: from the profile */
	int64_t probe_interval_ms;    /* 0: from the profile */
	int64_t user_timeout_ms;
	int64_t inbound_timeout_ms; /* -1: sqlnet.ora or 60 s */
	int64_t diag_interval_ms;
	int64_t duration_ms;
	long max_sessions;
	long max_packet;
	long exit_after_ends;
	struct db_limits limits; /* --max-idle-time ... (ms, 0: not set) */
};

struct listen_ctx {
	struct server srv;
	struct listen_opts opts;
	struct sampler *sampler;
	uint16_t port;
	struct evconnlistener *lev;
	struct evhttp *http;
	struct event *sig_int, *sig_term, *stop_timer;
	bool stopping; /* stop() has begun: end sessions, do not stop again */
};

static void libevent_log(int severity, const char *msg)
{
	log_msg(severity >= EVENT_LOG_ERR    ? LOG_ERROR
	        : severity >= EVENT_LOG_WARN ? LOG_WARN
	                                     : LOG_DEBUG,
	        "libevent: %s", msg);
}

static void on_accept(struct evconnlistener *lev, evutil_socket_t fd, struct sockaddr *sa,
                      int salen, void *arg)
{
	struct listen_ctx *lc = arg;
	struct server *srv = &lc->srv;
	struct server_config *cfg = &srv->cfg;
	struct bufferevent *bev;
	struct session *s;
	struct event_rec r = { 0 };
	struct dcd_err err = { "" };
	char peer[64];
	struct stat st;

	(void)lev;
	(void)salen;
	format_sockaddr(sa, peer, sizeof(peer));
	if ((long)srv->counters.sessions_active >= lc->opts.max_sessions) {
		log_warn("%s: refused at TCP level: %ld sessions open (--max-sessions)", peer,
		         lc->opts.max_sessions);
		evutil_closesocket(fd);
		return;
	}
	bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		log_error("%s: bufferevent_socket_new failed", peer);
		evutil_closesocket(fd);
		return;
	}
	s = session_new(srv, bev, fd, peer);
	if (s == NULL) {
		log_error("%s: out of memory for a session; closed", peer);
		bufferevent_free(bev); /* closes fd */
		return;
	}
	if (fstat(fd, &st) == 0)
		session_set_inode(s, (uint32_t)st.st_ino);

	if (cfg->method == DCD_KEEPALIVE) {
		struct keepalive got;
		if (sockopt_keepalive_apply(fd, &cfg->keepalive, &got, &err) != 0) {
			session_end(s, END_ERROR, err.msg);
			return;
		}
		rec_str(&r, "dcd", "keepalive");
		rec_int(&r, "so_keepalive", 1);
		rec_int(&r, "tcp_keepidle_s", got.idle_s);
		rec_int(&r, "tcp_keepintvl_s", got.intvl_s);
		rec_int(&r, "tcp_keepcnt", got.cnt);
		rec_num(&r, "detect_s", (double)keepalive_give_up_ms(&got, TIMER_EXACT) / 1000.0);
		rec_num(&r, "detect_latest_s",
		        (double)keepalive_give_up_ms(&got, TIMER_LATEST) / 1000.0);
	} else {
		if (sockopt_keepalive_off(fd, &err) != 0) {
			session_end(s, END_ERROR, err.msg);
			return;
		}
		rec_int(&r, "so_keepalive", 0);
		rec_str(&r, "dcd", dcd_method_name(cfg->method));
		if (cfg->method == DCD_NS_PROBES)
			rec_num(&r, "ns_probe_interval_s",
			        (double)cfg->ns_probe_interval_ms / 1000.0);
	}
	if (cfg->user_timeout_ms > 0) {
		if (sockopt_user_timeout(fd, cfg->user_timeout_ms, &err) != 0) {
			session_end(s, END_ERROR, err.msg);
			return;
		}
		rec_int(&r, "tcp_user_timeout_ms", cfg->user_timeout_ms);
	}
	if (cfg->method == DCD_KEEPALIVE)
		events_emit(srv->events, "accept", s, &r,
		            "accepted; getsockopt: SO_KEEPALIVE=1 TCP_KEEPIDLE=%d TCP_KEEPINTVL=%d "
		            "TCP_KEEPCNT=%d (dead peer noticed %.1f-%.1f s after its last packet)",
		            cfg->keepalive.idle_s, cfg->keepalive.intvl_s, cfg->keepalive.cnt,
		            (double)keepalive_give_up_ms(&cfg->keepalive, TIMER_EXACT) / 1000.0,
		            (double)keepalive_give_up_ms(&cfg->keepalive, TIMER_LATEST) / 1000.0);
	else if (cfg->method == DCD_NS_PROBES)
		events_emit(srv->events, "accept", s, &r,
		            "accepted; legacy DCD: SO_KEEPALIVE=0, NS probe after %.1f s idle",
		            (double)cfg->ns_probe_interval_ms / 1000.0);
	else
		events_emit(srv->events, "accept", s, &r,
		            "accepted; no DCD: SO_KEEPALIVE=0 (cleared: accepted sockets inherit "
		            "libevent's listener setting)");
}

static void on_accept_error(struct evconnlistener *lev, void *arg)
{
	int e = EVUTIL_SOCKET_ERROR();

	(void)lev;
	(void)arg;
	/* EMFILE and friends: say so; libevent retries on the next event. */
	log_warn("accept: %s", evutil_socket_error_to_string(e));
}

static void on_kernel_sample(const struct diag_sample *d, void *arg)
{
	struct listen_ctx *lc = arg;
	struct session *s = session_by_inode(&lc->srv, d->inode);
	struct event_rec r = { 0 };

	if (s == NULL || s->state == SESSION_CLOSING)
		return;
	if (s->kernel_seen && s->kernel.timer == d->timer && s->kernel.retrans == d->retrans) {
		s->kernel.expires_ms = d->expires_ms;
		return;
	}
	s->kernel = *d;
	s->kernel_seen = true;
	rec_str(&r, "timer", diag_timer_name(d->timer));
	rec_int(&r, "expires_ms", d->expires_ms);
	rec_int(&r, "retrans", d->retrans);
	events_emit(lc->srv.events, "kernel", s, &r, "kernel (inet_diag): timer:(%s,%.1fs,%u)%s",
	            diag_timer_name(d->timer), d->expires_ms / 1000.0, d->retrans,
	            d->timer == DIAG_TIMER_KEEPALIVE && d->retrans > 0
	                    ? " - keepalive probes unanswered"
	                    : "");
}

static void stop(struct listen_ctx *lc, const char *why)
{
	const struct counters *c = &lc->srv.counters;
	uint64_t dead = 0;

	if (lc->stopping)
		return; /* a signal and --exit-after can both ask */
	lc->stopping = true;
	log_info("stopping (%s)", why);
	while (lc->srv.sessions)
		session_end(lc->srv.sessions, END_SHUTDOWN, why);
	for (int i = 0; i < END_CAUSE_COUNT; i++)
		if (end_cause_is_dead_peer((enum end_cause)i))
			dead += c->ends_total[i];
	fprintf(stderr,
	        "dcdlab listen: %llu sessions, %llu refused, %llu NS probes sent, %llu dead peers "
	        "(",
	        (unsigned long long)c->sessions_total, (unsigned long long)c->refused_total,
	        (unsigned long long)c->ns_probes_sent_total, (unsigned long long)dead);
	for (int i = 0, first = 1; i < END_CAUSE_COUNT; i++)
		if (c->ends_total[i]) {
			fprintf(stderr, "%s%s %llu", first ? "" : ", ",
			        end_cause_name((enum end_cause)i),
			        (unsigned long long)c->ends_total[i]);
			first = 0;
		}
	fprintf(stderr, ")\n");
	event_base_loopexit(lc->srv.base, NULL);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	stop(arg, sig == SIGINT ? "SIGINT" : "SIGTERM");
}

static void on_stop_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	stop(arg, "--duration elapsed");
}

static void on_metrics(struct evhttp_request *req, void *arg)
{
	struct listen_ctx *lc = arg;
	struct sbuf text = { 0 };
	struct evbuffer *b = evbuffer_new();

	metrics_format(&lc->srv, &text);
	evbuffer_add(b, text.buf, text.len);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	                  "text/plain; version=0.0.4");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
	sbuf_free(&text);
}

/* After every session end (session.c calls it): --exit-after. */
static void on_session_end(struct server *srv, void *arg)
{
	struct listen_ctx *lc = arg;
	uint64_t ended = 0;

	if (lc->stopping || lc->opts.exit_after_ends <= 0)
		return;
	for (int i = 0; i < END_CAUSE_COUNT; i++)
		ended += srv->counters.ends_total[i];
	if (ended >= (uint64_t)lc->opts.exit_after_ends)
		stop(lc, "--exit-after sessions ended");
}

enum {
	OPT_SQLNET = 256,
	OPT_EVENTS,
	OPT_METRICS,
	OPT_RELEASE,
	OPT_EXPIRE,
	OPT_NSPROBES,
	OPT_KEEPIDLE,
	OPT_KEEPINTVL,
	OPT_KEEPCNT,
	OPT_PROBE_INTERVAL,
	OPT_USER_TIMEOUT,
	OPT_INBOUND,
	OPT_DIAG,
	OPT_DURATION,
	OPT_MAX_SESSIONS,
	OPT_MAX_PACKET,
	OPT_EXIT_AFTER,
	OPT_MAX_IDLE,
	OPT_MAX_IDLE_BLOCKER,
	OPT_IDLE_TIME,
};

static const struct option listen_longopts[] = {
	{ "listen", required_argument, NULL, 'l' },
	{ "service", required_argument, NULL, 's' },
	{ "sqlnet", required_argument, NULL, OPT_SQLNET },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "release", required_argument, NULL, OPT_RELEASE },
	{ "expire-time", required_argument, NULL, OPT_EXPIRE },
	{ "ns-probes", no_argument, NULL, OPT_NSPROBES },
	{ "keepidle", required_argument, NULL, OPT_KEEPIDLE },
	{ "keepintvl", required_argument, NULL, OPT_KEEPINTVL },
	{ "keepcnt", required_argument, NULL, OPT_KEEPCNT },
	{ "probe-interval", required_argument, NULL, OPT_PROBE_INTERVAL },
	{ "user-timeout", required_argument, NULL, OPT_USER_TIMEOUT },
	{ "inbound-connect-timeout", required_argument, NULL, OPT_INBOUND },
	{ "diag-interval", required_argument, NULL, OPT_DIAG },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "max-sessions", required_argument, NULL, OPT_MAX_SESSIONS },
	{ "max-packet", required_argument, NULL, OPT_MAX_PACKET },
	{ "exit-after", required_argument, NULL, OPT_EXIT_AFTER },
	{ "max-idle-time", required_argument, NULL, OPT_MAX_IDLE },
	{ "max-idle-blocker-time", required_argument, NULL, OPT_MAX_IDLE_BLOCKER },
	{ "idle-time", required_argument, NULL, OPT_IDLE_TIME },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int bad_opt(const char *opt, const char *value, const char *expected)
{
	log_error("%s \"%s\": expected %s", opt, value, expected);
	return 2;
}

static int parse_listen_opts(int argc, char **argv, struct listen_opts *o,
                             struct server_config *cfg)
{
	long v;
	int c;

	*o = (struct listen_opts){
		.listen_addr = "127.0.0.1:1521",
		.release = "19c",
		.expire_time_min = -1,
		.ns_probes = -1,
		.inbound_timeout_ms = -1,
		.diag_interval_ms = 1000,
		.max_sessions = 20000,
		.max_packet = 65536,
	};
	optind = 1;
	while ((c = getopt_long(argc, argv, "l:s:vqh", listen_longopts, NULL)) != -1) {
		switch (c) {
		case 'l': o->listen_addr = optarg; break;
		case 's':
			if (cfg->n_services == SERVER_MAX_SERVICES)
				return bad_opt("--service", optarg, "at most 16 services");
			cfg->services[cfg->n_services++] = optarg;
			break;
		case OPT_SQLNET: o->sqlnet_path = optarg; break;
		case OPT_EVENTS: o->events_path = optarg; break;
		case OPT_METRICS: o->metrics_addr = optarg; break;
		case OPT_RELEASE: o->release = optarg; break;
		case OPT_EXPIRE:
			if (parse_long(optarg, 0, SQLNET_EXPIRE_TIME_MAX_MIN, &v) != 0)
				return bad_opt("--expire-time", optarg,
				               "minutes, 0 to " SQLNET_EXPIRE_TIME_MAX_TEXT);
			o->expire_time_min = (int)v;
			break;
		case OPT_NSPROBES: o->ns_probes = 1; break;
		case OPT_KEEPIDLE:
		case OPT_KEEPINTVL:
			if (parse_long(optarg, 1, 32767, &v) != 0)
				return bad_opt(c == OPT_KEEPIDLE ? "--keepidle" : "--keepintvl",
				               optarg, "seconds, 1 to 32767 (the kernel's range)");
			if (c == OPT_KEEPIDLE)
				o->ka_override.idle_s = (int)v;
			else
				o->ka_override.intvl_s = (int)v;
			break;
		case OPT_KEEPCNT:
			if (parse_long(optarg, 1, 127, &v) != 0)
				return bad_opt("--keepcnt", optarg,
				               "1 to 127 (the kernel's range)");
			o->ka_override.cnt = (int)v;
			break;
		case OPT_PROBE_INTERVAL:
			if (parse_duration_ms(optarg, 1000, &o->probe_interval_ms) != 0 ||
			    o->probe_interval_ms < 100)
				return bad_opt("--probe-interval", optarg,
				               "a duration of at least 100ms");
			break;
		case OPT_USER_TIMEOUT:
			if (parse_duration_ms(optarg, 1, &o->user_timeout_ms) != 0 ||
			    o->user_timeout_ms > 0x7fffffff)
				return bad_opt("--user-timeout", optarg,
				               "a duration (bare number: ms)");
			break;
		case OPT_INBOUND:
			if (parse_duration_ms(optarg, 1000, &o->inbound_timeout_ms) != 0)
				return bad_opt("--inbound-connect-timeout", optarg, "a duration");
			break;
		case OPT_DIAG:
			if (parse_duration_ms(optarg, 1000, &o->diag_interval_ms) != 0)
				return bad_opt("--diag-interval", optarg, "a duration (0 = off)");
			break;
		case OPT_DURATION:
			if (parse_duration_ms(optarg, 1000, &o->duration_ms) != 0)
				return bad_opt("--duration", optarg, "a duration");
			break;
		case OPT_MAX_SESSIONS:
			if (parse_long(optarg, 1, 1000000, &o->max_sessions) != 0)
				return bad_opt("--max-sessions", optarg, "1 to 1000000");
			break;
		case OPT_MAX_PACKET:
			if (parse_long(optarg, 256, 2 * 1024 * 1024 + 16, &o->max_packet) != 0)
				return bad_opt("--max-packet", optarg, "bytes, 256 to 2 MiB");
			break;
		case OPT_EXIT_AFTER:
			if (parse_long(optarg, 1, 1000000000, &o->exit_after_ends) != 0)
				return bad_opt("--exit-after", optarg,
				               "a number of ended sessions");
			break;
		case OPT_MAX_IDLE:
		case OPT_MAX_IDLE_BLOCKER:
		case OPT_IDLE_TIME: {
			int64_t *ms = c == OPT_MAX_IDLE           ? &o->limits.max_idle_ms
			              : c == OPT_MAX_IDLE_BLOCKER ? &o->limits.max_idle_blocker_ms
			                                          : &o->limits.idle_time_ms;
			/* Minutes, as the database takes them; "3s" scales for the lab. */
			if (db_limit_parse_ms(optarg, ms) != 0)
				return bad_opt(c == OPT_MAX_IDLE ? "--max-idle-time"
				               : c == OPT_MAX_IDLE_BLOCKER
				                       ? "--max-idle-blocker-time"
				                       : "--idle-time",
				               optarg,
				               "minutes (a bare number) or a lab-scale duration "
				               "such as 3s");
			break;
		}
		case 'v': log_set_level(LOG_DEBUG); break;
		case 'q': log_set_level(LOG_WARN); break;
		case 'h': return -1;
		default: return 2;
		}
	}
	if (optind != argc) {
		log_error("unexpected argument \"%s\"", argv[optind]);
		return 2;
	}
	if (cfg->n_services == 0)
		cfg->services[cfg->n_services++] = "orcl";
	return 0;
}

/* Profile plus lab overrides into what sessions do. */
static int configure(struct listen_ctx *lc, struct sqlnet_config *sq, struct dcd_profile *prof)
{
	struct listen_opts *o = &lc->opts;
	struct server_config *cfg = &lc->srv.cfg;
	struct oracle_release rel;
	struct dcd_err err = { "" };
	const char *path = o->sqlnet_path;
	char envpath[4096];

	/* First, so that every error path below leaves `sq` freeable. */
	sqlnet_init(sq);
	if (release_parse(o->release, &rel, &err) != 0) {
		log_error("--release: %s", err.msg);
		return -1;
	}
	if (path == NULL && getenv("TNS_ADMIN")) {
		snprintf(envpath, sizeof(envpath), "%s/sqlnet.ora", getenv("TNS_ADMIN"));
		path = envpath;
	}
	if (path && sqlnet_load(sq, path, &err) != 0) {
		log_error("%s", err.msg);
		return -1;
	}
	if (o->expire_time_min >= 0)
		sq->expire_time_min = o->expire_time_min;
	if (o->ns_probes >= 0)
		sq->use_ns_probes_for_dcd = o->ns_probes;
	dcd_profile_compute(prof, sq, NULL, rel, rel, &os_tcp_linux_default);

	cfg->method = prof->server.method;
	cfg->keepalive = prof->server.keepalive;
	cfg->ns_probe_interval_ms = (int64_t)prof->server.ns_probe_interval_s * 1000;
	dcd_lab_scale(&cfg->method, &cfg->keepalive, &cfg->ns_probe_interval_ms, &o->ka_override,
	              o->probe_interval_ms);
	if (cfg->method == DCD_KEEPALIVE && cfg->keepalive.idle_s > 32767) {
		log_error("TCP_KEEPIDLE %d s is above Linux's limit of 32767 s",
		          cfg->keepalive.idle_s);
		return -1;
	}
	cfg->user_timeout_ms = (unsigned)o->user_timeout_ms;
	struct dcd_err lerr;
	if (db_limits_check(&o->limits, rel, o->release, &lerr) != 0) {
		log_error("%s", lerr.msg);
		return -1;
	}
	cfg->limits = o->limits;
	cfg->max_packet_bytes = (uint32_t)o->max_packet;
	/* Pre-12c servers speak TNS 314 (2-byte lengths); later ones 315+. */
	cfg->max_version = release_cmp(rel, (struct oracle_release){ 12, 1 }) < 0 ? 314 : 318;
	if (o->inbound_timeout_ms >= 0)
		cfg->inbound_connect_timeout_ms = o->inbound_timeout_ms;
	else if (sq->inbound_connect_timeout_ms >= 0)
		cfg->inbound_connect_timeout_ms = sq->inbound_connect_timeout_ms;
	else
		cfg->inbound_connect_timeout_ms = 60000; /* Oracle's default since 10.2 */
	return 0;
}

static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void print_config(const struct listen_ctx *lc, const struct sqlnet_config *sq,
                         const struct dcd_profile *prof)
{
	const struct server_config *cfg = &lc->srv.cfg;
	struct sbuf d = { 0 };

	dcd_profile_describe(prof, &d);
	log_info("profile from %s, release %s:", sq->file[0] ? sq->file : "flags",
	         lc->opts.release);
	{
		char *line = strtok(d.buf, "\n");
		if (line)
			log_info("  %s", line); /* the server line; the client is not ours */
	}
	sbuf_free(&d);
	if (cfg->method == DCD_KEEPALIVE)
		log_info("applying on each session: SO_KEEPALIVE=1 TCP_KEEPIDLE=%d "
		         "TCP_KEEPINTVL=%d TCP_KEEPCNT=%d%s",
		         cfg->keepalive.idle_s, cfg->keepalive.intvl_s, cfg->keepalive.cnt,
		         cfg->keepalive.idle_s != prof->server.keepalive.idle_s ||
		                         cfg->keepalive.intvl_s != prof->server.keepalive.intvl_s ||
		                         cfg->keepalive.cnt != prof->server.keepalive.cnt
		                 ? " (lab-scaled by --keepidle/--keepintvl/--keepcnt)"
		                 : "");
	else if (cfg->method == DCD_NS_PROBES)
		log_info("applying on each session: 10-byte NS probe after %.1f s idle",
		         (double)cfg->ns_probe_interval_ms / 1000.0);
	else
		log_info("applying on each session: nothing (no DCD)");
}

/* --metrics: Prometheus text at http://ADDR/metrics. */
static int start_metrics(struct listen_ctx *lc)
{
	struct sockaddr_storage ms;
	struct dcd_err err = { "" };
	char host[INET6_ADDRSTRLEN];
	int mslen;

	if (parse_hostport(lc->opts.metrics_addr, &ms, &mslen, &err) != 0) {
		log_error("--metrics: %s", err.msg);
		return 2;
	}
	uint16_t mport = sockaddr_split((struct sockaddr *)&ms, host, sizeof(host));
	lc->http = evhttp_new(lc->srv.base);
	if (lc->http == NULL) {
		log_error("--metrics %s: evhttp_new failed", lc->opts.metrics_addr);
		return 1;
	}
	if (evhttp_bind_socket(lc->http, host, mport) != 0) {
		log_error("--metrics %s: cannot bind: %s", lc->opts.metrics_addr,
		          evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		return 1;
	}
	evhttp_set_cb(lc->http, "/metrics", on_metrics, lc);
	admin_register(lc->http, &lc->srv);
	return 0;
}

/* --diag-interval: sample the sessions' kernel state through inet_diag,
 * off the event loop (sampler.c). */
static int start_diag(struct listen_ctx *lc)
{
	struct dcd_err err = { "" };

	lc->sampler = sampler_start(lc->srv.base, lc->port, lc->opts.diag_interval_ms,
	                            on_kernel_sample, lc, &err);
	if (lc->sampler == NULL) {
		log_error("%s", err.msg);
		return 1;
	}
	return 0;
}

/* --duration's timer and SIGINT/SIGTERM: both end the loop cleanly. */
static int start_stop_events(struct listen_ctx *lc)
{
	if (lc->opts.duration_ms > 0) {
		struct timeval tv = { .tv_sec = lc->opts.duration_ms / 1000,
			              .tv_usec = lc->opts.duration_ms % 1000 * 1000 };
		lc->stop_timer = evtimer_new(lc->srv.base, on_stop_timer, lc);
		if (lc->stop_timer == NULL || evtimer_add(lc->stop_timer, &tv) != 0) {
			log_error("--duration: cannot make its timer (evtimer_new/evtimer_add)");
			return 1;
		}
	}
	lc->sig_int = evsignal_new(lc->srv.base, SIGINT, on_signal, lc);
	lc->sig_term = evsignal_new(lc->srv.base, SIGTERM, on_signal, lc);
	if (!lc->sig_int || !lc->sig_term || evsignal_add(lc->sig_int, NULL) != 0 ||
	    evsignal_add(lc->sig_term, NULL) != 0) {
		log_error("cannot watch SIGINT/SIGTERM (evsignal_new/evsignal_add)");
		return 1;
	}
	return 0;
}

/* The event loop, the listener and its HTTP server: rc, or 0 after the
 * loop ran and ended. */
static int serve(struct listen_ctx *lc, const struct sqlnet_config *sq,
                 const struct dcd_profile *prof)
{
	struct sockaddr_storage ss;
	struct dcd_err err = { "" };
	char host[INET6_ADDRSTRLEN];
	int sslen, rc;

	if (parse_hostport(lc->opts.listen_addr, &ss, &sslen, &err) != 0) {
		log_error("--listen: %s", err.msg);
		return 2;
	}
	lc->port = sockaddr_split((struct sockaddr *)&ss, host, sizeof(host));
	raise_fd_limit();
	event_set_log_callback(libevent_log);
	lc->srv.base = event_base_new();
	if (lc->srv.base == NULL) {
		log_error("event_base_new failed (libevent: no usable backend or out of memory)");
		return 1;
	}
	lc->srv.clock = clock_monotonic;
	lc->srv.events = events_open(lc->opts.events_path, &lc->srv.clock, &err);
	if (lc->srv.events == NULL) {
		log_error("%s", err.msg);
		return 1;
	}
	lc->lev = evconnlistener_new_bind(lc->srv.base, on_accept, lc,
	                                  LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 1024,
	                                  (struct sockaddr *)&ss, sslen);
	if (lc->lev == NULL) {
		log_error("listen on %s: %s", lc->opts.listen_addr,
		          evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		return 1;
	}
	evconnlistener_set_error_cb(lc->lev, on_accept_error);
	if (lc->opts.metrics_addr && (rc = start_metrics(lc)) != 0)
		return rc;
	if (lc->opts.diag_interval_ms > 0 && (rc = start_diag(lc)) != 0)
		return rc;
	lc->srv.on_session_end = on_session_end;
	lc->srv.on_session_end_arg = lc;
	if ((rc = start_stop_events(lc)) != 0)
		return rc;
	signal(SIGPIPE, SIG_IGN);
	print_config(lc, sq, prof);
	log_info("listening on %s, services: %s%s", lc->opts.listen_addr, lc->srv.cfg.services[0],
	         lc->srv.cfg.n_services > 1 ? ", ..." : "");
	event_base_dispatch(lc->srv.base);
	return 0;
}

int cmd_listen(int argc, char **argv)
{
	struct listen_ctx *lc = calloc(1, sizeof(*lc));
	struct sqlnet_config sq;
	struct dcd_profile prof;
	int rc;

	if (lc == NULL)
		abort();
	rc = parse_listen_opts(argc, argv, &lc->opts, &lc->srv.cfg);
	if (rc != 0) {
		free(lc);
		if (rc < 0) {
			fputs(listen_usage, stdout);
			return 0;
		}
		return rc;
	}
	if (configure(lc, &sq, &prof) != 0) {
		sqlnet_free(&sq);
		free(lc);
		return 1;
	}
	rc = serve(lc, &sq, &prof);
	lc->stopping = true;
	while (lc->srv.sessions)
		session_end(lc->srv.sessions, END_SHUTDOWN, "exit");
	if (lc->sig_int)
		event_free(lc->sig_int);
	if (lc->sig_term)
		event_free(lc->sig_term);
	if (lc->stop_timer)
		event_free(lc->stop_timer);
	sampler_stop(lc->sampler);
	if (lc->http)
		evhttp_free(lc->http);
	if (lc->lev)
		evconnlistener_free(lc->lev);
	events_close(lc->srv.events);
	if (lc->srv.base)
		event_base_free(lc->srv.base);
	sqlnet_free(&sq);
	free(lc);
	return rc;
}
