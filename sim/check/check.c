/* check.c - `dcdlab check`: a verdict on a DCD configuration for a
 * platform and a firewall, with numbers.
 *
 * The settings (sqlnet.ora, a connect descriptor, the releases, each
 * host's TCP tunables as its own tools print them, the firewall) become
 * the two sides of a session model; the verdicts are what the simulator
 * (model.c) shows for three sessions: one idle for longer than the
 * firewall's timeout, one whose client crashes, one whose server crashes.
 * No separate formula: the lab keeps the simulator honest. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "../../lib/textfile.h"
#include "../../lib/log.h"
#include "../../lib/numparse.h"
#include "../../lib/sbuf.h"
#include "../../model/dbend.h"
#include "../../model/descriptor.h"
#include "../../model/driver.h"
#include "../../model/linux_timers.h"
#include "../../model/measure.h"
#include "../../model/orafile.h"
#include "../../model/profile.h"
#include "../../model/sqlnet.h"
#include "../../model/tunables.h"
#include "../virtual/model.h"
#include "../sim.h"

/* `dcdlab help check` and `dcdlab check --help`. */
const char check_usage[] =
        "usage: dcdlab check [options]\n"
        "\n"
        "  --sqlnet FILE           the server's sqlnet.ora (SQLNET.EXPIRE_TIME, "
        "...)\n"
        "  --expire-time MIN       or just its EXPIRE_TIME\n"
        "  --release REL           the server's release (default 19c)\n"
        "  --descriptor STR        the client's connect descriptor, Easy Connect "
        "or alias\n"
        "  --tnsnames FILE         where the alias is\n"
        "  --client-release REL    the client's release (default: the "
        "server's)\n"
        "  --client-driver D       native, jdbc-thin, python-thin or node-thin: what\n"
        "                          the driver makes of EXPIRE_TIME and ENABLE=BROKEN\n"
        "  --jdbc-properties FILE  JDBC thin's oracle.net.keepAlive, TCP_KEEPIDLE,\n"
        "                          TCP_KEEPINTERVAL, TCP_KEEPCOUNT (key=value lines)\n"
        "  --platform P            the server's OS: linux, aix, hpux, solaris, "
        "windows,\n"
        "                          macos, freebsd (default linux)\n"
        "  --tunables FILE         its TCP settings as its own tool prints them:\n"
        "                          sysctl -a | no -a | ndd -get /dev/tcp ... |\n"
        "                          ipadm show-prop ... tcp | reg query "
        "...\\Tcpip\\Parameters |\n"
        "                          sysctl net.inet.tcp\n"
        "  --client-platform P, --client-tunables FILE   the same for the "
        "client\n"
        "  --firewall DEVICE       linux-conntrack, kube-proxy, cisco-asa, "
        "palo-alto,\n"
        "                          fortigate, check-point, juniper-srx, "
        "f5-fastl4,\n"
        "                          aws-nat-gateway, aws-nlb, azure-lb, "
        "gcp-cloud-nat,\n"
        "                          gcp-vpc-firewall (their default timeout)\n"
        "  --fw-idle DUR           or the idle timeout (\"1h\")\n"
        "  --path FILE             or the path as dcdlab measure --json saved it\n"
        "  --fw-expiry silent|rst-next|rst-both   what it does at expiry\n"
        "  --keepalives-ignored    the firewall does not count keepalives\n"
        "  --max-idle-time MIN     the database's MAX_IDLE_TIME (12.2+)\n"
        "  --max-idle-blocker-time MIN   its MAX_IDLE_BLOCKER_TIME (19c+)\n"
        "  --idle-time MIN         the users' profile IDLE_TIME (sessions become "
        "SNIPED)\n"
        "  --init-ora FILE         or an init.ora / spfile excerpt with "
        "max_idle_time=...\n"
        "                          (a later option wins)\n"
        "  --json                  one JSON object\n"
        "\n"
        "Says whether idle sessions survive the firewall, which side's "
        "keepalives keep\n"
        "them, how long until a dead client and a dead server are noticed and "
        "what the\n"
        "client sees, with warnings (unit traps, ignored settings, EXPIRE_TIME "
        "too close\n"
        "to the timeout, RFC 5382). Each verdict is a simulated session "
        "(dcdlab sim).\n"
        "Exit 0: idle sessions survive and dead clients are found; 1: not; 2: "
        "bad input.\n";

#define MAX_WARN 24
#define HOUR_MS  3600000LL

struct check {
	/* inputs */
	const char *release, *client_release, *sqlnet, *descriptor, *tnsnames;
	int expire_time; /* -1: from sqlnet.ora */
	enum platform splat, cplat;
	const char *stun, *ctun;
	const char *preset;
	const char *path;       /* --path: a saved dcdlab measure --json */
	int driver;             /* --client-driver: enum client_driver, -1 not given */
	struct jdbc_props jdbc; /* --jdbc-properties (implies jdbc-thin) */
	bool jdbc_given;
	bool fw_idle_given;
	int64_t fw_idle_ms;
	int expiry; /* -1: the preset's, else enum fw_expiry */
	bool ka_ignored, json;
	struct db_limits limits; /* the database's idle limits (ms, 0: not set) */
	bool use_limits;         /* ... in the simulated sessions (db_verdict only) */
	/* derived */
	struct platform_tcp st, ct;
	struct dcd_profile prof;
	struct scenario s; /* the firewall, for the model */
	struct sim_tcp srv, cli;
	int64_t ns_interval_ms;
	char warn[MAX_WARN][300];
	int n_warn;
	/* verdicts */
	bool survives;
	int idle_ora;
	int64_t idle_fail_after_ms, idle_gap_ms;
	bool fw_expired;
	bool dead_client_found;
	int dead_client_cause;
	/* from a crash right after the last packet (the worst case), and the
	 * shortest over crashes across one probe period */
	int64_t dead_client_ms, dead_client_best_ms;
	bool dead_server_found;
	int64_t dead_server_ms, dead_server_best_ms; /* the client's kernel gave up */
	/* NOT OK: what would make it OK; -1 nothing of the kind */
	int advice_expire_time_min; /* the largest EXPIRE_TIME that survives */
	bool advice_ns_probes;      /* ... as NS probes (keepalives not counted) */
	int64_t advice_fw_idle_ms;  /* the shortest firewall timeout that would do */
	int next_call_ora;
	int64_t next_call_fail_ms, next_call_at_ms;
	/* with an idle limit: who ends an idle session first, and when */
	enum db_end idle_end; /* DB_MAX_IDLE, DB_IDLE_TIME; DB_END_COUNT: not the database */
	bool idle_end_fw;     /* ... the firewall */
	int64_t idle_end_ms;  /* after this long idle; -1 never */
	int idle_end_ora;     /* what the client's next call gets */
};

static void warn(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct check *c, const char *fmt, ...)
{
	va_list ap;
	if (c->n_warn == MAX_WARN)
		return;
	va_start(ap, fmt);
	vsnprintf(c->warn[c->n_warn], sizeof(c->warn[0]), fmt, ap);
	va_end(ap);
	for (int i = 0; i < c->n_warn; i++)
		if (strcmp(c->warn[i], c->warn[c->n_warn]) == 0)
			return; /* said already (one file for both sides) */
	c->n_warn++;
}

