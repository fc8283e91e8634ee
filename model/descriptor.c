/* descriptor.c - connect descriptors, tnsnames.ora aliases, Easy Connect. */
#include "descriptor.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../lib/textfile.h"
#include "../lib/numparse.h"
#include "sqlnet.h"
#include "../lib/sbuf.h"
#include "orafile.h"

static void descriptor_init(struct dcd_descriptor *d)
{
	memset(d, 0, sizeof(*d));
	d->expire_time_min = -1;
	d->connect_timeout_ms = -1;
	d->transport_connect_timeout_ms = -1;
}

static int copy_atom(char *dst, size_t cap, const struct nv *n, const char *what,
                     struct dcd_err *err)
{
	if (n->atom == NULL) {
		err_set(err, "%s: expected a value, got a list", what);
		return -1;
	}
	if (strlen(n->atom) >= cap) {
		err_set(err, "%s: value longer than %zu bytes", what, cap - 1);
		return -1;
	}
	strcpy(dst, n->atom);
	return 0;
}

static int add_address(struct dcd_descriptor *d, const struct nv *addr, struct dcd_err *err)
{
	struct dcd_address *a;
	const struct nv *n;
	long port = 1521;

	if (d->n_address == DESC_MAX_ADDRESSES) {
		err_set(err, "more than %d ADDRESS entries", DESC_MAX_ADDRESSES);
		return -1;
	}
	a = &d->address[d->n_address];
	memset(a, 0, sizeof(*a));
	strcpy(a->protocol, "TCP");
	if ((n = nv_find(addr->child, "PROTOCOL")) != NULL &&
	    copy_atom(a->protocol, sizeof(a->protocol), n, "ADDRESS PROTOCOL", err) != 0)
		return -1;
	n = nv_find(addr->child, "HOST");
	if (n == NULL) {
		err_set(err, "ADDRESS without HOST");
		return -1;
	}
	if (copy_atom(a->host, sizeof(a->host), n, "ADDRESS HOST", err) != 0)
		return -1;
	if ((n = nv_find(addr->child, "PORT")) != NULL &&
	    (n->atom == NULL || parse_long(n->atom, 1, 65535, &port) != 0)) {
		err_set(err, "ADDRESS PORT: bad value \"%s\": expected 1 to 65535",
		        n->atom ? n->atom : "(list)");
		return -1;
	}
	a->port = (uint16_t)port;
	d->n_address++;
	return 0;
}

static int collect_addresses(struct dcd_descriptor *d, const struct nv *list, struct dcd_err *err)
{
	for (const struct nv *n = list; n; n = n->next) {
		if (strcasecmp(n->name, "ADDRESS") == 0) {
			if (n->child == NULL) {
				err_set(err, "ADDRESS: expected (PROTOCOL=..)(HOST=..)(PORT=..)");
				return -1;
			}
			if (add_address(d, n, err) != 0)
				return -1;
		} else if (strcasecmp(n->name, "ADDRESS_LIST") == 0) {
			if (collect_addresses(d, n->child, err) != 0)
				return -1;
		}
	}
	return 0;
}

static int timeout_param(const struct nv *desc, const char *name, int64_t *out, struct dcd_err *err)
{
	const struct nv *n = nv_find(desc, name);

	if (n == NULL)
		return 0;
	if (n->atom == NULL || parse_duration_ms(n->atom, 1000, out) != 0) {
		err_set(err, "%s: bad value \"%s\": expected seconds (or with ms/sec/min)", name,
		        n->atom ? n->atom : "(list)");
		return -1;
	}
	return 0;
}

