/* driver.c - what each client driver does with EXPIRE_TIME and
 * ENABLE=BROKEN (see driver.h). */
#include "driver.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../lib/numparse.h"
#include "../lib/textfile.h"
#include "linux_timers.h"

static const char *const names[DRV_COUNT] = {
	[DRV_NATIVE] = "native",
	[DRV_JDBC_THIN] = "jdbc-thin",
	[DRV_PYTHON_THIN] = "python-thin",
	[DRV_NODE_THIN] = "node-thin",
};

const char *client_driver_name(enum client_driver d)
{
	return (unsigned)d < DRV_COUNT ? names[d] : "?";
}

int client_driver_parse(const char *name)
{
	for (int d = 0; d < DRV_COUNT; d++)
		if (strcmp(name, names[d]) == 0)
			return d;
	return -1;
}

void driver_client_dcd(enum client_driver drv, const struct dcd_descriptor *d,
                       struct oracle_release native_release, struct driver_dcd *out)
{
	static const struct oracle_release r19 = { 19, 0 };
	int n = d && d->expire_time_min > 0 ? d->expire_time_min : 0;
	bool broken = d && d->enable_broken;

	memset(out, 0, sizeof(*out));
	switch (drv) {
	case DRV_NATIVE:
		if (n && release_cmp(native_release, r19) >= 0) {
			out->on = true;
			out->ka = (struct keepalive){ n * 60, ORACLE_DCD_KEEPINTVL_S,
				                      ORACLE_DCD_KEEPCNT };
			snprintf(out->why, sizeof(out->why),
			         "native client 19c+: (EXPIRE_TIME=%d) is keepalive %d/%d/%d", n,
			         n * 60, ORACLE_DCD_KEEPINTVL_S, ORACLE_DCD_KEEPCNT);
			return;
		}
		if (n)
			snprintf(out->ignored, sizeof(out->ignored),
			         "(EXPIRE_TIME=%d) is ignored by a native client before 19c: use "
			         "(ENABLE=BROKEN) with short OS keepalive settings, or upgrade the "
			         "client",
			         n);
		if (broken) {
			out->on = out->os_defaults = true;
			snprintf(out->why, sizeof(out->why),
			         "native client: (ENABLE=BROKEN) is SO_KEEPALIVE with the OS's "
			         "settings");
		} else {
			snprintf(out->why, sizeof(out->why), "native client: no client-side DCD");
		}
		return;
	case DRV_PYTHON_THIN:
	case DRV_NODE_THIN: {
		bool node = drv == DRV_NODE_THIN;
		if (n) {
			out->on = true;
			out->ka = (struct keepalive){ n * 60, node ? 1 : ORACLE_DCD_KEEPINTVL_S,
				                      ORACLE_DCD_KEEPCNT };
			snprintf(out->why, sizeof(out->why),
			         "%s: (EXPIRE_TIME=%d) is keepalive %d/%d/%d%s",
			         node ? "node-oracledb thin" : "python-oracledb thin", n,
			         out->ka.idle_s, out->ka.intvl_s, out->ka.cnt,
			         node ? " (Node's setKeepAlive: libuv's 1 s interval, 10 probes)"
			              : "");
		} else {
			snprintf(out->why, sizeof(out->why), "%s: no client-side DCD",
			         node ? "node-oracledb thin" : "python-oracledb thin");
		}
		if (broken)
			snprintf(out->ignored, sizeof(out->ignored),
			         "(ENABLE=BROKEN) does nothing with %s: its socket gets no "
			         "keepalive; use "
			         "(EXPIRE_TIME=n) in the descriptor (or %s)",
			         node ? "node-oracledb thin" : "python-oracledb thin",
			         node ? "the expireTime connection attribute"
			              : "the expire_time connect parameter");
		return;
	}
	case DRV_JDBC_THIN:
		snprintf(out->why, sizeof(out->why),
		         "JDBC thin: keepalive from its oracle.net.keepAlive / TCP_KEEPIDLE / "
		         "TCP_KEEPINTERVAL / TCP_KEEPCOUNT properties, not modelled from the "
		         "descriptor");
		if (n || broken)
			snprintf(out->ignored, sizeof(out->ignored),
			         "%s in the descriptor: what JDBC thin does with it depends on its "
			         "release "
			         "and is not modelled here; set oracle.net.keepAlive=true and "
			         "oracle.net.TCP_KEEPIDLE (seconds) to be sure",
			         n ? "(EXPIRE_TIME)" : "(ENABLE=BROKEN)");
		return;
	case DRV_COUNT: break;
	}
}

