/* profile.c - from sqlnet.ora, descriptor and release to DCD behaviour. */
#include "profile.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../lib/numparse.h"
#include "linux_timers.h"

const struct os_tcp os_tcp_linux_default = {
	.keepalive = { .idle_s = 7200, .intvl_s = 75, .cnt = 9 },
	.tcp_retries2 = 15,
	.rto_min_ms = 200,
};

int release_parse(const char *s, struct oracle_release *out, struct dcd_err *err)
{
	char buf[32], *dot, *p;
	long major, minor = 0;
	size_t n = strlen(s);

	if (n == 0 || n >= sizeof(buf)) {
		err_set(err, "release \"%s\": expected 11.2, 12.1, 12.2, 18c, 19c, 21c or 23ai", s);
		return -1;
	}
	memcpy(buf, s, n + 1);
	/* Drop a trailing "c", "ai", "g" suffix: 19c, 23ai, 11g. */
	for (p = buf + n; p > buf && isalpha((unsigned char)p[-1]); p--)
		;
	if (*p && strcasecmp(p, "c") != 0 && strcasecmp(p, "ai") != 0 && strcasecmp(p, "g") != 0)
		goto bad;
	*p = '\0';
	dot = strchr(buf, '.');
	if (dot) {
		*dot = '\0';
		char *rest = dot + 1, *dot2 = strchr(rest, '.');
		if (dot2)
			*dot2 = '\0'; /* 11.2.0.4: patch levels do not change DCD */
		if (parse_long(rest, 0, 99, &minor) != 0)
			goto bad;
	}
	if (parse_long(buf, 8, 99, &major) != 0)
		goto bad;
	/* "12c" means 12.1: the first 12c release. "11g" means 11.2. */
	if (!dot && major == 12)
		minor = 1;
	if (!dot && major == 11)
		minor = 2;
	out->major = (int)major;
	out->minor = (int)minor;
	return 0;
bad:
	err_set(err, "release \"%s\": expected 11.2, 12.1, 12.2, 18c, 19c, 21c or 23ai", s);
	return -1;
}

int release_cmp(struct oracle_release a, struct oracle_release b)
{
	if (a.major != b.major)
		return a.major < b.major ? -1 : 1;
	if (a.minor != b.minor)
		return a.minor < b.minor ? -1 : 1;
	return 0;
}

const char *release_name(struct oracle_release r, char *buf, size_t len)
{
	if (r.major < 18)
		snprintf(buf, len, "%d.%d", r.major, r.minor);
	else
		snprintf(buf, len, "%d%s", r.major, r.major >= 23 ? "ai" : "c");
	return buf;
}

const char *dcd_method_name(enum dcd_method m)
{
	static const char *const names[] = {
		[DCD_NONE] = "none",
		[DCD_KEEPALIVE] = "keepalive",
		[DCD_NS_PROBES] = "ns-probes",
	};
	return (unsigned)m < sizeof(names) / sizeof(names[0]) ? names[m] : "?";
}

static void keepalive_side(struct dcd_side *s, struct keepalive ka)
{
	s->method = DCD_KEEPALIVE;
	s->keepalive = ka;
	s->detect_ms = keepalive_give_up_ms(&ka, TIMER_EXACT);
}

void dcd_profile_compute(struct dcd_profile *p, const struct sqlnet_config *sqlnet,
                         const struct dcd_descriptor *desc, struct oracle_release server_release,
                         struct oracle_release client_release, const struct os_tcp *os)
{
	static const struct oracle_release r12_1 = { 12, 1 }, r19 = { 19, 0 };
	int expire = sqlnet ? sqlnet->expire_time_min : SQLNET_UNSET;
	struct dcd_side *srv = &p->server, *cli = &p->client;

	memset(p, 0, sizeof(*p));
	p->server_release = server_release;
	p->client_release = client_release;
	srv->detect_ms = cli->detect_ms = -1;

	if (expire <= 0) {
		snprintf(srv->why, sizeof(srv->why), "SQLNET.EXPIRE_TIME %s: no DCD",
		         expire == 0 ? "is 0" : "is not set");
	} else if (release_cmp(server_release, r12_1) < 0 ||
	           (sqlnet && sqlnet->use_ns_probes_for_dcd == 1)) {
		srv->method = DCD_NS_PROBES;
		srv->ns_probe_interval_s = expire * 60;
		/* The probe is data: a dead peer is found when its retransmissions
		 * run out (tcp_retries2), counted from the first unanswered probe. */
		srv->detect_ms = (int64_t)expire * 60000 +
		                 tcp_retrans_timeout_ms(os->tcp_retries2, os->rto_min_ms);
		snprintf(srv->why, sizeof(srv->why),
		         "SQLNET.EXPIRE_TIME=%d with %s: 10-byte NS probe every %d s, failure by "
		         "retransmission (tcp_retries2=%d)",
		         expire,
		         release_cmp(server_release, r12_1) < 0 ? "a pre-12c server"
		                                                : "USE_NS_PROBES_FOR_DCD=TRUE",
		         expire * 60, os->tcp_retries2);
	} else {
		keepalive_side(srv, (struct keepalive){ .idle_s = expire * 60,
		                                        .intvl_s = ORACLE_DCD_KEEPINTVL_S,
		                                        .cnt = ORACLE_DCD_KEEPCNT });
		snprintf(srv->why, sizeof(srv->why),
		         "SQLNET.EXPIRE_TIME=%d on a 12c+ server: TCP keepalive %d/%d/%d on each "
		         "session socket",
		         expire, expire * 60, ORACLE_DCD_KEEPINTVL_S, ORACLE_DCD_KEEPCNT);
	}

