/* driver.h - clients as their drivers really behave, DCD-wise (DOMAIN.md
 * §1): what EXPIRE_TIME and ENABLE=BROKEN in a connect descriptor do to the
 * socket of an Oracle native client, python-oracledb thin, node-oracledb
 * thin and JDBC thin, and which of them a driver silently ignores.
 *
 * Checked against: python-oracledb 2.x src/oracledb/impl/thin/transport.pyx
 * (set_from_socket: SO_KEEPALIVE, TCP_KEEPIDLE = n*60, TCP_KEEPINTVL = 6,
 * TCP_KEEPCNT = 10; no ENABLE=BROKEN); node-oracledb 26.0.0 thin
 * lib/thin/sqlnet/ntTcp.js (setKeepAlive(true, n*60000): libuv fixes the
 * interval at 1 s and the count at 10; ENABLE=BROKEN ignored, measured
 * against dcdlab listen: tests/integration/node_oracledb.sh). */
#ifndef DCDLAB_DRIVER_H
#define DCDLAB_DRIVER_H

#include <stdbool.h>

#include "descriptor.h"
#include "profile.h"

enum client_driver {
	DRV_NATIVE,      /* OCI, SQL*Plus: the client release decides */
	DRV_JDBC_THIN,   /* its oracle.net.* properties; the descriptor is not modelled */
	DRV_PYTHON_THIN, /* python-oracledb thin */
	DRV_NODE_THIN,   /* node-oracledb thin */
	DRV_COUNT,
};

const char *client_driver_name(enum client_driver d);
/* "native", "jdbc-thin", "python-thin", "node-thin"; -1 none of them. */
int client_driver_parse(const char *name);
#define CLIENT_DRIVERS "native, jdbc-thin, python-thin or node-thin"

/* What a driver's socket gets from descriptor d (NULL: none). */
struct driver_dcd {
	bool on;             /* SO_KEEPALIVE */
	bool os_defaults;    /* ... with the OS's idle, interval and count */
	struct keepalive ka; /* when on and not os_defaults */
	char why[200];
	char ignored[300]; /* a setting the driver ignores, and what to use; "" none */
};

void driver_client_dcd(enum client_driver drv, const struct dcd_descriptor *d,
                       struct oracle_release native_release, struct driver_dcd *out);

#endif