int descriptor_from_nv(struct dcd_descriptor *d, const struct nv *list, struct dcd_err *err)
{
	const struct nv *desc = nv_find(list, "DESCRIPTION"), *n;
	struct sbuf text = { 0 };

	descriptor_init(d);
	if (desc == NULL && (n = nv_find(list, "DESCRIPTION_LIST")) != NULL)
		desc = nv_find(n->child, "DESCRIPTION");
	if (desc == NULL || desc->child == NULL) {
		err_set(err, "expected (DESCRIPTION=...)");
		return -1;
	}
	if (collect_addresses(d, desc->child, err) != 0)
		return -1;
	if (d->n_address == 0) {
		err_set(err, "DESCRIPTION has no ADDRESS");
		return -1;
	}
	if ((n = nv_find(desc->child, "EXPIRE_TIME")) != NULL) {
		long min;
		if (n->atom == NULL ||
		    parse_long(n->atom, 0, SQLNET_EXPIRE_TIME_MAX_MIN, &min) != 0) {
			err_set(err, "EXPIRE_TIME: bad value \"%s\": expected minutes, 0 to %d",
			        n->atom ? n->atom : "(list)", SQLNET_EXPIRE_TIME_MAX_MIN);
			return -1;
		}
		d->expire_time_min = (int)min;
	}
	if ((n = nv_find(desc->child, "ENABLE")) != NULL) {
		if (n->atom == NULL || strcasecmp(n->atom, "BROKEN") != 0) {
			err_set(err, "ENABLE: bad value \"%s\": expected BROKEN",
			        n->atom ? n->atom : "(list)");
			return -1;
		}
		d->enable_broken = true;
	}
	if (timeout_param(desc->child, "CONNECT_TIMEOUT", &d->connect_timeout_ms, err) != 0 ||
	    timeout_param(desc->child, "TRANSPORT_CONNECT_TIMEOUT",
	                  &d->transport_connect_timeout_ms, err) != 0)
		return -1;
	if ((n = nv_find(desc->child, "CONNECT_DATA")) != NULL && n->child) {
		const struct nv *cd = n->child, *v;
		if ((v = nv_find(cd, "SERVICE_NAME")) &&
		    copy_atom(d->service_name, sizeof(d->service_name), v, "SERVICE_NAME", err))
			return -1;
		if ((v = nv_find(cd, "SID")) && copy_atom(d->sid, sizeof(d->sid), v, "SID", err))
			return -1;
		if ((v = nv_find(cd, "SERVER")) &&
		    copy_atom(d->server, sizeof(d->server), v, "SERVER", err))
			return -1;
	}
	{
		/* nv_format writes every sibling; send the DESCRIPTION only. */
		struct nv copy = *desc;
		copy.next = NULL;
		nv_format(&copy, &text);
	}
	d->text = text.buf;
	return 0;
}

int descriptor_parse(struct dcd_descriptor *d, const char *s, struct dcd_err *err)
{
	struct nv_error nerr;
	struct nv *list = nv_parse(s, strlen(s), &nerr);
	int rc;

	descriptor_init(d);
	if (list == NULL) {
		err_set(err, "connect descriptor, byte %zu: %s", nerr.offset, nerr.what);
		return -1;
	}
	rc = descriptor_from_nv(d, list, err);
	nv_free(list);
	return rc;
}

/* Easy Connect Plus parameters that matter for DCD, and where they go. */
static int ez_param(struct dcd_descriptor *d, const char *name, const char *value,
                    struct dcd_err *err)
{
	long v;

	if (strcasecmp(name, "expire_time") == 0) {
		if (parse_long(value, 0, SQLNET_EXPIRE_TIME_MAX_MIN, &v) != 0) {
			err_set(err,
			        "Easy Connect expire_time: bad value \"%s\": expected minutes, 0 "
			        "to %d",
			        value, SQLNET_EXPIRE_TIME_MAX_MIN);
			return -1;
		}
		d->expire_time_min = (int)v;
	} else if (strcasecmp(name, "enable") == 0) {
		if (strcasecmp(value, "broken") != 0) {
			err_set(err, "Easy Connect enable: bad value \"%s\": expected broken",
			        value);
			return -1;
		}
		d->enable_broken = true;
	} else if (strcasecmp(name, "connect_timeout") == 0 ||
	           strcasecmp(name, "transport_connect_timeout") == 0) {
		int64_t ms;
		if (parse_duration_ms(value, 1000, &ms) != 0) {
			err_set(err, "Easy Connect %s: bad value \"%s\": expected seconds", name,
			        value);
			return -1;
		}
		if (strcasecmp(name, "connect_timeout") == 0)
			d->connect_timeout_ms = ms;
		else
			d->transport_connect_timeout_ms = ms;
	}
	/* Other parameters (retry_count, ...) are legal and do not touch DCD. */
	return 0;
}

