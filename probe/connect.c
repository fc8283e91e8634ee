/* connect.c - `dcdlab connect`: a client that behaves like an Oracle client
 * as far as DCD goes, and reports each call as the application would see it.
 *
 * Plain blocking sockets with poll() timeouts: while idle the client reads
 * nothing, so legacy NS probes wait in its socket, as in a real client. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/log.h"
#include "../lib/numparse.h"
#include "../lib/sbuf.h"
#include "../lib/textfile.h"
#include "../lib/tns.h"
#include "../model/dbend.h"
#include "../model/descriptor.h"
#include "../model/driver.h"
#include "../model/nv.h"
#include "../model/plan.h"
#include "../model/profile.h"
#include "../model/sqlnet.h"
#include "probe.h"
#include "sockopt.h"
#include "tnsclient.h"

/* `dcdlab help connect` and `dcdlab connect --help`. */
const char connect_usage[] =
        "usage: dcdlab connect [options] CONNECT-STRING\n"
        "\n"
        "CONNECT-STRING is a (DESCRIPTION=...) descriptor, an Easy Connect string\n"
        "(host:port/service?expire_time=n) or a tnsnames.ora alias. Each call is\n"
        "reported as an Oracle client would show it (ORA-03113, ORA-03135, "
        "ORA-12514).\n"
        "\n"
        "      --plan PLAN             steps: call [DUR], idle DUR, close; N*step "
        "repeats\n"
        "                              (default \"call\"); call DUR: the server "
        "takes DUR\n"
        "      --tnsnames FILE         tnsnames.ora (default "
        "$TNS_ADMIN/tnsnames.ora)\n"
        "      --release REL           client release (default 19c): EXPIRE_TIME "
        "in a\n"
        "                              descriptor needs 19c+\n"
        "      --sqlnet FILE           client sqlnet.ora (SQLNET.RECV_TIMEOUT)\n"
        "      --driver D              native (default), python-thin, node-thin or\n"
        "                              jdbc-thin: set the socket as that driver would\n"
        "      --jdbc-properties FILE  jdbc-thin's oracle.net.keepAlive / TCP_KEEPIDLE\n"
        "                              / TCP_KEEPINTERVAL / TCP_KEEPCOUNT (key=value)\n"
        "      --keepidle S --keepintvl S --keepcnt N   lab scaling of client "
        "keepalive\n"
        "      --call-timeout DUR      a call unanswered this long fails with "
        "ORA-03135\n"
        "      --connect-timeout DUR   TCP connect + ACCEPT timeout (default 60s)\n"
        "      --json                  one JSON object per step on stdout\n"
        "\n"
        "exit status: 0 all steps ok, 1 bad configuration, 2 usage, 3 session not\n"
        "established (ORA-12xxx), 4 a call failed (ORA-03113 / ORA-03135)\n";

/* Exit codes, for scripts. */
enum {
	EXIT_OK = 0,
	EXIT_CONFIG = 1, /* bad option or file */
	EXIT_USAGE = 2,
	EXIT_CONNECT = 3, /* could not establish the session (ORA-12xxx) */
	EXIT_CALL = 4,    /* a call failed (ORA-03113, ORA-03135) */
};

static const char *ora_words(int code)
{
	const char *t = ora_text(code);
	return t[0] ? t : "(error reported by the listener)";
}

struct client {
	struct tns_client tc;
	int64_t t0_ms;
	bool json;
};

static double elapsed_s(const struct client *c)
{
	return (double)(clock_now_ms(&clock_monotonic) - c->t0_ms) / 1000.0;
}

