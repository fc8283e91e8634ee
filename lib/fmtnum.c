/* fmtnum.c - see fmtnum.h. */
#include "fmtnum.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The decimal digits of v, NUL-terminated (21 bytes). */
static size_t fmt_u64(char *out, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
	return n;
}

size_t fmt_u(char *out, uint32_t v)
{
	return fmt_u64(out, v);
}

size_t fmt_fixed(char *out, size_t cap, double v, int decimals)
{
	static const double scale[] = { 1, 10, 100, 1000 };

	if (decimals < 0 || decimals > 3 || !(v >= 0) || signbit(v))
		return (size_t)snprintf(out, cap, "%.*f", decimals, v);
	/* Below 2^32, y is within 2^-20 of the exact v * 10^d, so away from
	 * a tie (frac 0.5 +- 1e-4) it rounds the way the exact value does. */
	double y = v * scale[decimals], fl = floor(y), frac = y - fl;
	if (y >= 4294967296.0 || fabs(frac - 0.5) < 1e-4 || cap < 16)
		return (size_t)snprintf(out, cap, "%.*f", decimals, v);
	uint64_t q = (uint64_t)fl + (frac > 0.5), one = (uint64_t)scale[decimals];
	uint64_t fp = q % one;
	size_t n = fmt_u64(out, q / one);
	if (decimals) {
		out[n++] = '.';
		for (int i = decimals - 1; i >= 0; i--) {
			out[n + (size_t)i] = (char)('0' + fp % 10);
			fp /= 10;
		}
		n += (size_t)decimals;
	}
	out[n] = '\0';
	return n;
}

size_t fmt_ipv4_port(char *out, const uint8_t addr[4], uint16_t port)
{
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		n += fmt_u(out + n, addr[i]);
		out[n++] = i < 3 ? '.' : ':';
	}
	return n + fmt_u(out + n, port);
}

char *fmt_pad(char *out, const char *s, size_t len, size_t width)
{
	memcpy(out, s, len);
	out += len;
	if (len < width) {
		memset(out, ' ', width - len);
		out += width - len;
	}
	return out;
}

char *fmt_right(char *out, const char *s, size_t len, size_t width)
{
	if (len < width) {
		memset(out, ' ', width - len);
		out += width - len;
	}
	memcpy(out, s, len);
	return out + len;
}

void fb_add(struct fmtbuf *b, const char *s, size_t n)
{
	size_t room = b->len < b->cap ? b->cap - 1 - b->len : 0;

	if (n > room)
		n = room;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void fb_str(struct fmtbuf *b, const char *s)
{
	fb_add(b, s, strlen(s));
}

void fb_u(struct fmtbuf *b, uint32_t v)
{
	char t[12];

	fb_add(b, t, fmt_u(t, v));
}

void fb_fixed(struct fmtbuf *b, double v, int decimals)
{
	char t[400];

	fb_add(b, t, fmt_fixed(t, sizeof(t), v, decimals));
}
