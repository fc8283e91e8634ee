/* nv.c - Oracle Net name-value string parser.
 *
 * Grammar (Oracle Net Services Reference, "Syntax Rules for Configuration
 * Files"):   pairs := pair { [,] pair }     pair := '(' name '=' value ')'
 *            value := atom | pairs          atom := quoted | bare text
 * Names end at '(' ')' '='; value atoms at '(' ')' (they may contain '=').
 * Inner blanks are kept, outer ones trimmed.
 * A backslash escapes the next character, as in Oracle's NLPA parser. */
#include "nv.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct nv_parser {
	const char *s;
	size_t len;
	size_t pos;
	struct nv_error *err;
};

static bool fail(struct nv_parser *p, const char *what)
{
	if (p->err) {
		p->err->offset = p->pos;
		snprintf(p->err->what, sizeof(p->err->what), "%s", what);
	}
	return false;
}

static void skip_blank(struct nv_parser *p)
{
	while (p->pos < p->len && isspace((unsigned char)p->s[p->pos]))
		p->pos++;
}

static int peek(struct nv_parser *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static char *dup_range(const char *s, size_t n)
{
	char *d = strndup(s, n);
	if (d == NULL)
		abort();
	return d;
}

/* Read a name (up to '(' ')' '=') or a value atom (up to '(' ')': values
 * may hold '=', e.g. base64 "(CONNECTION_ID=70Ljr3axYqLhVzkjUve6rg==)" from
 * the thin drivers); trims blanks; handles backslash escapes and quotes. */
static char *read_token(struct nv_parser *p, bool is_value)
{
	struct sbuf sb = { 0 };
	size_t trailing_blank = 0;

	skip_blank(p);
	if (peek(p) == '"' || peek(p) == '\'') {
		size_t open_at = p->pos;
		char q = p->s[p->pos++];
		while (p->pos < p->len && p->s[p->pos] != q)
			sbuf_add(&sb, &p->s[p->pos++], 1);
		if (p->pos >= p->len) {
			sbuf_free(&sb);
			p->pos = open_at; /* point at the opening quote */
			fail(p, "unterminated quoted string");
			return NULL;
		}
		p->pos++;
		skip_blank(p);
		if (sb.buf == NULL)
			sbuf_add(&sb, "", 0);
		return sb.buf;
	}
	while (p->pos < p->len) {
		char c = p->s[p->pos];
		if (c == '(' || c == ')' || (!is_value && c == '='))
			break;
		if (c == '\\' && p->pos + 1 < p->len) {
			p->pos++;
			c = p->s[p->pos];
			trailing_blank = 0;
		} else if (isspace((unsigned char)c)) {
			trailing_blank++;
		} else {
			trailing_blank = 0;
		}
		sbuf_add(&sb, &c, 1);
		p->pos++;
	}
	if (sb.buf == NULL)
		return NULL;
	sb.len -= trailing_blank;
	sb.buf[sb.len] = '\0';
	if (sb.len == 0) {
		sbuf_free(&sb);
		return NULL;
	}
	return sb.buf;
}

static struct nv *parse_pairs(struct nv_parser *p, int depth);

static struct nv *parse_pair(struct nv_parser *p, int depth)
{
	struct nv *n;

	if (depth > NV_MAX_DEPTH) {
		fail(p, "nested deeper than 32 levels");
		return NULL;
	}
	skip_blank(p);
	if (peek(p) != '(') {
		fail(p, "expected '('");
		return NULL;
	}
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		abort();
	n->offset = p->pos++;
	n->name = read_token(p, false);
	if (n->name != NULL && n->name[0] == '\0') {
		free(n->name); /* ("" = x): a quoted empty name is no name */
		n->name = NULL;
		fail(p, "expected a name after '('");
		goto bad;
	}
	if (n->name == NULL) {
		if (!p->err || p->err->what[0] == '\0')
			fail(p, "expected a name after '('");
		goto bad;
	}
	if (peek(p) != '=') {
		fail(p, "expected '=' after the name");
		goto bad;
	}
	p->pos++;
	skip_blank(p);
	if (peek(p) == '(') {
		n->child = parse_pairs(p, depth + 1);
		if (n->child == NULL)
			goto bad;
	} else {
		n->atom = read_token(p, true);
		if (n->atom == NULL) {
			if (p->err && p->err->what[0] != '\0')
				goto bad;
			n->atom = dup_range("", 0); /* (NAME=) is legal: empty */
		}
	}
	skip_blank(p);
	if (peek(p) != ')') {
		fail(p, peek(p) < 0 ? "missing ')' at end of text" : "expected ')'");
		goto bad;
	}
	p->pos++;
	return n;
bad:
	nv_free(n);
	return NULL;
}

static struct nv *parse_pairs(struct nv_parser *p, int depth)
{
	struct nv *head = NULL, **tail = &head;

	for (;;) {
		struct nv *n = parse_pair(p, depth);
		if (n == NULL) {
			nv_free(head);
			return NULL;
		}
		*tail = n;
		tail = &n->next;
		skip_blank(p);
		if (peek(p) == ',') {
			p->pos++;
			skip_blank(p);
		}
		if (peek(p) != '(')
			return head;
	}
}

struct nv *nv_parse(const char *text, size_t len, struct nv_error *err)
{
	struct nv_parser p = { .s = text, .len = len, .err = err };
	struct nv *list;

	if (err) {
		err->offset = 0;
		err->what[0] = '\0';
	}
	{
		const char *nul = memchr(text, '\0', len);
		if (nul) {
			p.pos = (size_t)(nul - text);
			fail(&p, "NUL byte in text");
			return NULL;
		}
	}
	skip_blank(&p);
	if (p.pos == len) {
		fail(&p, "empty value");
		return NULL;
	}
	list = parse_pairs(&p, 0);
	if (list == NULL)
		return NULL;
	skip_blank(&p);
	if (p.pos != len) {
		fail(&p, "unexpected text after the last ')'");
		nv_free(list);
		return NULL;
	}
	return list;
}

const struct nv *nv_find(const struct nv *list, const char *name)
{
	for (; list; list = list->next)
		if (strcasecmp(list->name, name) == 0)
			return list;
	return NULL;
}

const struct nv *nv_path(const struct nv *root, ...)
{
	const struct nv *n = NULL, *level = root;
	const char *name;
	va_list ap;

	va_start(ap, root);
	while ((name = va_arg(ap, const char *)) != NULL) {
		n = nv_find(level, name);
		if (n == NULL)
			break;
		level = n->child;
	}
	va_end(ap);
	return n;
}

/* Write a name or atom so that it reads back the same: backslash before
 * the characters that mean something here, and before outer blanks. */
static void put_escaped(struct sbuf *out, const char *s, bool is_name)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool special = c == '(' || c == ')' || c == '\\' || (is_name && c == '=') ||
		               ((c == '"' || c == '\'') && i == 0) ||
		               (isspace((unsigned char)c) && (i == 0 || i == n - 1));
		if (special)
			sbuf_add(out, "\\", 1);
		sbuf_add(out, &c, 1);
	}
}

void nv_format(const struct nv *list, struct sbuf *out)
{
	for (; list; list = list->next) {
		sbuf_add(out, "(", 1);
		put_escaped(out, list->name, true);
		sbuf_add(out, "=", 1);
		if (list->atom)
			put_escaped(out, list->atom, false);
		else
			nv_format(list->child, out);
		sbuf_add(out, ")", 1);
	}
}

void nv_free(struct nv *list)
{
	while (list) {
		struct nv *next = list->next;
		nv_free(list->child);
		free(list->name);
		free(list->atom);
		free(list);
		list = next;
	}
}

void text_line_col(const char *text, size_t len, size_t offset, int *line, int *col)
{
	int l = 1, c = 1;

	for (size_t i = 0; i < offset && i < len; i++) {
		if (text[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}