static int load_tunables(struct platform_tcp *t, enum platform p, const char *path,
                         struct dcd_err *err)
{
	char *text;
	size_t len;
	int rc;

	if (!path) {
		tunables_defaults(t, p);
		return 0;
	}
	if (!(text = text_file_read(path, (size_t)16 << 20, "tunables output", &len, err)))
		return -1;
	rc = tunables_parse(t, p, path, text, err);
	free(text);
	return rc;
}

static void retrans(struct sim_tcp *s, const struct platform_tcp *t)
{
	/* -1: the platform gives up by time (abort interval), not by count;
	 * 0 is a real count (Linux gives up at the first RTO's end). */
	s->retries2 = t->retries2 >= 0 ? t->retries2 : 15;
	s->retrans_limit_ms = t->retrans_limit_ms > 0 ? t->retrans_limit_ms : 0;
}

/* The DCD profile of both sides from the releases, the platforms' TCP
 * settings, sqlnet.ora and the descriptor (*d, when *have_desc). */
static int derive_profile(struct check *c, struct dcd_descriptor *d, bool *have_desc,
                          struct oracle_release *crel, struct dcd_err *err)
{
	struct oracle_release srel;
	struct sqlnet_config sq;

	*have_desc = false;
	if (release_parse(c->release, &srel, err) != 0) {
		err_prefix(err, "--release");
		return -1;
	}
	if (release_parse(c->client_release ? c->client_release : c->release, crel, err) != 0) {
		err_prefix(err, "--client-release");
		return -1;
	}
	if (load_tunables(&c->st, c->splat, c->stun, err) != 0 ||
	    load_tunables(&c->ct, c->cplat, c->ctun, err) != 0)
		return -1;
	sqlnet_init(&sq);
	if (c->sqlnet && sqlnet_load(&sq, c->sqlnet, err) != 0) {
		sqlnet_free(&sq); /* what was read before the bad line */
		return -1;
	}
	if (c->expire_time >= 0 && c->sqlnet && sq.expire_time_min >= 0 &&
	    sq.expire_time_min != c->expire_time) {
		/* two answers to one question: say where the other one is */
		int line = 0;
		for (const struct ora_entry *e = sq.entries; e; e = e->next)
			if (strcasecmp(e->name, "SQLNET.EXPIRE_TIME") == 0)
				line = e->line;
		err_set(err,
		        "contradictory settings: --expire-time %d, but %s:%d sets "
		        "SQLNET.EXPIRE_TIME = %d (give one of them)",
		        c->expire_time, c->sqlnet, line, sq.expire_time_min);
		sqlnet_free(&sq);
		return -1;
	}
	if (c->expire_time >= 0)
		sq.expire_time_min = c->expire_time;
	if (c->descriptor) {
		if (descriptor_resolve(d, c->descriptor, c->tnsnames, err) != 0) {
			err_prefix(err, "--descriptor");
			sqlnet_free(&sq);
			return -1;
		}
		*have_desc = true;
	}
	struct os_tcp cos = { { (int)(c->ct.keepidle_ms / 1000), (int)(c->ct.keepintvl_ms / 1000),
		                c->ct.keepcnt },
		              c->ct.retries2 >= 0 ? c->ct.retries2 : 15,
		              200 };
	dcd_profile_compute(&c->prof, &sq, *have_desc ? d : NULL, srel, *crel, &cos);
	if (sq.use_ns_probes_for_dcd == 1 &&
	    release_cmp(srel, (struct oracle_release){ 12, 1 }) < 0)
		warn(c, "USE_NS_PROBES_FOR_DCD has no effect before 12c: NS probes are the only "
		        "method there");
	sqlnet_free(&sq);
	return 0;
}

/* The server's socket in the model: keepalive or NS probes, retransmission. */
static void derive_server(struct check *c)
{
	const struct dcd_side *ss = &c->prof.server;
	retrans(&c->srv, &c->st);
	if (ss->method == DCD_KEEPALIVE && !c->st.per_socket_keepalive) {
		warn(c, "%s: Oracle keeps the pre-12c method here (NS probes), not TCP keepalive",
		     platform_name(c->splat));
		c->ns_interval_ms = (int64_t)ss->keepalive.idle_s * 1000;
	} else if (ss->method == DCD_KEEPALIVE) {
		c->srv.keepidle_ms = (int64_t)ss->keepalive.idle_s * 1000;
		c->srv.keepintvl_ms = (int64_t)ss->keepalive.intvl_s * 1000;
		c->srv.keepcnt = ss->keepalive.cnt;
		if (c->splat == PLAT_WINDOWS)
			c->srv.keepcnt = 10; /* fixed since Vista; Oracle asks for 10 too */
	} else if (ss->method == DCD_NS_PROBES) {
		c->ns_interval_ms = (int64_t)ss->ns_probe_interval_s * 1000;
	}
}

/* The client's socket in the model; d its descriptor (NULL: none). */
/* --client-driver: the socket as that driver makes it (model/driver.c). */
static void derive_driver(struct check *c, const struct dcd_descriptor *d,
                          struct oracle_release crel)
{
	struct driver_dcd dd;

	if (c->driver == DRV_JDBC_THIN)
		driver_jdbc_dcd(c->jdbc_given ? &c->jdbc : NULL, d, &dd);
	else
		driver_client_dcd((enum client_driver)c->driver, d, crel, &dd);
	retrans(&c->cli, &c->ct);
	c->cli.keepidle_ms = !dd.on           ? 0
	                     : dd.os_defaults ? c->ct.keepidle_ms
	                                      : dd.ka.idle_s * 1000LL;
	c->cli.keepintvl_ms = !dd.on           ? 0
	                      : dd.os_defaults ? c->ct.keepintvl_ms
	                                       : dd.ka.intvl_s * 1000LL;
	c->cli.keepcnt = !dd.on ? 0 : dd.os_defaults ? c->ct.keepcnt : dd.ka.cnt;
	snprintf(c->prof.client.why, sizeof(c->prof.client.why), "%s", dd.why);
	if (dd.ignored[0])
		warn(c, "%s", dd.ignored);
}