int jdbc_props_parse(struct jdbc_props *p, const char *file, const char *text, struct dcd_err *err)
{
	static const struct {
		const char *key;
		size_t off;
		long max;
	} nums[] = {
		{ "oracle.net.TCP_KEEPIDLE", offsetof(struct jdbc_props, idle_s), 32767 },
		{ "oracle.net.TCP_KEEPINTERVAL", offsetof(struct jdbc_props, intvl_s), 32767 },
		{ "oracle.net.TCP_KEEPCOUNT", offsetof(struct jdbc_props, cnt), 127 },
	};
	int line = 0;

	*p = (struct jdbc_props){ .keepalive = -1 };
	char buf[512];
	int rc;
	for (const char *q = text; (rc = text_line_next(&q, buf, sizeof(buf), &line, file, err));) {
		char *k, *v;
		if (rc < 0)
			return -1;
		for (k = buf; isspace((unsigned char)*k); k++)
			;
		if (*k == '\0' || *k == '#' || *k == '!')
			continue;
		v = k + strcspn(k, "=: \t\r");
		if (*v) {
			*v++ = '\0';
			while (isspace((unsigned char)*v) || *v == '=' || *v == ':')
				v++;
		}
		for (char *e = v + strlen(v); e > v && isspace((unsigned char)e[-1]); e--)
			e[-1] = '\0';
		if (strcmp(k, "oracle.net.keepAlive") == 0) {
			bool b;
			if (parse_bool(v, &b) != 0) {
				err_set(err,
				        "%s:%d: oracle.net.keepAlive = \"%s\": expected true or "
				        "false",
				        file, line, v);
				return -1;
			}
			p->keepalive = b;
			p->line_ka = line;
			continue;
		}
		for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
			long x;
			if (strcmp(k, nums[i].key) != 0)
				continue;
			if (parse_long(v, 1, nums[i].max, &x) != 0) {
				err_set(err,
				        "%s:%d: %s = \"%s\": expected a whole number from 1 to %ld",
				        file, line, nums[i].key, v, nums[i].max);
				return -1;
			}
			*(int *)((char *)p + nums[i].off) = (int)x;
		}
	}
	return 0;
}

void driver_jdbc_dcd(const struct jdbc_props *p, const struct dcd_descriptor *d,
                     struct driver_dcd *out)
{
	driver_client_dcd(DRV_JDBC_THIN, d, (struct oracle_release){ 19, 0 }, out);
	if (p == NULL)
		return;
	bool numbers = p->idle_s || p->intvl_s || p->cnt;
	if (p->keepalive != 1) {
		snprintf(out->why, sizeof(out->why),
		         "JDBC thin: oracle.net.keepAlive is %s: no "
		         "client-side DCD",
		         p->keepalive == 0 ? "false" : "not set");
		if (numbers)
			snprintf(out->ignored, sizeof(out->ignored),
			         "oracle.net.TCP_KEEPIDLE / TCP_KEEPINTERVAL / TCP_KEEPCOUNT do "
			         "nothing without oracle.net.keepAlive=true");
		return;
	}
	out->on = true;
	out->os_defaults = !numbers;
	if (numbers) {
		/* what is not given stays the OS's (Linux defaults here) */
		const struct keepalive os = os_tcp_linux_default.keepalive;
		out->ka = (struct keepalive){ p->idle_s ? p->idle_s : os.idle_s,
			                      p->intvl_s ? p->intvl_s : os.intvl_s,
			                      p->cnt ? p->cnt : os.cnt };
		snprintf(out->why, sizeof(out->why),
		         "JDBC thin: oracle.net.keepAlive=true with TCP_KEEPIDLE/INTERVAL/COUNT "
		         "%d/%d/%d",
		         out->ka.idle_s, out->ka.intvl_s, out->ka.cnt);
	} else {
		snprintf(out->why, sizeof(out->why),
		         "JDBC thin: oracle.net.keepAlive=true: SO_KEEPALIVE with the OS's "
		         "settings");
	}
}

void driver_side(const struct driver_dcd *dd, const struct os_tcp *os, struct dcd_side *side)
{
	memset(side, 0, sizeof(*side));
	side->detect_ms = -1;
	snprintf(side->why, sizeof(side->why), "%s", dd->why);
	if (!dd->on)
		return;
	side->method = DCD_KEEPALIVE;
	side->os_keepalive = dd->os_defaults;
	side->keepalive = dd->os_defaults ? os->keepalive : dd->ka;
	side->detect_ms = keepalive_give_up_ms(&side->keepalive, TIMER_EXACT);
}
