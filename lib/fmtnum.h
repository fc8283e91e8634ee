/* fmtnum.h - numbers and addresses to text without printf, for output
 * written once per flow over captures of millions of flows (printf's
 * %.1f alone costs about 2,000 instructions). Each writes exactly what
 * the printf conversion named beside it writes, NUL-terminated, and
 * returns the length; buffers are the caller's and must be large enough
 * (sizes given with each). */
#ifndef DCDLAB_FMTNUM_H
#define DCDLAB_FMTNUM_H

#include <stddef.h>
#include <stdint.h>

/* "%u" (11 bytes). */
size_t fmt_u(char *out, uint32_t v);

/* snprintf(out, cap, "%.*f", decimals, v) for 0 <= decimals <= 3, and its
 * return value: printf's rounding of the exact binary value. The rare
 * value within reach of a tie, negative ones and ones of 2^32 / 10^decimals
 * or more go through snprintf itself. */
size_t fmt_fixed(char *out, size_t cap, double v, int decimals);

/* "a.b.c.d:port" of an IPv4 address in network order (22 bytes). */
size_t fmt_ipv4_port(char *out, const uint8_t addr[4], uint16_t port);

/* `s` left-aligned in a field of `width` ("%-*s"); returns the new end. */
char *fmt_pad(char *out, const char *s, size_t len, size_t width);
/* ... right-aligned ("%*s"). */
char *fmt_right(char *out, const char *s, size_t len, size_t width);

/* Text appended to a fixed buffer the way a chain of
 * snprintf(buf + len, cap - len, ...) calls would leave it: cut at cap - 1
 * bytes, always NUL-terminated (cap > 0). */
struct fmtbuf {
	char *buf;
	size_t cap, len;
};

void fb_add(struct fmtbuf *b, const char *s, size_t n);
void fb_str(struct fmtbuf *b, const char *s);
void fb_u(struct fmtbuf *b, uint32_t v);
void fb_fixed(struct fmtbuf *b, double v, int decimals);

#endif