static void derive_client(struct check *c, const struct dcd_descriptor *d,
                          struct oracle_release crel)
{
	const struct dcd_side *cs = &c->prof.client;
	if (c->driver >= 0) {
		derive_driver(c, d, crel);
		return;
	}
	retrans(&c->cli, &c->ct);
	if (cs->method == DCD_KEEPALIVE) {
		bool os_defaults = d && d->enable_broken &&
		                   !(d->expire_time_min > 0 &&
		                     release_cmp(crel, (struct oracle_release){ 19, 0 }) >= 0);
		c->cli.keepidle_ms =
		        os_defaults ? c->ct.keepidle_ms : (int64_t)cs->keepalive.idle_s * 1000;
		c->cli.keepintvl_ms =
		        os_defaults ? c->ct.keepintvl_ms : (int64_t)cs->keepalive.intvl_s * 1000;
		c->cli.keepcnt = os_defaults ? c->ct.keepcnt : cs->keepalive.cnt;
		if (os_defaults) {
			char b1[32], b2[32];
			snprintf(c->prof.client.why, sizeof(c->prof.client.why),
			         "(ENABLE=BROKEN): SO_KEEPALIVE with %s's defaults: idle %s, "
			         "interval %s, "
			         "%d probes",
			         platform_name(c->cplat),
			         fmt_approx_ms(c->ct.keepidle_ms, b1, sizeof(b1)),
			         fmt_approx_ms(c->ct.keepintvl_ms, b2, sizeof(b2)), c->ct.keepcnt);
		}
	}
	if (d) {
		if (d->expire_time_min > 0 &&
		    release_cmp(crel, (struct oracle_release){ 19, 0 }) < 0)
			warn(c,
			     "(EXPIRE_TIME=%d) in the descriptor is ignored by a %s client (19c+ "
			     "only)",
			     d->expire_time_min,
			     c->client_release ? c->client_release : c->release);
	}
}

/* What the platforms' settings say, and where the model only approximates. */
static void platform_warnings(struct check *c)
{
	for (int i = 0; i < c->st.n_warn; i++)
		warn(c, "%s", c->st.warn[i]);
	for (int i = 0; i < c->ct.n_warn; i++)
		warn(c, "%s", c->ct.warn[i]);
	for (int side = 0; side < 2; side++) {
		const struct platform_tcp *t = side ? &c->ct : &c->st;
		const struct sim_tcp *m = side ? &c->cli : &c->srv; /* retrans() set it */
		char b[32];
		if (t->retrans_modelled || (side == 1 && c->cplat == c->splat))
			continue;
		warn(c,
		     "%s: when TCP gives up retransmitting is modelled as Linux's backoff with "
		     "%d retransmissions (%s), an approximation for this platform",
		     platform_name(t->platform), m->retries2,
		     fmt_approx_ms(
		             tcp_retrans_timeout_ms(m->retries2, os_tcp_linux_default.rto_min_ms),
		             b, sizeof(b)));
	}
}

/* The firewall: a known device's defaults, or --fw-idle, --fw-expiry. */
static int derive_firewall(struct check *c, struct dcd_err *err)
{
	memset(&c->s, 0, sizeof(c->s));
	snprintf(c->s.name, sizeof(c->s.name), "check");
	c->s.fw = SCN_FW_CONNTRACK;
	c->s.family = 4;
	c->s.clients = 1;
	c->s.expiry = FW_EXPIRY_SILENT;
	if (c->preset) {
		for (size_t i = 0; i < fw_device_count; i++)
			if (strcmp(c->preset, fw_devices[i].name) == 0)
				c->s.preset = &fw_devices[i];
		if (!c->s.preset) {
			err_set(err,
			        "--firewall \"%s\": not a known device (dcdlab help check lists "
			        "them)",
			        c->preset);
			return -1;
		}
		c->s.expiry = c->s.preset->expiry;
		if (!c->fw_idle_ms)
			c->fw_idle_ms =
			        (int64_t)c->s.preset->idle_timeout_s * 1000; /* real scale */
	}
	if (!c->fw_idle_ms) {
		err_set(err, "no firewall: give --firewall PRESET, --fw-idle DUR or --path FILE");
		return -1;
	}
	if (c->expiry >= 0)
		c->s.expiry = (enum fw_expiry)c->expiry;
	c->s.fw_idle_ms = c->fw_idle_ms;
	c->s.keepalives_ignored = c->ka_ignored;
	return 0;
}

/* Both sides of the model and the firewall from the settings. */
static int derive(struct check *c, struct dcd_err *err)
{
	struct oracle_release crel;
	struct dcd_descriptor d;
	bool have_desc;

	if (derive_profile(c, &d, &have_desc, &crel, err) != 0)
		return -1;
	derive_server(c);
	derive_client(c, have_desc ? &d : NULL, crel);
	if (have_desc)
		descriptor_free(&d);
	platform_warnings(c);
	return derive_firewall(c, err);
}

/* One simulated session; `crash` < 0: none. */
static void run(struct check *c, const struct plan *pl, enum scn_fault_kind kind, int64_t crash_ms,
                int64_t bound_ms, struct lab_session *o, struct sim_extra *x)
{
	struct scn_fault f = { .kind = kind, .at_ms = crash_ms, .restore_ms = -1 };
	struct sim_params p = { 0 };

	p.s = &c->s;
	p.plan = pl;
	p.faults = &f;
	p.n_faults = crash_ms >= 0;
	p.client = c->cli;
	p.server = c->srv;
	p.ns_interval_ms = c->ns_interval_ms;
	p.bound_ms = bound_ms;
	p.limits = c->use_limits ? c->limits : (struct db_limits){ 0 };
	p.latest_timers = true; /* a verdict must hold when the kernel is late */
	sim_session(&p, o, x, NULL, "");
}

/* A crash this long after the call: past its last packet (the delayed ACK
 * is 40 ms), so the detection time is the worst case, counted from it. */
#define CRASH_AFTER_CALL_MS 200
/* Crashes at this many points across one probe period give the range. */
#define CRASH_POINTS 8

/* Session 1: idle for longer than the firewall remembers, then a call. */
static bool idle_survives(struct check *c, struct plan *pl, struct lab_session *o,
                          struct sim_extra *x)
{
	c->idle_gap_ms = c->fw_idle_ms * 2 > 4 * HOUR_MS ? c->fw_idle_ms * 2 : 4 * HOUR_MS;
	pl->n = 3;
	pl->step[0] = (struct plan_step){ .op = PLAN_CALL, .duration_ms = 0 };
	pl->step[1] = (struct plan_step){ .op = PLAN_IDLE, .duration_ms = c->idle_gap_ms };
	pl->step[2] = (struct plan_step){ .op = PLAN_CALL, .duration_ms = 0 };
	run(c, pl, FAULT_CLIENT_CRASH, -1, c->idle_gap_ms + 2 * HOUR_MS, o, x);
	return o->calls[1].made && o->calls[1].ok;
}

/* The period over which a crash's timing matters: the first probe's wait. */
static int64_t probe_period_ms(const struct sim_tcp *t, int64_t ns_interval_ms)
{
	return t->keepidle_ms ? t->keepidle_ms : ns_interval_ms ? ns_interval_ms : 60000;
}

