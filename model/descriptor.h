/* descriptor.h - where a client connects and what DCD it asks for.
 *
 * Three spellings of the same thing: an inline (DESCRIPTION=...) descriptor,
 * a tnsnames.ora alias, and an Easy Connect string
 * ([//]host[:port][/service][:server][/instance][?name=value&...]). */
#ifndef DCDLAB_DESCRIPTOR_H
#define DCDLAB_DESCRIPTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/err.h"
#include "nv.h"

#define DESC_MAX_ADDRESSES 16

struct dcd_address {
	char protocol[8]; /* TCP, TCPS */
	char host[256];
	uint16_t port;
};

struct dcd_descriptor {
	struct dcd_address address[DESC_MAX_ADDRESSES];
	int n_address;
	char service_name[128];
	char sid[64];
	char server[16];                      /* DEDICATED, SHARED, POOLED or "" */
	int expire_time_min;                  /* -1 when absent */
	bool enable_broken;                   /* (ENABLE=BROKEN) */
	int64_t connect_timeout_ms;           /* (CONNECT_TIMEOUT=..) or -1 */
	int64_t transport_connect_timeout_ms; /* or -1 */
	char *text;                           /* canonical (DESCRIPTION=...) to send */
};

/* Fill `d` from parsed NV pairs whose first element is DESCRIPTION (the first
 * DESCRIPTION of a DESCRIPTION_LIST is used). */
int descriptor_from_nv(struct dcd_descriptor *d, const struct nv *list, struct dcd_err *err);

/* Parse an inline descriptor; errors name the byte offset. */
int descriptor_parse(struct dcd_descriptor *d, const char *text, struct dcd_err *err);

/* Parse an Easy Connect string. */
int ezconnect_parse(struct dcd_descriptor *d, const char *s, struct dcd_err *err);

/* Resolve what a user typed: inline descriptor, Easy Connect, or an alias
 * looked up in `tnsnames_path` (may be NULL: then $TNS_ADMIN/tnsnames.ora). */
int descriptor_resolve(struct dcd_descriptor *d, const char *what, const char *tnsnames_path,
                       struct dcd_err *err);

/* Look `alias` up in tnsnames.ora text named `file`; errors name file:line. */
int tnsnames_lookup(struct dcd_descriptor *d, const char *file, const char *text, size_t len,
                    const char *alias, struct dcd_err *err);

void descriptor_free(struct dcd_descriptor *d);

#endif
