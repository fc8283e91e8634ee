/* sqlnet.c - parse sqlnet.ora and check the parameters DCD depends on. */
#include "sqlnet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/textfile.h"
#include "../lib/numparse.h"

/* Convert and store one known parameter; return NULL or what was expected. */
typedef const char *(*sqlnet_apply_fn)(struct sqlnet_config *cfg, const char *value);

struct sqlnet_param {
	const char *name;
	sqlnet_apply_fn apply;
};

static const char *apply_expire_time(struct sqlnet_config *cfg, const char *v)
{
	long min;

	if (parse_long(v, 0, SQLNET_EXPIRE_TIME_MAX_MIN, &min) != 0)
		return "an integer number of minutes, 0 to " SQLNET_EXPIRE_TIME_MAX_TEXT;
	cfg->expire_time_min = (int)min;
	return NULL;
}

static const char *apply_ns_probes(struct sqlnet_config *cfg, const char *v)
{
	bool on;

	if (parse_bool(v, &on) != 0)
		return "TRUE or FALSE";
	cfg->use_ns_probes_for_dcd = on;
	return NULL;
}

/* Oracle takes these in seconds, and since 12c with a unit: "10 ms", "1 min". */
static const char *apply_timeout(int64_t *field, const char *v)
{
	int64_t ms;

	if (parse_duration_ms(v, 1000, &ms) != 0 || ms > 86400000LL * 365)
		return "a number of seconds, optionally with a unit (ms, sec, min)";
	*field = ms;
	return NULL;
}

static const char *apply_recv(struct sqlnet_config *c, const char *v)
{
	return apply_timeout(&c->recv_timeout_ms, v);
}

static const char *apply_send(struct sqlnet_config *c, const char *v)
{
	return apply_timeout(&c->send_timeout_ms, v);
}

static const char *apply_inbound(struct sqlnet_config *c, const char *v)
{
	return apply_timeout(&c->inbound_connect_timeout_ms, v);
}

static const char *apply_tcp_connect(struct sqlnet_config *c, const char *v)
{
	return apply_timeout(&c->tcp_connect_timeout_ms, v);
}

static const struct sqlnet_param sqlnet_params[] = {
	{ .name = "SQLNET.EXPIRE_TIME", .apply = apply_expire_time },
	{ .name = "USE_NS_PROBES_FOR_DCD", .apply = apply_ns_probes },
	{ .name = "SQLNET.RECV_TIMEOUT", .apply = apply_recv },
	{ .name = "SQLNET.SEND_TIMEOUT", .apply = apply_send },
	{ .name = "SQLNET.INBOUND_CONNECT_TIMEOUT", .apply = apply_inbound },
	{ .name = "TCP.CONNECT_TIMEOUT", .apply = apply_tcp_connect },
};

void sqlnet_init(struct sqlnet_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->expire_time_min = SQLNET_UNSET;
	cfg->use_ns_probes_for_dcd = SQLNET_UNSET;
	cfg->recv_timeout_ms = SQLNET_UNSET;
	cfg->send_timeout_ms = SQLNET_UNSET;
	cfg->inbound_connect_timeout_ms = SQLNET_UNSET;
	cfg->tcp_connect_timeout_ms = SQLNET_UNSET;
}

int sqlnet_parse(struct sqlnet_config *cfg, const char *file, const char *text, size_t len,
                 struct dcd_err *err)
{
	struct ora_entry *entries;
	int rc;

	snprintf(cfg->file, sizeof(cfg->file), "%s", file);
	rc = orafile_parse(file, text, len, &entries, err);
	/* Keep what was read even on error: the caller may still report it. */
	cfg->entries = entries;
	if (rc != 0)
		return -1;
	for (const struct ora_entry *e = entries; e; e = e->next) {
		for (size_t i = 0; i < sizeof(sqlnet_params) / sizeof(sqlnet_params[0]); i++) {
			const struct sqlnet_param *p = &sqlnet_params[i];
			const char *expected;

			if (strcasecmp(e->name, p->name) != 0)
				continue;
			expected = p->apply(cfg, e->value);
			if (expected != NULL) {
				err_set(err, "%s:%d:%d: %s: bad value \"%.80s\": expected %s", file,
				        e->value_line, e->value_col, p->name, e->value, expected);
				return -1;
			}
		}
	}
	return 0;
}

int sqlnet_load(struct sqlnet_config *cfg, const char *path, struct dcd_err *err)
{
	size_t len;
	char *text = text_file_read(path, ORAFILE_MAX_BYTES, "a parameter file", &len, err);
	int rc;

	if (text == NULL)
		return -1;
	rc = sqlnet_parse(cfg, path, text, len, err);
	free(text);
	return rc;
}

const char *sqlnet_get(const struct sqlnet_config *cfg, const char *name)
{
	const char *v = NULL;

	/* Oracle uses the last occurrence of a repeated parameter. */
	for (const struct ora_entry *e = cfg->entries; e; e = e->next)
		if (strcasecmp(e->name, name) == 0)
			v = e->value;
	return v;
}

void sqlnet_free(struct sqlnet_config *cfg)
{
	orafile_free(cfg->entries);
	cfg->entries = NULL;
}