static void verdicts(struct check *c, struct plan *pl)
{
	struct lab_session o;
	struct sim_extra x;

	/* 1. idle for longer than the firewall remembers, then a call */
	c->survives = idle_survives(c, pl, &o, &x);
	c->fw_expired = x.fw_expired;
	c->idle_ora = c->survives ? 0 : o.calls[1].ora;
	c->idle_fail_after_ms =
	        c->survives || !o.calls[1].made ? -1 : o.calls[1].t_ms - c->idle_gap_ms;

	/* 2. the client's host crashes: right after its call's last packet
	 * (the whole idle time and every probe: the worst case, the figure a
	 * DBA plans with), then at points across one probe period (the best
	 * case is just before a probe is due). Found only if found every time. */
	pl->n = 2;
	pl->step[1] = (struct plan_step){ .op = PLAN_IDLE, .duration_ms = 48 * HOUR_MS };
	int64_t period = probe_period_ms(&c->srv, c->ns_interval_ms);
	c->dead_client_found = true;
	c->dead_client_best_ms = -1;
	for (int k = 0; k <= CRASH_POINTS; k++) {
		int64_t crash = CRASH_AFTER_CALL_MS + period * k / CRASH_POINTS;
		run(c, pl, FAULT_CLIENT_CRASH, crash, 48 * HOUR_MS, &o, &x);
		if (k > 0 && o.server_ended && o.server_end_ms < crash)
			break; /* ended before this crash (a firewall's RST): later points too */
		bool found = o.server_ended && (o.server_dead_peer || o.server_cause == END_RST);
		if (!found) {
			c->dead_client_found = false;
			break;
		}
		int64_t after = o.server_end_ms - crash;
		if (k == 0) {
			c->dead_client_cause = o.server_cause;
			/* counted from the client's last packet, not the crash */
			c->dead_client_ms = (int64_t)(o.server_since_last_packet_s * 1000 + 0.5);
		}
		if (c->dead_client_best_ms < 0 || after < c->dead_client_best_ms)
			c->dead_client_best_ms = after;
	}
	if (!c->dead_client_found)
		c->dead_client_ms = c->dead_client_best_ms = -1;

	/* 3. the server's host crashes: the client's own keepalive, worst case
	 * and range as above; else its next call, an hour later */
	c->next_call_at_ms = HOUR_MS;
	pl->n = 3;
	pl->step[1] = (struct plan_step){ .op = PLAN_IDLE, .duration_ms = HOUR_MS };
	pl->step[2] = (struct plan_step){ .op = PLAN_CALL, .duration_ms = 0 };
	period = probe_period_ms(&c->cli, 0);
	c->dead_server_found = true;
	c->dead_server_ms = c->dead_server_best_ms = -1;
	for (int k = 0; k <= CRASH_POINTS; k++) {
		int64_t crash = CRASH_AFTER_CALL_MS + period * k / CRASH_POINTS;
		run(c, pl, FAULT_SERVER_CRASH, crash, 4 * HOUR_MS, &o, &x);
		if (k > 0 && x.client_dead_ms >= 0 && x.client_dead_ms < crash)
			break; /* the session ended before this crash */
		if (k == 0) {
			c->next_call_ora = o.calls[1].made && !o.calls[1].ok ? o.calls[1].ora : 0;
			c->next_call_fail_ms = o.calls[1].made ? o.calls[1].t_ms - HOUR_MS : -1;
		}
		if (!(x.client_dead_ms >= 0 && x.client_dead_ms <= HOUR_MS)) {
			c->dead_server_found = false;
			break;
		}
		int64_t after = x.client_dead_ms - crash;
		if (after > c->dead_server_ms)
			c->dead_server_ms = after;
		if (c->dead_server_best_ms < 0 || after < c->dead_server_best_ms)
			c->dead_server_best_ms = after;
	}
	if (!c->dead_server_found)
		c->dead_server_ms = c->dead_server_best_ms = -1;
}

static bool any_limit(const struct db_limits *l)
{
	return l->max_idle_ms || l->max_idle_blocker_ms || l->idle_time_ms;
}

/* The database ends idle sessions (their processes, and so dead clients'
 * too) before the firewall could drop them: by design, not a failure. */
static bool db_closes_first(const struct check *c)
{
	return c->idle_end != DB_END_COUNT && db_ends[c->idle_end].closes_at_once;
}

static bool verdict_ok(const struct check *c)
{
	return (c->survives || db_closes_first(c)) && (c->dead_client_found || db_closes_first(c));
}

/* With the database's idle limits: who ends an idle session first - the
 * database, the firewall or nothing - and what the client's next call
 * gets (a simulated session, as the other verdicts). */
static void db_verdict(struct check *c, struct plan *pl)
{
	struct lab_session o;
	struct sim_extra x;
	int64_t db_ms;

	c->idle_end = db_limit_first(&c->limits, false, &db_ms);
	int64_t fw_ms = c->survives ? -1 : c->fw_idle_ms;
	c->idle_end_fw = fw_ms >= 0 && (c->idle_end == DB_END_COUNT || fw_ms < db_ms);
	if (c->idle_end_fw)
		c->idle_end = DB_END_COUNT;
	c->idle_end_ms = c->idle_end_fw ? fw_ms : c->idle_end != DB_END_COUNT ? db_ms : -1;
	/* the next call comes soon after the first end (or long after none) */
	int64_t gap = c->idle_end_ms >= 0 ? c->idle_end_ms + c->idle_end_ms / 10 + 1000
	                                  : (db_ms > c->fw_idle_ms ? db_ms : c->fw_idle_ms) * 2;
	pl->n = 3;
	pl->step[0] = (struct plan_step){ .op = PLAN_CALL };
	pl->step[1] = (struct plan_step){ .op = PLAN_IDLE, .duration_ms = gap };
	pl->step[2] = (struct plan_step){ .op = PLAN_CALL };
	c->use_limits = true;
	run(c, pl, FAULT_CLIENT_CRASH, -1, gap + 2 * HOUR_MS, &o, &x);
	c->use_limits = false;
	c->idle_end_ora = o.calls[1].made && !o.calls[1].ok ? o.calls[1].ora : 0;
}

static void db_warnings(struct check *c)
{
	char b1[32], b2[32];
	bool no_dcd = !c->srv.keepidle_ms && !c->ns_interval_ms;

	if (c->limits.idle_time_ms && no_dcd)
		warn(c,
		     "profile IDLE_TIME marks idle sessions SNIPED, but a SNIPED session whose "
		     "client has vanished lingers (its process, its SESSIONS slot) until DCD finds "
		     "the client dead: with no server-side DCD, forever");
	if (no_dcd)
		warn(c, "without server-side DCD a KILLED session of a vanished client stays "
		        "KILLED: only the client's next call or DCD ends it");
	if (c->limits.max_idle_blocker_ms && c->limits.max_idle_ms &&
	    c->limits.max_idle_blocker_ms >= c->limits.max_idle_ms)
		warn(c,
		     "MAX_IDLE_BLOCKER_TIME (%s) acts only when shorter than MAX_IDLE_TIME (%s): "
		     "here it never does",
		     fmt_approx_ms(c->limits.max_idle_blocker_ms, b1, sizeof(b1)),
		     fmt_approx_ms(c->limits.max_idle_ms, b2, sizeof(b2)));
}

/* A limit the release lacks: 2 with what it needs, else 0. */
static int limits_available(const struct check *c)
{
	struct dcd_err err;

	if (db_limits_check(&c->limits, c->prof.server_release, c->release, &err) == 0)
		return 0;
	log_error("%s", err.msg);
	return 2;
}

