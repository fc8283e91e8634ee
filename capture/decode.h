/* decode.h - from a captured frame to the TCP facts DCD analysis needs.
 *
 * One table of link-type decoders (Ethernet with 802.1Q/QinQ, Linux cooked
 * SLL and SLL2, raw IP, BSD loopback), then IPv4 / IPv6 with extension
 * headers, then TCP. Every read is checked against the captured length;
 * snaplen-truncated packets (headers only) are normal input: the payload
 * length comes from the IP header, not from what was captured. */
#ifndef DCDLAB_DECODE_H
#define DCDLAB_DECODE_H

#include <stdbool.h>
#include <stdint.h>

enum tcp_flag {
	TCP_FIN = 0x01,
	TCP_SYN = 0x02,
	TCP_RST = 0x04,
	TCP_PSH = 0x08,
	TCP_ACK = 0x10,
};

struct tcp_pkt {
	uint8_t family;    /* 4 or 6 */
	uint8_t flags;     /* enum tcp_flag */
	uint8_t ttl;       /* IPv4 TTL or IPv6 hop limit */
	uint8_t has_ip_id; /* IPv4 only */
	uint16_t ip_id;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint32_t win;             /* raw 16-bit window (scaling is not needed here) */
	uint32_t payload_len;     /* from the IP header: what was sent */
	uint32_t caplen_payload;  /* how much of it was captured */
	const uint8_t *payload;   /* into the frame: valid until the next read */
	uint8_t head[16];         /* a 10-byte payload (NS probe?), copied */
	uint8_t src[16], dst[16]; /* IPv4 in the first 4 bytes */
};

enum decode_result {
	DECODE_TCP = 0,   /* a TCP segment: `out` is filled */
	DECODE_NOT_TCP,   /* well-formed, but not TCP over IP (ARP, UDP, ...) */
	DECODE_TRUNCATED, /* the capture cut the headers */
	DECODE_MALFORMED, /* a header contradicts itself */
	DECODE_FRAGMENT,  /* a non-first IP fragment: no TCP header here */
	DECODE_UNSUPPORTED_LINK,
};

const char *decode_result_name(enum decode_result r);

/* A link-type decoder: find the network-layer packet in a frame. Returns
 * the ethertype-like protocol (0x0800, 0x86dd) and sets *off, or 0. */
typedef uint16_t (*link_decode_fn)(const uint8_t *p, uint32_t caplen, uint32_t *off);

/* The decoder for a pcap link type (a DLT_ or LINKTYPE_ value), or NULL. */
link_decode_fn link_decoder(int linktype);
const char *link_name(int linktype);

/* Decode a frame of `linktype`. */
enum decode_result decode_frame(link_decode_fn link, const uint8_t *p, uint32_t caplen,
                                struct tcp_pkt *out);

#endif
