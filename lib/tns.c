/* tns.c - TNS NS packets: decode what clients send, build what servers send. */
#include "tns.h"

#include <stdio.h>
#include <string.h>

/* Byte offsets inside packets (after the 8-byte header where > 8). */
enum {
	CN_VERSION = 8,
	CN_VERSION_MIN = 10,
	CN_OPTIONS = 12,
	CN_SDU = 14,
	CN_TDU = 16,
	CN_CDATA_LEN = 24,
	CN_CDATA_OFF = 26,
	CN_MIN_LEN = 34,
	CN_INLINE_MAX = 230,
	CN_DATA_AT = 74,
	AC_LEN_V315 = 41, /* through the large TDU, compression and flag2 fields */
	RF_DATA_AT = 12,
};

static const char *const type_names[] = {
	[TNS_CONNECT] = "CONNECT", [TNS_ACCEPT] = "ACCEPT",       [TNS_ACK] = "ACK",
	[TNS_REFUSE] = "REFUSE",   [TNS_REDIRECT] = "REDIRECT",   [TNS_DATA] = "DATA",
	[TNS_NULL] = "NULL",       [TNS_ABORT] = "ABORT",         [TNS_RESEND] = "RESEND",
	[TNS_MARKER] = "MARKER",   [TNS_ATTENTION] = "ATTENTION", [TNS_CONTROL] = "CONTROL",
};