/* Does an idle session survive with the server's DCD set to `expire_min`
 * as this release does it (TCP keepalive n*60/6/10, or NS probes), also
 * through a firewall that forgets a second sooner? (A probe due at the very
 * moment the entry expires is a knife edge, not advice.) */
static bool survives_with_expire(struct check *c, struct plan *pl, int expire_min, bool ns)
{
	struct sim_tcp srv = c->srv;
	int64_t ns_ms = c->ns_interval_ms;
	struct lab_session o;
	struct sim_extra x;

	if (ns) {
		c->srv.keepidle_ms = 0;
		c->ns_interval_ms = (int64_t)expire_min * 60000;
	} else {
		c->srv.keepidle_ms = (int64_t)expire_min * 60000;
		c->srv.keepintvl_ms = 6000;
		c->srv.keepcnt = 10;
		c->ns_interval_ms = 0;
	}
	c->s.fw_idle_ms -= 1000;
	bool ok = idle_survives(c, pl, &o, &x);
	c->s.fw_idle_ms += 1000;
	c->srv = srv;
	c->ns_interval_ms = ns_ms;
	return ok;
}

/* NOT OK because idle sessions are dropped: the largest EXPIRE_TIME that
 * keeps them (with every kernel timer as late as it may fire), and the
 * shortest firewall timeout the current settings need. Both by bisection:
 * survival falls as EXPIRE_TIME grows and rises with the timeout. */
static void advice(struct check *c, struct plan *pl)
{
	struct lab_session o;
	struct sim_extra x;

	c->advice_expire_time_min = -1;
	c->advice_fw_idle_ms = -1;
	if (c->survives)
		return;
	/* keepalives that the firewall does not count keep nothing: data does */
	c->advice_ns_probes = c->ka_ignored || c->ns_interval_ms > 0;
	if (survives_with_expire(c, pl, 1, c->advice_ns_probes)) {
		int lo = 1, hi = SQLNET_EXPIRE_TIME_MAX_MIN;
		if (survives_with_expire(c, pl, hi, c->advice_ns_probes))
			lo = hi;
		while (hi - lo > 1) {
			int mid = (lo + hi) / 2;
			if (survives_with_expire(c, pl, mid, c->advice_ns_probes))
				lo = mid;
			else
				hi = mid;
		}
		c->advice_expire_time_min = lo;
	}
	if (!c->srv.keepidle_ms && !c->ns_interval_ms && !c->cli.keepidle_ms)
		return; /* nothing refreshes the flow: no timeout is long enough */
	int64_t fw = c->fw_idle_ms, lo_s = c->fw_idle_ms / 1000, hi_s = 48 * 3600;
	c->s.fw_idle_ms = c->fw_idle_ms = hi_s * 1000;
	bool far = idle_survives(c, pl, &o, &x);
	while (far && hi_s - lo_s > 1) {
		int64_t mid = (lo_s + hi_s) / 2;
		c->s.fw_idle_ms = c->fw_idle_ms = mid * 1000;
		if (idle_survives(c, pl, &o, &x))
			hi_s = mid;
		else
			lo_s = mid;
	}
	if (far)
		c->advice_fw_idle_ms = hi_s * 1000;
	c->s.fw_idle_ms = c->fw_idle_ms = fw;
	idle_survives(c, pl, &o, &x); /* restores idle_gap_ms */
}

static void warnings(struct check *c)
{
	char b1[32], b2[32];
	int64_t idle = c->fw_idle_ms;
	/* what keeps the flow warm: the shortest refresher */
	int64_t warm = 0;
	const char *who = NULL;

	if (c->srv.keepidle_ms && !c->ka_ignored)
		warm = c->srv.keepidle_ms, who = "the server's keepalive";
	if (c->cli.keepidle_ms && !c->ka_ignored && (!warm || c->cli.keepidle_ms < warm))
		warm = c->cli.keepidle_ms, who = "the client's keepalive";
	if (c->ns_interval_ms && (!warm || c->ns_interval_ms < warm))
		warm = c->ns_interval_ms, who = "the server's NS probes";
	if (idle < 7440000)
		warn(c,
		     "RFC 5382 REQ-5: an established-flow idle timeout must be at least 2 h 4 min; "
		     "this firewall forgets after %s",
		     fmt_approx_ms(idle, b1, sizeof(b1)));
	if (warm && warm >= idle)
		warn(c,
		     "%s comes every %s of idle, not before the firewall's %s timeout: it cannot "
		     "keep sessions open",
		     who, fmt_approx_ms(warm, b1, sizeof(b1)), fmt_approx_ms(idle, b2, sizeof(b2)));
	else if (warm && linux_timer_ms(warm, TIMER_LATEST) * 10 > idle * 9)
		warn(c,
		     "%s every %s is within 10%% of the firewall's %s (the kernel may fire that "
		     "timer up to %lld s late): too close",
		     who, fmt_approx_ms(warm, b1, sizeof(b1)), fmt_approx_ms(idle, b2, sizeof(b2)),
		     (long long)((linux_timer_ms(warm, TIMER_LATEST) - warm) / 1000));
	if ((c->srv.keepidle_ms || c->cli.keepidle_ms) && c->ka_ignored)
		warn(c,
		     "this firewall does not count keepalives as activity: only data (NS probes, "
		     "USE_NS_PROBES_FOR_DCD=TRUE) would keep idle sessions");
	if (!c->srv.keepidle_ms && !c->ns_interval_ms && db_closes_first(c))
		warn(c,
		     "no server-side DCD (SQLNET.EXPIRE_TIME not set or 0): dead clients' sessions "
		     "end only by %s, with every idle one",
		     db_ends[c->idle_end].setting);
	else if (!c->srv.keepidle_ms && !c->ns_interval_ms)
		warn(c,
		     "no server-side DCD (SQLNET.EXPIRE_TIME not set or 0): dead clients' sessions "
		     "are never cleaned up");
}

/* "ORA-03113 (end-of-file on communication channel)" */
static const char *ora_words(int ora, char *buf, size_t size)
{
	if (!ora_text(ora)[0])
		return "an error";
	snprintf(buf, size, "ORA-%05d (%s)", ora, ora_text(ora));
	return buf;
}

