/* decode.c - link layer, IPv4/IPv6 and TCP headers, all lengths checked. */
#include "decode.h"

#include <stddef.h>
#include <string.h>

#include <pcap/dlt.h>

#define ETH_IPV4     0x0800
#define ETH_IPV6     0x86dd
#define ETH_VLAN     0x8100
#define ETH_QINQ     0x88a8
#define ETH_QINQ_OLD 0x9100

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

const char *decode_result_name(enum decode_result r)
{
	static const char *const names[] = {
		[DECODE_TCP] = "tcp",
		[DECODE_NOT_TCP] = "not-tcp",
		[DECODE_TRUNCATED] = "truncated",
		[DECODE_MALFORMED] = "malformed",
		[DECODE_FRAGMENT] = "fragment",
		[DECODE_UNSUPPORTED_LINK] = "unsupported-link",
	};
	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

/* Ethernet II, with any number (up to 4) of 802.1Q / 802.1ad tags. */
static uint16_t link_ether(const uint8_t *p, uint32_t caplen, uint32_t *off)
{
	uint32_t o = 12;

	for (int tags = 0; tags < 5; tags++) {
		if (caplen < o + 2)
			return 0;
		uint16_t type = rd16(p + o);
		if (type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ_OLD) {
			o += 4;
			continue;
		}
		*off = o + 2;
		return type;
	}
	return 0;
}

/* Linux cooked capture v1: 16-byte header, protocol at 14. */
static uint16_t link_sll(const uint8_t *p, uint32_t caplen, uint32_t *off)
{
	if (caplen < 16)
		return 0;
	*off = 16;
	return rd16(p + 14);
}

/* Linux cooked capture v2: 20-byte header, protocol first. */
static uint16_t link_sll2(const uint8_t *p, uint32_t caplen, uint32_t *off)
{
	if (caplen < 20)
		return 0;
	*off = 20;
	return rd16(p);
}

/* Raw IP: the version nibble says which. */
static uint16_t link_raw(const uint8_t *p, uint32_t caplen, uint32_t *off)
{
	if (caplen < 1)
		return 0;
	*off = 0;
	return (p[0] >> 4) == 4 ? ETH_IPV4 : (p[0] >> 4) == 6 ? ETH_IPV6 : 0;
}

/* BSD loopback (DLT_NULL host order, DLT_LOOP network order): a 4-byte
 * address family; IPv6 has several values across BSDs. */
static uint16_t link_null(const uint8_t *p, uint32_t caplen, uint32_t *off)
{
	uint32_t af;

	if (caplen < 4)
		return 0;
	memcpy(&af, p, 4);
	if (af > 0xffff) /* other byte order */
		af = __builtin_bswap32(af);
	*off = 4;
	if (af == 2)
		return ETH_IPV4;
	if (af == 10 || af == 24 || af == 28 || af == 30)
		return ETH_IPV6;
	return 0;
}

static const struct link_type {
	int linktype;
	const char *name;
	link_decode_fn decode;
} link_types[] = {
	{ DLT_EN10MB, "ethernet", link_ether },
	{ DLT_LINUX_SLL, "linux-sll", link_sll },
	{ 276 /* LINKTYPE_LINUX_SLL2 */, "linux-sll2", link_sll2 },
	{ DLT_RAW, "raw", link_raw },
	{ 101 /* LINKTYPE_RAW */, "raw", link_raw },
	{ 228 /* LINKTYPE_IPV4 */, "ipv4", link_raw },
	{ 229 /* LINKTYPE_IPV6 */, "ipv6", link_raw },
	{ DLT_NULL, "bsd-loopback", link_null },
	{ DLT_LOOP, "openbsd-loopback", link_null },
};

link_decode_fn link_decoder(int linktype)
{
	for (size_t i = 0; i < sizeof(link_types) / sizeof(link_types[0]); i++)
		if (link_types[i].linktype == linktype)
			return link_types[i].decode;
	return NULL;
}

const char *link_name(int linktype)
{
	for (size_t i = 0; i < sizeof(link_types) / sizeof(link_types[0]); i++)
		if (link_types[i].linktype == linktype)
			return link_types[i].name;
	return "unsupported";
}

static inline __attribute__((always_inline)) enum decode_result
decode_tcp(const uint8_t *p, uint32_t caplen, uint32_t seg_len, struct tcp_pkt *t)
{
	uint32_t doff;

	if (caplen < 20)
		return DECODE_TRUNCATED;
	doff = (uint32_t)(p[12] >> 4) * 4;
	if (doff < 20 || doff > seg_len)
		return DECODE_MALFORMED;
	t->sport = rd16(p);
	t->dport = rd16(p + 2);
	t->seq = rd32(p + 4);
	t->ack = rd32(p + 8);
	t->flags = p[13] & 0x1f;
	t->win = rd16(p + 14);
	t->payload_len = seg_len - doff;
	if (caplen > doff) {
		t->payload = p + doff;
		t->caplen_payload = caplen - doff < t->payload_len ? caplen - doff : t->payload_len;
		/* A possible NS probe (10 bytes) keeps its bytes past the next
		 * read; nothing else needs the payload after decoding. */
		if (t->payload_len == 10 && t->caplen_payload == 10)
			memcpy(t->head, t->payload, 10);
	} else {
		t->payload = NULL;
		t->caplen_payload = 0;
	}
	return DECODE_TCP;
}

static inline __attribute__((always_inline)) enum decode_result
decode_ipv4(const uint8_t *p, uint32_t caplen, struct tcp_pkt *t)
{
	uint32_t ihl, total;

	if (caplen < 20)
		return DECODE_TRUNCATED;
	if ((p[0] >> 4) != 4)
		return DECODE_MALFORMED;
	ihl = (uint32_t)(p[0] & 0x0f) * 4;
	total = rd16(p + 2);
	if (ihl < 20 || total < ihl)
		return DECODE_MALFORMED;
	if (caplen < ihl)
		return DECODE_TRUNCATED;
	if (p[9] != 6)
		return DECODE_NOT_TCP;
	if (rd16(p + 6) & 0x1fff)
		return DECODE_FRAGMENT;
	t->family = 4;
	t->ttl = p[8];
	t->has_ip_id = 1;
	t->ip_id = rd16(p + 4);
	memcpy(t->src, p + 12, 4);
	memcpy(t->dst, p + 16, 4);
	/* Ethernet padding makes caplen > total: trust the IP length. */
	uint32_t avail = caplen < total ? caplen : total;
	return decode_tcp(p + ihl, avail - ihl, total - ihl, t);
}

static enum decode_result decode_ipv6(const uint8_t *p, uint32_t caplen, struct tcp_pkt *t)
{
	uint32_t plen, off = 40, end;
	uint8_t next;

	if (caplen < 40)
		return DECODE_TRUNCATED;
	if ((p[0] >> 4) != 6)
		return DECODE_MALFORMED;
	plen = rd16(p + 4);
	if (plen == 0)
		return DECODE_NOT_TCP; /* jumbogram: not a database session */
	next = p[6];
	end = 40 + plen;
	/* Extension headers: hop-by-hop, routing, fragment, destination
	 * options, AH (its length unit differs). */
	for (int hops = 0; hops < 16; hops++) {
		if (next == 6)
			break;
		if (next == 0 || next == 43 || next == 60 || next == 44 || next == 51) {
			if (caplen < off + 8)
				return DECODE_TRUNCATED;
			uint32_t len = next == 44   ? 8
			               : next == 51 ? ((uint32_t)p[off + 1] + 2) * 4
			                            : ((uint32_t)p[off + 1] + 1) * 8;
			if (next == 44 && (rd16(p + off + 2) & 0xfff8))
				return DECODE_FRAGMENT;
			next = p[off];
			off += len;
			if (off > end)
				return DECODE_MALFORMED;
			continue;
		}
		return DECODE_NOT_TCP; /* ESP, UDP, ICMPv6, no next header, ... */
	}
	if (next != 6)
		return DECODE_MALFORMED;
	t->family = 6;
	t->ttl = p[7];
	t->has_ip_id = 0;
	t->ip_id = 0;
	memcpy(t->src, p + 8, 16);
	memcpy(t->dst, p + 24, 16);
	if (caplen < off)
		return DECODE_TRUNCATED;
	uint32_t avail = caplen < end ? caplen : end;
	return decode_tcp(p + off, avail - off, end - off, t);
}

enum decode_result decode_frame(link_decode_fn link, const uint8_t *p, uint32_t caplen,
                                struct tcp_pkt *out)
{
	uint32_t off = 0;
	uint16_t proto;

	if (link == NULL)
		return DECODE_UNSUPPORTED_LINK;
	/* Ethernet carrying IPv4 without a VLAN tag, nearly every frame: what
	 * link_ether() finds for it, without the call (inlining the call
	 * instead cost 17 instructions a packet). */
	if (link == link_ether && caplen >= 14 && p[12] == 0x08 && p[13] == 0x00)
		return decode_ipv4(p + 14, caplen - 14, out);
	proto = link(p, caplen, &off);
	if (proto == 0)
		return caplen < 20 ? DECODE_TRUNCATED : DECODE_NOT_TCP;
	if (proto == ETH_IPV4)
		return decode_ipv4(p + off, caplen - off, out);
	if (proto == ETH_IPV6)
		return decode_ipv6(p + off, caplen - off, out);
	return DECODE_NOT_TCP;
}