static void ez_build_text(struct dcd_descriptor *d)
{
	struct sbuf sb = { 0 };

	sbuf_add(&sb, "(DESCRIPTION=", 13);
	if (d->expire_time_min >= 0)
		sbuf_printf(&sb, "(EXPIRE_TIME=%d)", d->expire_time_min);
	if (d->enable_broken)
		sbuf_printf(&sb, "(ENABLE=BROKEN)");
	sbuf_printf(&sb, "(ADDRESS=(PROTOCOL=%s)(HOST=%s)(PORT=%u))", d->address[0].protocol,
	            d->address[0].host, d->address[0].port);
	sbuf_printf(&sb, "(CONNECT_DATA=(SERVICE_NAME=%s)", d->service_name);
	if (d->server[0])
		sbuf_printf(&sb, "(SERVER=%s)", d->server);
	sbuf_add(&sb, "))", 2);
	d->text = sb.buf;
}

int ezconnect_parse(struct dcd_descriptor *d, const char *s, struct dcd_err *err)
{
	const char *p = s, *end;
	struct dcd_address *a;
	long port;

	descriptor_init(d);
	a = &d->address[0];
	strcpy(a->protocol, "TCP");
	a->port = 1521;
	if (strncmp(p, "//", 2) == 0)
		p += 2;
	if (strncasecmp(p, "tcp://", 6) == 0)
		p += 6;
	else if (strncasecmp(p, "tcps://", 7) == 0) {
		strcpy(a->protocol, "TCPS");
		p += 7;
	}
	/* host: [v6] or up to ':' '/' '?' */
	if (*p == '[') {
		end = strchr(p, ']');
		if (end == NULL) {
			err_set(err,
			        "Easy Connect \"%s\", byte %zu: missing ']' after IPv6 address", s,
			        (size_t)(p - s));
			return -1;
		}
		p++;
	} else {
		end = p + strcspn(p, ":/?");
	}
	if (end == p || (size_t)(end - p) >= sizeof(a->host)) {
		err_set(err, "Easy Connect \"%s\", byte %zu: expected a host name", s,
		        (size_t)(p - s));
		return -1;
	}
	memcpy(a->host, p, (size_t)(end - p));
	a->host[end - p] = '\0';
	p = *end == ']' ? end + 1 : end;
	if (*p == ':') {
		char buf[8];
		size_t n = strcspn(p + 1, "/?");
		if (n == 0 || n >= sizeof(buf)) {
			err_set(err, "Easy Connect \"%s\", byte %zu: expected a port", s,
			        (size_t)(p + 1 - s));
			return -1;
		}
		memcpy(buf, p + 1, n);
		buf[n] = '\0';
		if (parse_long(buf, 1, 65535, &port) != 0) {
			err_set(err,
			        "Easy Connect \"%s\", byte %zu: bad port \"%s\": expected 1 to "
			        "65535",
			        s, (size_t)(p + 1 - s), buf);
			return -1;
		}
		a->port = (uint16_t)port;
		p += 1 + n;
	}
	d->n_address = 1;
	if (*p == '/') {
		size_t n = strcspn(p + 1, ":/?");
		if (n >= sizeof(d->service_name)) {
			err_set(err, "Easy Connect \"%s\": service name too long", s);
			return -1;
		}
		memcpy(d->service_name, p + 1, n);
		d->service_name[n] = '\0';
		p += 1 + n;
		if (*p == ':') { /* :server type */
			size_t m = strcspn(p + 1, "/?");
			if (m >= sizeof(d->server)) {
				err_set(err, "Easy Connect \"%s\": bad server type", s);
				return -1;
			}
			memcpy(d->server, p + 1, m);
			d->server[m] = '\0';
			p += 1 + m;
		}
		if (*p == '/') /* /instance_name: not DCD-relevant */
			p += 1 + strcspn(p + 1, "?");
	}
	if (*p == '?') {
		p++;
		while (*p) {
			char name[64], value[128];
			size_t n = strcspn(p, "&"), eq = strcspn(p, "=&");
			if (eq >= n || eq == 0 || eq >= sizeof(name) ||
			    n - eq - 1 >= sizeof(value)) {
				err_set(err, "Easy Connect \"%s\", byte %zu: expected name=value",
				        s, (size_t)(p - s));
				return -1;
			}
			memcpy(name, p, eq);
			name[eq] = '\0';
			memcpy(value, p + eq + 1, n - eq - 1);
			value[n - eq - 1] = '\0';
			if (ez_param(d, name, value, err) != 0)
				return -1;
			p += n;
			if (*p == '&')
				p++;
		}
	} else if (*p != '\0') {
		err_set(err, "Easy Connect \"%s\", byte %zu: unexpected \"%s\"", s, (size_t)(p - s),
		        p);
		return -1;
	}
	ez_build_text(d);
	return 0;
}