/* The database's idle limits: which ends an idle session first. */
static void print_db_text(const struct check *c)
{
	char b1[32], b2[32], ob[96];
	const struct db_limits *l = &c->limits;

	const char *sep = " ";
	printf("database idle limits:");
	if (l->max_idle_ms) {
		printf("%sMAX_IDLE_TIME %s", sep, fmt_approx_ms(l->max_idle_ms, b1, sizeof(b1)));
		sep = ", ";
	}
	if (l->max_idle_blocker_ms) {
		printf("%sMAX_IDLE_BLOCKER_TIME %s", sep,
		       fmt_approx_ms(l->max_idle_blocker_ms, b1, sizeof(b1)));
		sep = ", ";
	}
	if (l->idle_time_ms)
		printf("%sprofile IDLE_TIME %s", sep,
		       fmt_approx_ms(l->idle_time_ms, b1, sizeof(b1)));
	printf("\n");
	const char *sees = c->idle_end_ora ? ora_words(c->idle_end_ora, ob, sizeof(ob))
	                                   : "an answer (the session is still there)";
	if (c->idle_end != DB_END_COUNT)
		printf("an idle session is ended first by the database: %s after %s idle%s%s; the "
		       "client's next call gets %s\n",
		       db_ends[c->idle_end].setting, fmt_approx_ms(c->idle_end_ms, b1, sizeof(b1)),
		       c->survives ? "" : ", before the firewall's ",
		       c->survives ? "" : fmt_approx_ms(c->fw_idle_ms, b2, sizeof(b2)), sees);
	else if (c->idle_end_fw)
		printf("an idle session is ended first by the firewall, after %s idle, before the "
		       "database's limit; the client's next call gets %s\n",
		       fmt_approx_ms(c->idle_end_ms, b1, sizeof(b1)), sees);
	else
		printf("an idle session is ended by nothing%s\n",
		       l->max_idle_blocker_ms ? " unless it blocks another (MAX_IDLE_BLOCKER_TIME)"
		                              : "");
	if (l->max_idle_blocker_ms && db_limit_first(l, true, NULL) == DB_MAX_IDLE_BLOCKER)
		printf("an idle session that holds a lock another waits for: ended after %s "
		       "(MAX_IDLE_BLOCKER_TIME), its next call gets ORA-03113\n",
		       fmt_approx_ms(l->max_idle_blocker_ms, b1, sizeof(b1)));
}

static void print_text(const struct check *c)
{
	char b1[32], b2[32], b3[32], ob1[96], ob2[96];
	const struct dcd_profile *p = &c->prof;

	printf("server: %s on %s; %s%s\n", c->release, platform_name(c->splat), p->server.why,
	       p->server.method == DCD_KEEPALIVE && !c->st.per_socket_keepalive
	               ? " - but here NS probes instead"
	               : "");
	printf("client: %s on %s; %s\n", c->client_release ? c->client_release : c->release,
	       platform_name(c->cplat), p->client.why);
	char measured[300];
	snprintf(measured, sizeof(measured), "the measured path (%s; its longest surviving idle)",
	         c->path ? c->path : "");
	printf("firewall: %s, idle timeout %s, %s at expiry%s\n",
	       c->s.preset ? c->s.preset->label
	       : c->path   ? measured
	                   : "given",
	       fmt_approx_ms(c->fw_idle_ms, b1, sizeof(b1)), fw_expiry_name(c->s.expiry),
	       c->ka_ignored ? ", keepalives not counted" : "");
	printf("\nkeepalives originate: %s\n",
	       c->srv.keepidle_ms && c->cli.keepidle_ms ? "both sides"
	       : c->srv.keepidle_ms                     ? "the server (TCP keepalive)"
	       : c->ns_interval_ms                      ? "the server (NS probes, as data)"
	       : c->cli.keepidle_ms                     ? "the client"
	                                                : "nowhere: no DCD on either side");
	if (c->survives)
		printf("idle sessions: SURVIVE%s - after %s idle (twice the firewall's timeout or "
		       "more) the next call is answered\n",
		       any_limit(&c->limits) ? " the firewall (the database's limits aside)" : "",
		       fmt_approx_ms(c->idle_gap_ms, b1, sizeof(b1)));
	else if (db_closes_first(c))
		printf("idle sessions: ENDED BY THE DATABASE after %s (%s), before the firewall "
		       "could drop them after %s\n",
		       fmt_approx_ms(c->idle_end_ms, b1, sizeof(b1)), db_ends[c->idle_end].setting,
		       fmt_approx_ms(c->fw_idle_ms, b2, sizeof(b2)));
	else
		printf("idle sessions: DROPPED - the firewall forgets them after %s; the next call "
		       "fails with %s %s after it is made\n",
		       fmt_approx_ms(c->fw_idle_ms, b1, sizeof(b1)),
		       ora_words(c->idle_ora, ob1, sizeof(ob1)),
		       fmt_approx_ms(c->idle_fail_after_ms, b2, sizeof(b2)));
	if (c->dead_client_found)
		printf("a dead client: noticed by the server %s after its host vanished right "
		       "after "
		       "its last packet (the worst case), %s at best (%s)\n",
		       fmt_approx_ms(c->dead_client_ms, b1, sizeof(b1)),
		       fmt_approx_ms(c->dead_client_best_ms, b2, sizeof(b2)),
		       end_cause_name((enum end_cause)c->dead_client_cause));
	else if (db_closes_first(c))
		printf("a dead client: never noticed by DCD, but its session ends with the others "
		       "after %s idle (%s)\n",
		       fmt_approx_ms(c->idle_end_ms, b1, sizeof(b1)), db_ends[c->idle_end].setting);
	else
		printf("a dead client: NEVER noticed - its server session holds its locks until "
		       "someone kills it (simulated for 48 h)\n");
	if (c->dead_server_found)
		printf("a dead server: the client's own keepalive notices it after %s at worst, %s "
		       "at best\n",
		       fmt_approx_ms(c->dead_server_ms, b1, sizeof(b1)),
		       fmt_approx_ms(c->dead_server_best_ms, b2, sizeof(b2)));
	else
		printf("a dead server: the idle client notices nothing; its next call (an hour "
		       "later) fails with %s %s after it is made\n",
		       ora_words(c->next_call_ora, ob2, sizeof(ob2)),
		       fmt_approx_ms(c->next_call_fail_ms, b3, sizeof(b3)));
	if (any_limit(&c->limits))
		print_db_text(c);
	if (c->n_warn) {
		printf("\nwarnings:\n");
		for (int i = 0; i < c->n_warn; i++)
			printf("  - %s\n", c->warn[i]);
	}
	printf("\n%s\n", c->survives && c->dead_client_found
	                         ? "verdict: OK - idle sessions survive and dead clients are found"
	                 : verdict_ok(c) ? "verdict: OK - the database ends idle sessions before "
	                                   "the firewall forgets them"
	                                 : "verdict: NOT OK");
	if (!verdict_ok(c)) {
		if (c->advice_expire_time_min > 0)
			printf("to make it OK: %sSQLNET.EXPIRE_TIME = %d or less, the largest that "
			       "survives this firewall with every timer as late as it may fire\n",
			       c->advice_ns_probes && c->ka_ignored
			               ? "NS probes (USE_NS_PROBES_FOR_DCD = TRUE: they are data, "
			                 "which this firewall counts) with "
			               : "",
			       c->advice_expire_time_min);
		else
			printf("to make it OK: no SQLNET.EXPIRE_TIME is short enough for a "
			       "firewall "
			       "that forgets after %s\n",
			       fmt_approx_ms(c->fw_idle_ms, b1, sizeof(b1)));
		if (c->advice_fw_idle_ms > 0)
			printf("  or, with these settings, a firewall idle timeout of %s or more\n",
			       fmt_approx_ms(c->advice_fw_idle_ms, b1, sizeof(b1)));
		else
			printf("  (with these settings nothing refreshes an idle flow: no firewall "
			       "timeout is long enough)\n");
	}
}