	if (desc == NULL) {
		snprintf(cli->why, sizeof(cli->why), "no connect descriptor given");
	} else if (desc->expire_time_min > 0 && release_cmp(client_release, r19) >= 0) {
		int n = desc->expire_time_min;
		keepalive_side(cli, (struct keepalive){ .idle_s = n * 60,
		                                        .intvl_s = ORACLE_DCD_KEEPINTVL_S,
		                                        .cnt = ORACLE_DCD_KEEPCNT });
		snprintf(cli->why, sizeof(cli->why),
		         "(EXPIRE_TIME=%d) in the descriptor, 19c+ client: keepalive %d/%d/%d", n,
		         n * 60, ORACLE_DCD_KEEPINTVL_S, ORACLE_DCD_KEEPCNT);
	} else if (desc->enable_broken) {
		keepalive_side(cli, os->keepalive);
		cli->os_keepalive = true;
		snprintf(cli->why, sizeof(cli->why),
		         "(ENABLE=BROKEN): SO_KEEPALIVE with the OS defaults %d/%d/%d%s",
		         os->keepalive.idle_s, os->keepalive.intvl_s, os->keepalive.cnt,
		         desc->expire_time_min > 0 ? " (EXPIRE_TIME ignored before 19c)" : "");
	} else if (desc->expire_time_min > 0) {
		snprintf(cli->why, sizeof(cli->why),
		         "(EXPIRE_TIME=%d) is ignored by clients before 19c: no client-side DCD",
		         desc->expire_time_min);
	} else {
		snprintf(
		        cli->why, sizeof(cli->why),
		        "descriptor has neither EXPIRE_TIME nor ENABLE=BROKEN: no client-side DCD");
	}
}

static void describe_side(const char *who, const struct dcd_side *s, struct sbuf *out)
{
	sbuf_printf(out, "%s: %s", who, dcd_method_name(s->method));
	if (s->method == DCD_KEEPALIVE)
		sbuf_printf(out, " idle=%ds intvl=%ds cnt=%d", s->keepalive.idle_s,
		            s->keepalive.intvl_s, s->keepalive.cnt);
	else if (s->method == DCD_NS_PROBES)
		sbuf_printf(out, " every %ds", s->ns_probe_interval_s);
	if (s->detect_ms >= 0)
		sbuf_printf(out, "; dead peer noticed %.1f s after its last packet",
		            (double)s->detect_ms / 1000.0);
	else
		sbuf_printf(out, "; a dead peer is never noticed");
	sbuf_printf(out, " (%s)\n", s->why);
}

void dcd_profile_describe(const struct dcd_profile *p, struct sbuf *out)
{
	describe_side("server", &p->server, out);
	describe_side("client", &p->client, out);
}

int64_t dcd_ns_probe_wait_ms(int64_t idle_ms, int64_t interval_ms)
{
	return idle_ms + 5 >= interval_ms ? 0 : interval_ms - idle_ms;
}

bool dcd_socket_keepalive(const struct dcd_side *side, const struct keepalive *over,
                          struct keepalive *out)
{
	enum dcd_method m = side->method;
	int64_t ns_ms = 0;

	*out = side->keepalive;
	dcd_lab_scale(&m, out, &ns_ms, over, 0);
	return m == DCD_KEEPALIVE;
}

void dcd_lab_scale(enum dcd_method *method, struct keepalive *ka, int64_t *ns_interval_ms,
                   const struct keepalive *over, int64_t probe_interval_ms)
{
	if (over->idle_s || over->intvl_s || over->cnt) {
		if (*method != DCD_KEEPALIVE) {
			*method = DCD_KEEPALIVE;
			*ka = (struct keepalive){ 600, ORACLE_DCD_KEEPINTVL_S, ORACLE_DCD_KEEPCNT };
		}
		if (over->idle_s)
			ka->idle_s = over->idle_s;
		if (over->intvl_s)
			ka->intvl_s = over->intvl_s;
		if (over->cnt)
			ka->cnt = over->cnt;
	}
	if (probe_interval_ms) {
		*method = DCD_NS_PROBES;
		*ns_interval_ms = probe_interval_ms;
	}
}