const char *tns_type_name(int type)
{
	if (type > 0 && type < (int)(sizeof(type_names) / sizeof(type_names[0])) &&
	    type_names[type])
		return type_names[type];
	return "unknown";
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

enum tns_decode tns_header_decode(const uint8_t *p, size_t n, bool large_sdu, uint32_t max_len,
                                  struct tns_header *h, const char **why)
{
	if (n < TNS_HEADER_LEN)
		return TNS_NEED_MORE;
	h->length = large_sdu ? get32(p) : get16(p);
	h->type = p[4];
	h->flags = p[5];
	if (h->length < TNS_HEADER_LEN) {
		*why = h->length == 0 ? "zero packet length"
		                      : "packet length below the 8-byte header";
		return TNS_BAD;
	}
	if (h->length > max_len) {
		*why = "packet length above the negotiated maximum";
		return TNS_BAD;
	}
	if (h->type == 0 || h->type > TNS_TYPE_MAX) {
		*why = "unknown packet type";
		return TNS_BAD;
	}
	return TNS_OK;
}

enum tns_decode tns_connect_decode(const uint8_t *pkt, size_t len, struct tns_connect *c,
                                   const char **why)
{
	if (len < CN_MIN_LEN) {
		*why = "CONNECT shorter than its fixed fields (34 bytes)";
		return TNS_BAD;
	}
	c->version = get16(pkt + CN_VERSION);
	c->version_min = get16(pkt + CN_VERSION_MIN);
	c->options = get16(pkt + CN_OPTIONS);
	c->sdu = get16(pkt + CN_SDU);
	c->tdu = get16(pkt + CN_TDU);
	c->cdata_len = get16(pkt + CN_CDATA_LEN);
	c->cdata_off = get16(pkt + CN_CDATA_OFF);
	c->cdata = NULL;
	if (c->version < c->version_min) {
		*why = "CONNECT version below its own minimum version";
		return TNS_BAD;
	}
	if (c->cdata_len == 0) {
		*why = "CONNECT without connect data";
		return TNS_BAD;
	}
	if (c->cdata_off < CN_MIN_LEN) {
		*why = "CONNECT data offset points into the fixed fields";
		return TNS_BAD;
	}
	if ((size_t)c->cdata_off + c->cdata_len <= len) {
		c->cdata = pkt + c->cdata_off;
		return TNS_OK;
	}
	/* Not inline: legal only when the packet ends where the data would
	 * start (the descriptor follows in a DATA packet). */
	if (c->cdata_off < len) {
		*why = "CONNECT data runs past the end of the packet";
		return TNS_BAD;
	}
	return TNS_OK;
}

static uint8_t *put_header(struct sbuf *out, size_t total, uint8_t type, bool large_sdu)
{
	uint8_t hdr[TNS_HEADER_LEN] = { 0 };
	size_t at = out->len;

	if (large_sdu)
		put32(hdr, (uint32_t)total);
	else
		put16(hdr, (uint16_t)total);
	hdr[4] = type;
	sbuf_add(out, (const char *)hdr, sizeof(hdr));
	return (uint8_t *)out->buf + at;
}

void tns_put_accept(struct sbuf *out, uint16_t version, uint32_t sdu, uint32_t tdu)
{
	uint8_t b[AC_LEN_V315 + 4] = { 0 };
	bool large = version >= TNS_VERSION_LARGE_SDU;
	size_t len = large ? sizeof(b) : 32;

	/* The ACCEPT itself still has a 2-byte length: the client switches to
	 * 4-byte lengths after reading it. */
	put16(b, (uint16_t)len);
	b[4] = TNS_ACCEPT;
	put16(b + 8, version);
	put16(b + 10, 0x0001); /* service options: don't care */
	put16(b + 12, (uint16_t)(sdu > 65535 ? 65535 : sdu));
	put16(b + 14, (uint16_t)(tdu > 65535 ? 65535 : tdu));
	put16(b + 16, 0x0100); /* 1 in our byte order */
	put16(b + 18, 0);      /* no accept data */
	put16(b + 20, (uint16_t)len);
	b[22] = 0x04 | 0x08; /* NA disabled, no NA services */
	b[23] = 0x04 | 0x08;
	if (large) {
		put32(b + 32, sdu);
		put32(b + 36, tdu);
	}
	sbuf_add(out, (const char *)b, len);
}

void tns_put_refuse(struct sbuf *out, uint8_t user_reason, uint8_t system_reason, const char *text)
{
	size_t n = strlen(text);
	uint8_t *p;

	if (n > 65535 - RF_DATA_AT)
		n = 65535 - RF_DATA_AT;
	p = put_header(out, RF_DATA_AT + n, TNS_REFUSE, false);
	(void)p;
	uint8_t f[4] = { user_reason, system_reason, (uint8_t)(n >> 8), (uint8_t)n };
	sbuf_add(out, (const char *)f, sizeof(f));
	sbuf_add(out, text, n);
}

void tns_put_data(struct sbuf *out, bool large_sdu, uint16_t data_flags, const void *payload,
                  size_t n)
{
	uint8_t f[2];

	put_header(out, TNS_DATA_HEADER_LEN + n, TNS_DATA, large_sdu);
	put16(f, data_flags);
	sbuf_add(out, (const char *)f, 2);
	if (n)
		sbuf_add(out, payload, n);
}

void tns_put_marker(struct sbuf *out, bool large_sdu, uint8_t type, uint8_t data)
{
	uint8_t f[3] = { type, 0, data };

	put_header(out, TNS_HEADER_LEN + 3, TNS_MARKER, large_sdu);
	sbuf_add(out, (const char *)f, 3);
}

void tns_put_connect(struct sbuf *out, const char *descriptor, bool *follows)
{
	uint8_t b[CN_DATA_AT] = { 0 };
	size_t n = strlen(descriptor);
	bool inline_data = n <= CN_INLINE_MAX;
	size_t len = CN_DATA_AT + (inline_data ? n : 0);

	put16(b, (uint16_t)len);
	b[4] = TNS_CONNECT;
	put16(b + CN_VERSION, 318);
	put16(b + CN_VERSION_MIN, 300);
	put16(b + CN_OPTIONS, 0x0001);
	put16(b + CN_SDU, 8192);
	put16(b + CN_TDU, 65535);
	put16(b + 22, 0x0001);
	put16(b + CN_CDATA_LEN, (uint16_t)n);
	put16(b + CN_CDATA_OFF, CN_DATA_AT);
	b[32] = b[33] = 0x84; /* NA disabled for this connection */
	put32(b + 58, 8192);
	put32(b + 62, 65535);
	sbuf_add(out, (const char *)b, sizeof(b));
	if (inline_data)
		sbuf_add(out, descriptor, n);
	*follows = !inline_data;
}

void tns_refuse_text(struct sbuf *out, int ora_err)
{
	sbuf_printf(out,
	            "(DESCRIPTION=(TMP=)(VSNNUM=0)(ERR=%d)(ERROR_STACK=(ERROR=(CODE=%d)(EMFI=4))))",
	            ora_err, ora_err);
}

bool tns_is_dcd_probe(const uint8_t *p, size_t n)
{
	if (n != TNS_DATA_HEADER_LEN || p[4] != TNS_DATA)
		return false;
	/* A DATA with the EOF flag is the client's goodbye, not a probe. */
	if (get16(p + TNS_HEADER_LEN) & TNS_DATA_FLAG_EOF)
		return false;
	/* 2-byte length 10, or 4-byte length 10 after a large-SDU ACCEPT. */
	return get16(p) == TNS_DATA_HEADER_LEN || get32(p) == TNS_DATA_HEADER_LEN;
}