static void report(const struct client *c, const char *step, int ora, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static void report(const struct client *c, const char *step, int ora, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->json) {
		struct sbuf sb = { 0 };
		char wall[40];
		clock_wall_iso(wall, sizeof(wall));
		sbuf_printf(&sb, "{\"time\":\"%s\",\"t_s\":%.3f,\"step\":", wall, elapsed_s(c));
		sbuf_json_str(&sb, step);
		if (ora)
			sbuf_printf(&sb, ",\"ora\":\"ORA-%05d\"", ora);
		if (c->tc.local_port)
			sbuf_printf(&sb, ",\"local_port\":%u", c->tc.local_port);
		sbuf_printf(&sb, ",\"ns_probes_seen\":%llu,\"message\":",
		            (unsigned long long)c->tc.probes_seen);
		sbuf_json_str(&sb, msg);
		sbuf_add(&sb, "}\n", 2);
		fputs(sb.buf, stdout);
		sbuf_free(&sb);
	} else if (ora) {
		printf("[%8.3f] %s: ORA-%05d: %s (%s)\n", elapsed_s(c), step, ora, ora_words(ora),
		       msg);
	} else {
		printf("[%8.3f] %s: %s\n", elapsed_s(c), step, msg);
	}
	fflush(stdout);
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

enum {
	OPT_PLAN = 256,
	OPT_TNSNAMES,
	OPT_RELEASE,
	OPT_KEEPIDLE,
	OPT_KEEPINTVL,
	OPT_KEEPCNT,
	OPT_CALL_TIMEOUT,
	OPT_CONNECT_TIMEOUT,
	OPT_SQLNET,
	OPT_JSON,
	OPT_DRIVER,
	OPT_JDBC_PROPS,
};

static const struct option connect_longopts[] = {
	{ "plan", required_argument, NULL, OPT_PLAN },
	{ "tnsnames", required_argument, NULL, OPT_TNSNAMES },
	{ "release", required_argument, NULL, OPT_RELEASE },
	{ "keepidle", required_argument, NULL, OPT_KEEPIDLE },
	{ "keepintvl", required_argument, NULL, OPT_KEEPINTVL },
	{ "keepcnt", required_argument, NULL, OPT_KEEPCNT },
	{ "call-timeout", required_argument, NULL, OPT_CALL_TIMEOUT },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "sqlnet", required_argument, NULL, OPT_SQLNET },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "driver", required_argument, NULL, OPT_DRIVER },
	{ "jdbc-properties", required_argument, NULL, OPT_JDBC_PROPS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct connect_opts {
	const char *plan_text, *tnsnames, *release, *sqlnet_path, *connect_string, *jdbc_props;
	int driver;               /* enum client_driver; -1: the release's native client */
	struct keepalive ka_over; /* --keepidle etc.: 0 = not given */
	int64_t call_timeout_ms;  /* -1: not given */
};

/* The command line into o and c; EXIT_OK, -1 after --help, or EXIT_USAGE. */
static int parse_connect_args(int argc, char **argv, struct connect_opts *o, struct client *c)
{
	int opt;
	long v;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "qh", connect_longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_PLAN: o->plan_text = optarg; break;
		case OPT_TNSNAMES: o->tnsnames = optarg; break;
		case OPT_RELEASE: o->release = optarg; break;
		case OPT_SQLNET: o->sqlnet_path = optarg; break;
		case OPT_JSON: c->json = true; break;
		case OPT_JDBC_PROPS: o->jdbc_props = optarg; break;
		case OPT_DRIVER:
			if ((o->driver = client_driver_parse(optarg)) < 0) {
				log_error("--driver \"%s\": expected " CLIENT_DRIVERS, optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_KEEPIDLE:
		case OPT_KEEPINTVL:
		case OPT_KEEPCNT:
			if (parse_long(optarg, 1, opt == OPT_KEEPCNT ? 127 : 32767, &v) != 0) {
				log_error("--%s \"%s\": expected %s",
				          connect_longopts[opt - OPT_PLAN].name, optarg,
				          opt == OPT_KEEPCNT ? "1 to 127" : "seconds, 1 to 32767");
				return EXIT_USAGE;
			}
			if (opt == OPT_KEEPIDLE)
				o->ka_over.idle_s = (int)v;
			else if (opt == OPT_KEEPINTVL)
				o->ka_over.intvl_s = (int)v;
			else
				o->ka_over.cnt = (int)v;
			break;
		case OPT_CALL_TIMEOUT:
		case OPT_CONNECT_TIMEOUT: {
			int64_t ms;
			if (parse_duration_ms(optarg, 1000, &ms) != 0) {
				log_error("--%s \"%s\": expected a duration such as 5s",
				          opt == OPT_CALL_TIMEOUT ? "call-timeout"
				                                  : "connect-timeout",
				          optarg);
				return EXIT_USAGE;
			}
			if (opt == OPT_CALL_TIMEOUT)
				o->call_timeout_ms = ms;
			else
				c->tc.connect_timeout_ms = ms;
			break;
		}
		case 'q': log_set_level(LOG_WARN); break;
		case 'h': fputs(connect_usage, stdout); return -1;
		default: return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		if (optind == argc)
			log_error("missing CONNECT-STRING (descriptor, Easy Connect or alias)");
		else
			log_error("unexpected argument \"%s\"", argv[optind + 1]);
		return EXIT_USAGE;
	}
	o->connect_string = argv[optind];
	return EXIT_OK;
}

/* --driver / --jdbc-properties: the client side as that driver makes it
 * (model/driver.c), its ignored settings said. */
static int client_dcd_of_driver(const struct connect_opts *o, const struct dcd_descriptor *d,
                                struct oracle_release rel, struct dcd_side *side)
{
	struct driver_dcd dd;
	enum client_driver drv = o->driver >= 0 ? (enum client_driver)o->driver : DRV_JDBC_THIN;

	if (o->jdbc_props && drv != DRV_JDBC_THIN) {
		log_error("--jdbc-properties is for --driver jdbc-thin, not %s",
		          client_driver_name(drv));
		return -1;
	}
	if (drv == DRV_JDBC_THIN) {
		struct jdbc_props jp;
		struct dcd_err err = { "" };
		size_t len;
		char *text = o->jdbc_props ? text_file_read(o->jdbc_props, 1 << 20,
		                                            "JDBC properties", &len, &err)
		                           : NULL;
		if (o->jdbc_props &&
		    (!text || jdbc_props_parse(&jp, o->jdbc_props, text, &err) != 0)) {
			free(text);
			log_error("--jdbc-properties: %s", err.msg);
			return -1;
		}
		free(text);
		driver_jdbc_dcd(o->jdbc_props ? &jp : NULL, d, &dd);
	} else {
		driver_client_dcd(drv, d, rel, &dd);
	}
	if (dd.ignored[0])
		log_warn("%s", dd.ignored);
	driver_side(&dd, &os_tcp_linux_default, side);
	return 0;
}

/* Client-side DCD on the connected socket before its first byte, as the
 * drivers do: what the profile asks, or the lab's scaling of it. */
static int set_client_dcd(struct client *c, const struct dcd_profile *prof,
                          const struct keepalive *over)
{
	struct keepalive ka, got;
	struct dcd_err err = { "" };
	bool on = dcd_socket_keepalive(&prof->client, over, &ka);
	bool scaled = over->idle_s || over->intvl_s || over->cnt;
	const char *why_ka =
	        scaled ? "lab-scaled by --keepidle/--keepintvl/--keepcnt" : prof->client.why;

	if (!on)
		return 0;
	if (prof->client.os_keepalive && !scaled) {
		/* SO_KEEPALIVE only: this host's (namespace's) defaults apply */
		int is_on;
		if (sockopt_keepalive_os_default(c->tc.fd, &err) != 0 ||
		    sockopt_keepalive_read(c->tc.fd, &is_on, &got, &err) != 0) {
			log_error("%s", err.msg);
			return -1;
		}
		report(c, "keepalive", 0,
		       "client DCD: SO_KEEPALIVE=1 with this host's settings, read back %d/%d/%d",
		       got.idle_s, got.intvl_s, got.cnt);
		return 0;
	}
	if (sockopt_keepalive_apply(c->tc.fd, &ka, &got, &err) != 0) {
		log_error("%s", err.msg);
		return -1;
	}
	report(c, "keepalive", 0, "client DCD: SO_KEEPALIVE=1 %d/%d/%d (%s)", got.idle_s,
	       got.intvl_s, got.cnt, why_ka);
	return 0;
}

/* The plan's calls, idle periods and close: EXIT_OK, or EXIT_CALL when a
 * call failed. As a real client (a script in SQL*Plus) goes on after an
 * error: once the session has ended, each later call fails at once
 * without reaching the wire (dbend.h: ORA-01012 after the database's own
 * error, ORA-03114 after a broken connection). */
static int run_plan(struct client *c, const struct plan *plan)
{
	char why[256];
	int ended_ora = 0, ended_call = 0, rc = EXIT_OK;

	for (int i = 0, call = 0; i < plan->n; i++) {
		const struct plan_step *st = &plan->step[i];
		char step[32];
		if (st->op == PLAN_IDLE) {
			char dur[32];
			report(c, "idle", 0, "idle for %s",
			       fmt_duration_ms(st->duration_ms, dur, sizeof(dur)));
			sleep_ms(st->duration_ms);
		} else if (plan_is_call(st->op)) {
			snprintf(step, sizeof(step), "call %d", ++call);
			char payload[64];
			if (st->op == PLAN_LOCK)
				snprintf(payload, sizeof(payload), "dcdlab:lock=%s", st->lock);
			else if (st->op == PLAN_COMMIT)
				snprintf(payload, sizeof(payload), "dcdlab:commit");
			else if (st->duration_ms > 0)
				snprintf(payload, sizeof(payload), "dcdlab:sleep=%lldms call=%d",
				         (long long)st->duration_ms, call);
			else
				snprintf(payload, sizeof(payload), "dcdlab:call=%d", call);
			if (ended_ora) {
				int ora = db_ora_after(ended_ora);
				report(c, step, ora,
				       "not sent: the session ended at call %d (ORA-%05d)",
				       ended_call, ended_ora);
				continue;
			}
			int ora = tns_client_call(&c->tc, payload, why, sizeof(why));
			if (ora) {
				if (c->tc.probes_seen > 0)
					report(c, step, ora, "%s; %llu NS probes had arrived", why,
					       (unsigned long long)c->tc.probes_seen);
				else
					report(c, step, ora, "%s", why);
				ended_ora = ora;
				ended_call = call;
				rc = EXIT_CALL;
				continue;
			}
			report(c, step, 0, "ok, %s", why);
		} else {
			if (ended_ora) {
				report(c, "close", 0, "the session had ended: nothing to close");
				break;
			}
			struct sbuf out = { 0 };
			tns_put_data(&out, c->tc.large_sdu, TNS_DATA_FLAG_EOF, NULL, 0);
			tns_client_send(&c->tc, out.buf, out.len);
			sbuf_free(&out);
			report(c, "close", 0, "disconnected (DATA EOF, then FIN)");
			break;
		}
	}
	return rc;
}

int cmd_connect(int argc, char **argv)
{
	struct connect_opts o = {
		.plan_text = "call", .release = "19c", .call_timeout_ms = -1, .driver = -1
	};
	struct client c = { .tc = { .fd = -1, .connect_timeout_ms = 60000 } };
	struct plan *plan = calloc(1, sizeof(*plan));
	struct dcd_descriptor d = { 0 };
	struct dcd_err err = { "" };
	struct oracle_release rel;
	struct dcd_profile prof;
	struct sqlnet_config sq;
	int rc, ora = 0;
	char why[256];

	if (plan == NULL)
		abort();
	sqlnet_init(&sq);
	if ((rc = parse_connect_args(argc, argv, &o, &c)) != EXIT_OK) {
		rc = rc < 0 ? EXIT_OK : rc; /* -1: --help */
		goto out;
	}
	if (plan_parse(plan, o.plan_text, &err) != 0 || release_parse(o.release, &rel, &err) != 0 ||
	    descriptor_resolve(&d, o.connect_string, o.tnsnames, &err) != 0 ||
	    (o.sqlnet_path && sqlnet_load(&sq, o.sqlnet_path, &err) != 0)) {
		log_error("%s", err.msg);
		rc = EXIT_CONFIG;
		goto out;
	}
	/* The client's own sqlnet.ora: RECV_TIMEOUT bounds calls. */
	c.tc.call_timeout_ms = o.call_timeout_ms >= 0   ? o.call_timeout_ms
	                       : sq.recv_timeout_ms > 0 ? sq.recv_timeout_ms
	                                                : 0;
	if (d.connect_timeout_ms > 0)
		c.tc.connect_timeout_ms = d.connect_timeout_ms;
	if (d.transport_connect_timeout_ms > 0)
		c.tc.connect_timeout_ms = d.transport_connect_timeout_ms;
	dcd_profile_compute(&prof, NULL, &d, rel, rel, &os_tcp_linux_default);
	if (o.driver >= 0 || o.jdbc_props) {
		if (client_dcd_of_driver(&o, &d, rel, &prof.client) != 0) {
			rc = EXIT_CONFIG;
			goto out;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	c.t0_ms = clock_now_ms(&clock_monotonic);

	if (tns_client_connect_tcp(&c.tc, &d.address[0], &ora, why, sizeof(why)) != 0) {
		report(&c, "connect", ora, "%s", why);
		rc = EXIT_CONNECT;
		goto out;
	}
	if (set_client_dcd(&c, &prof, &o.ka_over) != 0) {
		rc = EXIT_CONFIG;
		goto out;
	}
	if (tns_client_handshake(&c.tc, &d, &ora, why, sizeof(why)) != 0) {
		report(&c, "connect", ora, "%s", why);
		rc = EXIT_CONNECT;
		goto out;
	}
	report(&c, "connect", 0, "%s:%u service \"%s\": %s", d.address[0].host, d.address[0].port,
	       d.service_name[0] ? d.service_name : d.sid, why);
	rc = run_plan(&c, plan);
out:
	if (c.tc.fd >= 0)
		close(c.tc.fd);
	sbuf_free(&c.tc.in);
	descriptor_free(&d);
	sqlnet_free(&sq);
	free(plan);
	return rc;
}
