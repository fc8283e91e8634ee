/* sbuf.c - a growable string buffer. */
#include "sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sbuf_reserve(struct sbuf *sb, size_t extra)
{
	size_t want = sb->len + extra + 1;

	if (want <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < want)
		cap *= 2;
	char *p = realloc(sb->buf, cap);
	if (p == NULL) {
		fputs("dcdlab: out of memory\n", stderr);
		abort();
	}
	sb->buf = p;
	sb->cap = cap;
}

void sbuf_add(struct sbuf *sb, const char *s, size_t n)
{
	sbuf_reserve(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sbuf_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	if (n >= 0) {
		sbuf_reserve(sb, (size_t)n);
		vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, again);
		sb->len += (size_t)n;
	}
	va_end(again);
}

void sbuf_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

void sbuf_json_strn(struct sbuf *sb, const char *s, size_t n)
{
	sbuf_add(sb, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			sbuf_add(sb, esc, 2);
		} else if (c < 0x20 || c >= 0x7f) {
			sbuf_printf(sb, "\\u%04x", c);
		} else {
			sbuf_add(sb, (const char *)&s[i], 1);
		}
	}
	sbuf_add(sb, "\"", 1);
}

void sbuf_json_str(struct sbuf *sb, const char *s)
{
	if (s == NULL) {
		sbuf_add(sb, "null", 4);
		return;
	}
	sbuf_json_strn(sb, s, strlen(s));
}

void sbuf_xml_str(struct sbuf *sb, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': sbuf_add(sb, "&lt;", 4); break;
		case '>': sbuf_add(sb, "&gt;", 4); break;
		case '&': sbuf_add(sb, "&amp;", 5); break;
		case '"': sbuf_add(sb, "&quot;", 6); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
				sbuf_add(sb, s, 1);
		}
	}
}

void sbuf_reset(struct sbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void sbuf_free(struct sbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}
