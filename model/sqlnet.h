/* sqlnet.h - the sqlnet.ora settings that decide dead connection detection.
 *
 * Known parameters are checked and converted once, here, to the units in
 * their names; everything else is kept in file order so nothing is lost. */
#ifndef DCDLAB_SQLNET_H
#define DCDLAB_SQLNET_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/err.h"
#include "orafile.h"

#define SQLNET_UNSET (-1)

struct sqlnet_config {
	char file[256];                     /* where it came from, for messages */
	int expire_time_min;                /* SQLNET.EXPIRE_TIME; UNSET or >= 0 */
	int use_ns_probes_for_dcd;          /* USE_NS_PROBES_FOR_DCD; UNSET, 0, 1 */
	int64_t recv_timeout_ms;            /* SQLNET.RECV_TIMEOUT */
	int64_t send_timeout_ms;            /* SQLNET.SEND_TIMEOUT */
	int64_t inbound_connect_timeout_ms; /* SQLNET.INBOUND_CONNECT_TIMEOUT */
	int64_t tcp_connect_timeout_ms;     /* TCP.CONNECT_TIMEOUT */
	struct ora_entry *entries;          /* every entry, known or not */
};

/* Largest EXPIRE_TIME accepted: Linux caps TCP_KEEPIDLE at 32767 s, and
 * Oracle documents no larger useful value; 546 min is the last that fits.
 * One limit for sqlnet.ora, descriptors, Easy Connect, listen, scenarios,
 * check and the analyzer's profile match. */
#define SQLNET_EXPIRE_TIME_MAX_MIN  546
#define SQLNET_EXPIRE_TIME_MAX_TEXT "546"

/* Set every field to "unset". */
void sqlnet_init(struct sqlnet_config *cfg);

/* Parse sqlnet.ora text named `file`. Returns 0, or -1 with
 * "file:line:col: NAME: bad value "v": expected ..." in `err`. */
int sqlnet_parse(struct sqlnet_config *cfg, const char *file, const char *text, size_t len,
                 struct dcd_err *err);

/* Read and parse a file. */
int sqlnet_load(struct sqlnet_config *cfg, const char *path, struct dcd_err *err);

/* The raw value of any entry (case-insensitive name), or NULL. */
const char *sqlnet_get(const struct sqlnet_config *cfg, const char *name);

void sqlnet_free(struct sqlnet_config *cfg);

#endif
