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
 * against dcdlab listen: tests/integration/node_oracledb.sh). Read again
 * with dcdlab's source search (2026-11-30): python-oracledb transport.pyx
 * at commit 28df389 (2024) sets exactly that, only when expire_time > 0,
 * and nothing for ENABLE; node-oracledb sessionAtts.js at 0814380 (2025)
 * turns (ENABLE=BROKEN) into nt.enabledDCD, but ntTcp.js (15f10c1) tests
 * atts.enableDCD - another name - so setKeepAlive(true) is never called for
 * it: the measured "does nothing" is that typo. JDBC thin is closed source:
 * its oracle.net.keepAlive / TCP_KEEPIDLE / TCP_KEEPINTERVAL / TCP_KEEPCOUNT
 * connection properties are taken from DOMAIN.md §1 (seconds; chosen: the
 * numbers act only with keepAlive=true, else ignored and warned). */
#ifndef DCDLAB_DRIVER_H
#define DCDLAB_DRIVER_H

#include <stdbool.h>

#include "../lib/err.h"
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

/* JDBC thin's connection properties, as users keep them: key=value lines
 * (a .properties file: '#' or '!' comments, '=' or ':' or blanks between
 * key and value). Other keys are ignored. -1 / 0 when not given. */
struct jdbc_props {
	int keepalive; /* oracle.net.keepAlive: 1, 0, -1 not given */
	int idle_s;    /* oracle.net.TCP_KEEPIDLE */
	int intvl_s;   /* oracle.net.TCP_KEEPINTERVAL */
	int cnt;       /* oracle.net.TCP_KEEPCOUNT */
	int line_ka;   /* where each was, for warnings; 0 not given */
};

/* -1 with "file:line: ..." in err. */
int jdbc_props_parse(struct jdbc_props *p, const char *file, const char *text, struct dcd_err *err);

/* What JDBC thin's socket gets from its properties (the descriptor's
 * EXPIRE_TIME / ENABLE=BROKEN are warned as not modelled). */
void driver_jdbc_dcd(const struct jdbc_props *p, const struct dcd_descriptor *d,
                     struct driver_dcd *out);

/* A driver's outcome as the client side of a profile (`os` for "the OS's
 * settings"). */
void driver_side(const struct driver_dcd *dd, const struct os_tcp *os, struct dcd_side *side);

#endif
