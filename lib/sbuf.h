/* sbuf.h - a growable string buffer, and JSON string escaping into it. */
#ifndef DCDLAB_SBUF_H
#define DCDLAB_SBUF_H

#include <stdarg.h>
#include <stddef.h>

struct sbuf {
	char *buf; /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};

/* Append formatted text. Aborts on out-of-memory (nothing sane remains). */
void sbuf_printf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));
/* Append `n` bytes. */
void sbuf_add(struct sbuf *sb, const char *s, size_t n);
/* Append a JSON string literal, quotes included; bytes < 0x20 and >= 0x7f are
 * escaped so any input (wire garbage included) gives valid JSON. */
void sbuf_json_str(struct sbuf *sb, const char *s);
/* Same for `n` raw bytes. */
void sbuf_json_strn(struct sbuf *sb, const char *s, size_t n);
/* Append XML text, fit for element content and quoted attributes: & < > "
 * escaped, control bytes other than tab and newline left out. */
void sbuf_xml_str(struct sbuf *sb, const char *s);
/* Empty the buffer but keep its memory. */
void sbuf_reset(struct sbuf *sb);
void sbuf_free(struct sbuf *sb);

#endif
