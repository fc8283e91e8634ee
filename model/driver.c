/* driver.c - what each client driver does with EXPIRE_TIME and
 * ENABLE=BROKEN (see driver.h). */
#include "driver.h"

#include <stdio.h>
#include <string.h>

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