static void print_json(const struct check *c)
{
	struct sbuf b = { 0 };

	sbuf_printf(&b, "{\"server\":{\"release\":");
	sbuf_json_str(&b, c->release);
	sbuf_printf(&b,
	            ",\"platform\":\"%s\",\"dcd\":\"%s\",\"keepalive_s\":[%.0f,%.0f,%d],"
	            "\"ns_probe_interval_s\":%.0f,\"why\":",
	            platform_name(c->splat), dcd_method_name(c->prof.server.method),
	            (double)c->srv.keepidle_ms / 1000, (double)c->srv.keepintvl_ms / 1000,
	            c->srv.keepcnt, (double)c->ns_interval_ms / 1000);
	sbuf_json_str(&b, c->prof.server.why);
	sbuf_printf(&b, "},\"client\":{\"platform\":\"%s\",\"keepalive_s\":[%.0f,%.0f,%d],\"why\":",
	            platform_name(c->cplat), (double)c->cli.keepidle_ms / 1000,
	            (double)c->cli.keepintvl_ms / 1000, c->cli.keepcnt);
	sbuf_json_str(&b, c->prof.client.why);
	sbuf_printf(&b, "},\"firewall\":{\"device\":");
	if (c->s.preset)
		sbuf_json_str(&b, c->s.preset->name);
	else
		sbuf_printf(&b, "null");
	if (c->path) {
		sbuf_printf(&b, ",\"measured\":");
		sbuf_json_str(&b, c->path);
	}
	sbuf_printf(&b, ",\"idle_s\":%.0f,\"expiry\":\"%s\",\"keepalives_counted\":%s}",
	            (double)c->fw_idle_ms / 1000, fw_expiry_keyword(c->s.expiry),
	            c->ka_ignored ? "false" : "true");
	sbuf_printf(&b, ",\"idle_sessions_survive\":%s,\"idle_gap_s\":%.0f",
	            c->survives ? "true" : "false", (double)c->idle_gap_ms / 1000);
	if (!c->survives)
		sbuf_printf(&b, ",\"idle_next_call\":{\"ora\":\"ORA-%05d\",\"fails_after_s\":%.3f}",
		            c->idle_ora, (double)c->idle_fail_after_ms / 1000);
	sbuf_printf(&b, ",\"dead_client\":{\"noticed\":%s",
	            c->dead_client_found ? "true" : "false");
	if (c->dead_client_found)
		sbuf_printf(&b, ",\"after_s\":%.3f,\"best_s\":%.3f,\"cause\":\"%s\"",
		            (double)c->dead_client_ms / 1000, (double)c->dead_client_best_ms / 1000,
		            end_cause_name((enum end_cause)c->dead_client_cause));
	sbuf_printf(&b, "},\"dead_server\":{\"client_keepalive_notices\":%s",
	            c->dead_server_found ? "true" : "false");
	if (c->dead_server_found)
		sbuf_printf(&b, ",\"after_s\":%.3f,\"best_s\":%.3f",
		            (double)c->dead_server_ms / 1000,
		            (double)c->dead_server_best_ms / 1000);
	if (c->next_call_ora)
		sbuf_printf(&b, ",\"next_call\":{\"ora\":\"ORA-%05d\",\"fails_after_s\":%.3f}",
		            c->next_call_ora, (double)c->next_call_fail_ms / 1000);
	sbuf_printf(&b, "}");
	if (any_limit(&c->limits)) {
		sbuf_printf(
		        &b,
		        ",\"database\":{\"max_idle_time_s\":%.0f,\"max_idle_blocker_time_s\":%.0f,"
		        "\"idle_time_s\":%.0f,\"idle_end\":{\"by\":\"%s\"",
		        (double)c->limits.max_idle_ms / 1000,
		        (double)c->limits.max_idle_blocker_ms / 1000,
		        (double)c->limits.idle_time_ms / 1000,
		        c->idle_end != DB_END_COUNT ? db_ends[c->idle_end].name
		        : c->idle_end_fw            ? "firewall"
		                                    : "none");
		if (c->idle_end_ms >= 0)
			sbuf_printf(&b, ",\"after_s\":%.3f", (double)c->idle_end_ms / 1000);
		if (c->idle_end_ora)
			sbuf_printf(&b, ",\"next_call_ora\":\"ORA-%05d\"", c->idle_end_ora);
		sbuf_printf(&b, "}}");
	}
	sbuf_printf(&b, ",\"warnings\":[");
	for (int i = 0; i < c->n_warn; i++) {
		if (i)
			sbuf_printf(&b, ",");
		sbuf_json_str(&b, c->warn[i]);
	}
	sbuf_printf(&b, "]");
	if (!c->survives) {
		sbuf_printf(&b, ",\"advice\":{\"expire_time_max_min\":");
		if (c->advice_expire_time_min > 0)
			sbuf_printf(&b, "%d,\"as\":\"%s\"", c->advice_expire_time_min,
			            c->advice_ns_probes ? "ns-probes" : "keepalive");
		else
			sbuf_printf(&b, "null");
		if (c->advice_fw_idle_ms > 0)
			sbuf_printf(&b, ",\"fw_idle_min_s\":%.0f}",
			            (double)c->advice_fw_idle_ms / 1000);
		else
			sbuf_printf(&b, ",\"fw_idle_min_s\":null}");
	}
	sbuf_printf(&b, ",\"ok\":%s}\n", verdict_ok(c) ? "true" : "false");
	fwrite(b.buf, 1, b.len, stdout);
	sbuf_free(&b);
}

static int usage(void)
{
	fputs(check_usage, stderr);
	return 2;
}

/* What check assumes until told otherwise: a 19c server and client on
 * Linux, EXPIRE_TIME from sqlnet.ora, the device's expiry, a native client. */
static void check_defaults(struct check *c)
{
	c->release = "19c";
	c->expire_time = -1;
	c->expiry = -1;
	c->driver = -1;
	c->splat = c->cplat = PLAT_LINUX;
	c->idle_end = DB_END_COUNT; /* no idle limit unless given */
	c->idle_end_ms = -1;
}

/* --path FILE: the firewall as dcdlab measure found it. */
static int load_path(struct check *c, const char *file, struct dcd_err *err)
{
	struct measured_path p;

	if (measured_path_load(file, &p, err) != 0) {
		err_prefix(err, "--path");
		return -1;
	}
	c->path = file;
	c->expiry = p.expiry;
	c->fw_idle_ms = p.idle_ms;
	c->ka_ignored = !p.keepalives_counted;
	return 0;
}

int check_path_consequence(int64_t fw_idle_ms, enum fw_expiry expiry, bool keepalives_ignored,
                           struct path_consequence *out)
{
	struct check *c = calloc(1, sizeof(*c));
	struct plan *pl = calloc(1, sizeof(*pl));
	struct dcd_err err = { "" };
	int rc = -1;

