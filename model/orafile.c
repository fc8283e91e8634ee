/* orafile.c - split Oracle parameter files into NAME = value entries. */
#include "orafile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/sbuf.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static char *trim_dup(const char *s, size_t n)
{
	while (n > 0 && (is_blank(*s) || *s == '\n')) {
		s++;
		n--;
	}
	while (n > 0 && (is_blank(s[n - 1]) || s[n - 1] == '\n'))
		n--;
	char *d = strndup(s, n);
	if (d == NULL)
		abort();
	return d;
}

/* Paren depth change of a line's content (quotes respected). */
static int paren_delta(const char *s, size_t n)
{
	int d = 0;
	char q = 0;

	for (size_t i = 0; i < n; i++) {
		if (q) {
			if (s[i] == q)
				q = 0;
		} else if (s[i] == '"' || s[i] == '\'') {
			q = s[i];
		} else if (s[i] == '\\' && i + 1 < n) {
			i++;
		} else if (s[i] == '(') {
			d++;
		} else if (s[i] == ')') {
			d--;
		}
	}
	return d;
}

/* Length of the line's content before a '#' comment (quotes respected). */
static size_t strip_comment(const char *s, size_t n)
{
	char q = 0;

	for (size_t i = 0; i < n; i++) {
		if (q) {
			if (s[i] == q)
				q = 0;
		} else if (s[i] == '"' || s[i] == '\'') {
			q = s[i];
		} else if (s[i] == '#') {
			return i;
		}
	}
	return n;
}

struct pending {
	struct ora_entry *e;
	struct sbuf value;
	int depth;
	int value_line, value_col; /* where the first value byte was seen */
};

static void finish(struct pending *pd, struct ora_entry ***tail)
{
	const char *v;
	size_t lead = 0;

	if (pd->e == NULL)
		return;
	v = pd->value.buf ? pd->value.buf : "";
	/* Position of the first non-blank value byte, for error mapping. */
	while (v[lead] && (is_blank(v[lead]) || v[lead] == '\n'))
		lead++;
	int line = pd->e->value_line, col = pd->e->value_col;
	for (size_t i = 0; i < lead; i++) {
		if (v[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	pd->e->value = trim_dup(v, pd->value.len);
	pd->e->value_line = line;
	pd->e->value_col = col;
	**tail = pd->e;
	*tail = &pd->e->next;
	sbuf_free(&pd->value);
	pd->e = NULL;
	pd->depth = 0;
}

int orafile_parse(const char *file, const char *text, size_t len, struct ora_entry **out,
                  struct dcd_err *err)
{
	struct ora_entry **tail = out;
	struct pending pd = { 0 };
	size_t pos = 0;
	int line = 0;

	*out = NULL;
	while (pos < len) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		size_t content;
		bool blank_start, continues;

		pos += n + (nl ? 1 : 0);
		line++;
		if (memchr(s, '\0', n) != NULL) {
			err_set(err, "%s:%d: NUL byte; not a text parameter file", file, line);
			goto fail;
		}
		content = strip_comment(s, n);
		size_t first = 0;
		while (first < content && is_blank(s[first]))
			first++;
		if (first == content)
			continue; /* blank or comment-only line */
		blank_start = first > 0;
		continues = pd.e != NULL && (blank_start || ((s[0] == '(' || s[0] == ')') &&
		                                             (pd.depth > 0 || pd.value.len == 0)));
		if (continues) {
			sbuf_add(&pd.value, "\n", 1);
			sbuf_add(&pd.value, s, content);
			pd.depth += paren_delta(s, content);
			continue;
		}
		if (blank_start) {
			err_set(err,
			        "%s:%d: continuation line (starts with white space) before any "
			        "NAME = value",
			        file, line);
			goto fail;
		}
		finish(&pd, &tail);
		const char *eq = memchr(s, '=', content);
		if (eq == NULL) {
			err_set(err, "%s:%d: expected NAME = value, got \"%.*s\"", file, line,
			        (int)(content > 60 ? 60 : content), s);
			goto fail;
		}
		size_t name_len = (size_t)(eq - s);
		pd.e = calloc(1, sizeof(*pd.e));
		if (pd.e == NULL)
			abort();
		pd.e->name = trim_dup(s, name_len);
		pd.e->line = line;
		if (pd.e->name[0] == '\0') {
			err_set(err, "%s:%d: missing name before '='", file, line);
			free(pd.e->name);
			free(pd.e);
			pd.e = NULL;
			goto fail;
		}
		pd.e->value_line = line;
		pd.e->value_col = (int)name_len + 2;
		size_t vlen = content - name_len - 1;
		sbuf_add(&pd.value, eq + 1, vlen);
		pd.depth = paren_delta(eq + 1, vlen);
	}
	finish(&pd, &tail);
	return 0;
fail:
	if (pd.e) { /* the entry being read when the error came */
		free(pd.e->name);
		free(pd.e);
	}
	sbuf_free(&pd.value);
	return -1;
}

void orafile_where(const struct ora_entry *e, size_t offset, int *line, int *col)
{
	int l = e->value_line, c = e->value_col;

	for (size_t i = 0; i < offset && e->value[i]; i++) {
		if (e->value[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

void orafile_free(struct ora_entry *list)
{
	while (list) {
		struct ora_entry *next = list->next;
		free(list->name);
		free(list->value);
		free(list);
		list = next;
	}
}