int tnsnames_lookup(struct dcd_descriptor *d, const char *file, const char *text, size_t len,
                    const char *alias, struct dcd_err *err)
{
	struct ora_entry *entries, *e;
	int rc = -1;

	descriptor_init(d);
	if (orafile_parse(file, text, len, &entries, err) != 0) {
		orafile_free(entries);
		return -1;
	}
	for (e = entries; e; e = e->next) {
		/* "a, b = (...)" names one descriptor under several aliases. */
		char *names = strdup(e->name), *save = NULL, *tok;
		int hit = 0;
		if (names == NULL)
			abort();
		for (tok = strtok_r(names, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			while (isspace((unsigned char)*tok))
				tok++;
			size_t n = strlen(tok);
			while (n > 0 && isspace((unsigned char)tok[n - 1]))
				tok[--n] = '\0';
			/* Aliases may carry a domain: orcl.example.com matches orcl. */
			if (strcasecmp(tok, alias) == 0 ||
			    (strncasecmp(tok, alias, strlen(alias)) == 0 &&
			     tok[strlen(alias)] == '.'))
				hit = 1;
		}
		free(names);
		if (hit)
			break;
	}
	if (e == NULL) {
		err_set(err, "%s: no entry named \"%s\"", file, alias);
		goto out;
	}
	if (e->value[0] != '(') {
		/* An alias may stand for an Easy Connect string. */
		rc = ezconnect_parse(d, e->value, err);
		if (rc != 0)
			err_prefix(err, "%s:%d", file, e->line);
		goto out;
	}
	{
		struct nv_error nerr;
		struct nv *list = nv_parse(e->value, strlen(e->value), &nerr);
		if (list == NULL) {
			int line, col;
			orafile_where(e, nerr.offset, &line, &col);
			err_set(err, "%s:%d:%d: %s: %s", file, line, col, e->name, nerr.what);
			goto out;
		}
		rc = descriptor_from_nv(d, list, err);
		nv_free(list);
		if (rc != 0)
			err_prefix(err, "%s:%d: %s", file, e->line, e->name);
	}
out:
	orafile_free(entries);
	return rc;
}

int descriptor_resolve(struct dcd_descriptor *d, const char *what, const char *tnsnames_path,
                       struct dcd_err *err)
{
	char path[4096];
	size_t len;
	char *text;
	int rc;

	while (isspace((unsigned char)*what))
		what++;
	if (*what == '(')
		return descriptor_parse(d, what, err);
	if (strpbrk(what, ":/") != NULL)
		return ezconnect_parse(d, what, err);
	if (tnsnames_path == NULL) {
		const char *admin = getenv("TNS_ADMIN");
		if (admin == NULL) {
			err_set(err,
			        "\"%s\" looks like a tnsnames.ora alias, but neither --tnsnames "
			        "nor $TNS_ADMIN is set",
			        what);
			return -1;
		}
		snprintf(path, sizeof(path), "%s/tnsnames.ora", admin);
		tnsnames_path = path;
	}
	text = text_file_read(tnsnames_path, ORAFILE_MAX_BYTES, "a parameter file", &len, err);
	if (text == NULL)
		return -1;
	rc = tnsnames_lookup(d, tnsnames_path, text, len, what, err);
	free(text);
	return rc;
}

void descriptor_free(struct dcd_descriptor *d)
{
	free(d->text);
	d->text = NULL;
}