	if (!c || !pl)
		goto out;
	check_defaults(c);
	c->expire_time = 0; /* no DCD: what an idle session sees, and what would keep it */
	c->expiry = expiry;
	c->fw_idle_ms = fw_idle_ms;
	c->ka_ignored = keepalives_ignored;
	if (derive(c, &err) != 0)
		goto out;
	verdicts(c, pl);
	advice(c, pl);
	out->expire_time_max_min = c->advice_expire_time_min;
	out->as_ns_probes = c->advice_ns_probes;
	out->idle_survives = c->survives;
	out->next_call_ora = c->idle_ora;
	out->next_call_fails_after_ms = c->idle_fail_after_ms;
	rc = 0;
out:
	free(c);
	free(pl);
	return rc;
}

int cmd_check(int argc, char **argv)
{
	struct check *c = calloc(1, sizeof(*c));
	struct plan *pl = calloc(1, sizeof(*pl));
	struct dcd_err err = { "" };
	int rc = 2;

	if (!c || !pl)
		goto out;
	check_defaults(c);
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		long n;
		if (strcmp(o, "--json") == 0) {
			c->json = true;
			continue;
		}
		if (strcmp(o, "--keepalives-ignored") == 0) {
			c->ka_ignored = true;
			continue;
		}
		if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
			fputs(check_usage, stdout);
			rc = 0;
			goto out;
		}
		if (!v) {
			log_error("check: %s needs a value", o);
			rc = usage();
			goto out;
		}
		i++;
		if (strcmp(o, "--release") == 0)
			c->release = v;
		else if (strcmp(o, "--client-release") == 0)
			c->client_release = v;
		else if (strcmp(o, "--sqlnet") == 0)
			c->sqlnet = v;
		else if (strcmp(o, "--descriptor") == 0)
			c->descriptor = v;
		else if (strcmp(o, "--tnsnames") == 0)
			c->tnsnames = v;
		else if (strcmp(o, "--tunables") == 0)
			c->stun = v;
		else if (strcmp(o, "--client-tunables") == 0)
			c->ctun = v;
		else if (strcmp(o, "--firewall") == 0)
			c->preset = v;
		else if (strcmp(o, "--client-driver") == 0) {
			if ((c->driver = client_driver_parse(v)) < 0) {
				log_error("--client-driver \"%s\": expected " CLIENT_DRIVERS, v);
				goto out;
			}
		} else if (strcmp(o, "--path") == 0) {
			if (load_path(c, v, &err) != 0) {
				log_error("%s", err.msg);
				goto out;
			}
		} else if (strcmp(o, "--expire-time") == 0) {
			if (parse_long(v, 0, SQLNET_EXPIRE_TIME_MAX_MIN, &n) != 0) {
				log_error("--expire-time \"%s\": expected minutes, 0 to %d", v,
				          SQLNET_EXPIRE_TIME_MAX_MIN);
				goto out;
			}
			c->expire_time = (int)n;
		} else if (strcmp(o, "--platform") == 0 || strcmp(o, "--client-platform") == 0) {
			int p = platform_parse(v);
			if (p < 0) {
				log_error("%s \"%s\": expected linux, aix, hpux, solaris, windows, "
				          "macos or "
				          "freebsd",
				          o, v);
				goto out;
			}
			if (o[2] == 'p')
				c->splat = (enum platform)p;
			else
				c->cplat = (enum platform)p;
		} else if (strcmp(o, "--fw-idle") == 0) {
			c->fw_idle_given = true;
			if (parse_duration_ms(v, 1000, &c->fw_idle_ms) != 0 ||
			    c->fw_idle_ms < 1000) {
				log_error("--fw-idle \"%s\": expected a duration of 1s or more "
				          "(\"1h\")",
				          v);
				goto out;
			}
		} else if (strcmp(o, "--max-idle-time") == 0 || strcmp(o, "--idle-time") == 0 ||
		           strcmp(o, "--max-idle-blocker-time") == 0) {
			int64_t *ms = strcmp(o, "--idle-time") == 0 ? &c->limits.idle_time_ms
			              : strcmp(o, "--max-idle-blocker-time") == 0
			                      ? &c->limits.max_idle_blocker_ms
			                      : &c->limits.max_idle_ms;
			if (db_limit_parse_ms(v, ms) != 0) {
				log_error("%s \"%s\": expected minutes (0: not set), or a duration "
				          "such as 90s",
				          o, v);
				goto out;
			}
		} else if (strcmp(o, "--jdbc-properties") == 0) {
			size_t len;
			char *text = text_file_read(v, 1 << 20, "JDBC properties", &len, &err);
			int bad = !text || jdbc_props_parse(&c->jdbc, v, text, &err) != 0;
			free(text);
			if (bad) {
				log_error("--jdbc-properties: %s", err.msg);
				goto out;
			}
			c->jdbc_given = true;
		} else if (strcmp(o, "--init-ora") == 0) {
			size_t len;
			char *text = text_file_read(v, 1 << 20, "an init.ora excerpt", &len, &err);
			int bad = !text || db_limits_parse_initora(&c->limits, v, text, &err) != 0;
			free(text);
			if (bad) {
				log_error("--init-ora: %s", err.msg);
				goto out;
			}
		} else if (strcmp(o, "--fw-expiry") == 0) {
			c->expiry = fw_expiry_parse(v);
			if (c->expiry < 0) {
				log_error("--fw-expiry \"%s\": expected " FW_EXPIRY_KEYWORDS, v);
				goto out;
			}
		} else {
			log_error("check: unknown option \"%s\"", o);
			rc = usage();
			goto out;
		}
	}
	if (c->jdbc_given && c->driver < 0)
		c->driver = DRV_JDBC_THIN;
	if (c->jdbc_given && c->driver != DRV_JDBC_THIN) {
		log_error("--jdbc-properties is for --client-driver jdbc-thin, not %s",
		          client_driver_name((enum client_driver)c->driver));
		goto out;
	}
	if (c->path && (c->preset || c->fw_idle_given)) {
		log_error("--path gives the firewall already: not with --firewall or --fw-idle");
		goto out;
	}
	if (c->ctun && !c->descriptor)
		warn(c, "--client-tunables matter only with a descriptor (ENABLE=BROKEN) or a "
		        "client's retransmissions; no --descriptor given");
	if (!c->stun && c->splat != PLAT_LINUX)
		warn(c, "%s: no --tunables given, its defaults are assumed",
		     platform_name(c->splat));
	if (derive(c, &err) != 0) {
		log_error("%s", err.msg);
		goto out;
	}
	if ((rc = limits_available(c)) != 0)
		goto out;
	rc = 2;
	verdicts(c, pl);
	advice(c, pl);
	if (any_limit(&c->limits))
		db_verdict(c, pl);
	warnings(c);
	if (any_limit(&c->limits))
		db_warnings(c);
	if (c->json)
		print_json(c);
	else
		print_text(c);
	rc = verdict_ok(c) ? 0 : 1;
out:
	free(c);
	free(pl);
	return rc;
}
