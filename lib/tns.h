/* tns.h - the TNS (Oracle Net) NS layer on the wire (DOMAIN.md §2).
 *
 * Pure byte handling: decode a header, a CONNECT, build ACCEPT / REFUSE /
 * DATA / MARKER. Offsets follow Wireshark's packet-tns.c and the public thin
 * drivers. Every decoder checks lengths before reading. */
#ifndef DCDLAB_TNS_H
#define DCDLAB_TNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

#define TNS_HEADER_LEN      8
#define TNS_DATA_HEADER_LEN 10 /* header + 2-byte data flags */

enum tns_type {
	TNS_CONNECT = 1,
	TNS_ACCEPT = 2,
	TNS_ACK = 3,
	TNS_REFUSE = 4,
	TNS_REDIRECT = 5,
	TNS_DATA = 6,
	TNS_NULL = 7,
	TNS_ABORT = 9,
	TNS_RESEND = 11,
	TNS_MARKER = 12,
	TNS_ATTENTION = 13,
	TNS_CONTROL = 14,
	TNS_TYPE_MAX = 19,
};

#define TNS_DATA_FLAG_EOF 0x0040
/* From version 315 on, the length field is 4 bytes ("large SDU"). */
#define TNS_VERSION_LARGE_SDU 315

const char *tns_type_name(int type);

struct tns_header {
	uint32_t length; /* whole packet, header included */
	uint8_t type;
	uint8_t flags;
};

enum tns_decode {
	TNS_NEED_MORE = 0, /* not enough bytes yet */
	TNS_OK = 1,
	TNS_BAD = -1, /* `why` says what */
};

/* Decode a header from `n` bytes. `large_sdu` selects the 4-byte length.
 * Rejects lengths below the header size or above `max_len`, and unknown
 * types. */
enum tns_decode tns_header_decode(const uint8_t *p, size_t n, bool large_sdu, uint32_t max_len,
                                  struct tns_header *h, const char **why);

struct tns_connect {
	uint16_t version;
	uint16_t version_min;
	uint16_t options;
	uint16_t sdu;
	uint16_t tdu;
	uint16_t cdata_len;
	uint16_t cdata_off;
	const uint8_t *cdata; /* inside the packet, or NULL when it follows */
};

/* Decode a CONNECT packet (`pkt` holds `len` = header.length bytes). When
 * the descriptor does not fit (cdata_len > 230 for modern clients), it comes
 * in the next packet: cdata is NULL and cdata_len says how much to expect. */
enum tns_decode tns_connect_decode(const uint8_t *pkt, size_t len, struct tns_connect *c,
                                   const char **why);

/* Append packets. `large_sdu` picks the length format (after ACCEPT). */
void tns_put_accept(struct sbuf *out, uint16_t version, uint32_t sdu, uint32_t tdu);
void tns_put_refuse(struct sbuf *out, uint8_t user_reason, uint8_t system_reason, const char *text);
void tns_put_data(struct sbuf *out, bool large_sdu, uint16_t data_flags, const void *payload,
                  size_t n);
void tns_put_marker(struct sbuf *out, bool large_sdu, uint8_t type, uint8_t data);
/* Append a CONNECT carrying `descriptor` (inline when it fits, else the
 * caller sends it in a DATA packet right after: *follows is set). */
void tns_put_connect(struct sbuf *out, const char *descriptor, bool *follows);

/* The text Oracle's listener puts in a REFUSE for error `ora_err`. */
void tns_refuse_text(struct sbuf *out, int ora_err);

/* Is this TNS payload (a whole TCP segment's data) a legacy DCD probe: a
 * DATA packet of exactly 10 bytes, header + flags, no payload? */
bool tns_is_dcd_probe(const uint8_t *p, size_t n);

#endif
