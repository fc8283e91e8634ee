/* test_pcapfile.c - the mapped pcap reader: byte orders, nanosecond
 * timestamps, and every way a file can be cut or corrupt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../capture/pcapfile.h"

static size_t header(uint8_t *b, uint32_t magic, int swap)
{
	uint32_t h[6] = { magic, 2 | 4u << 16, 0, 0, 65535, 1 };
	memcpy(b, h, 24);
	if (swap)
		for (int i = 0; i < 24; i += 4) {
			uint32_t v;
			memcpy(&v, b + i, 4);
			v = __builtin_bswap32(v);
			memcpy(b + i, &v, 4);
		}
	if (swap) { /* version fields are 16-bit each */
		uint16_t maj = __builtin_bswap16(2), min = __builtin_bswap16(4);
		memcpy(b + 4, &maj, 2);
		memcpy(b + 6, &min, 2);
	}
	return 24;
}

static size_t record(uint8_t *b, uint32_t sec, uint32_t frac, uint32_t caplen, int swap)
{
	uint32_t h[4] = { sec, frac, caplen, caplen };
	for (int i = 0; swap && i < 4; i++)
		h[i] = __builtin_bswap32(h[i]);
	memcpy(b, h, 16);
	memset(b + 16, 0xab, caplen);
	return 16 + caplen;
}

static void test_orders_and_nsec(void **state)
{
	/* A sub-second field of a second or more carries into the seconds, as
	 * libpcap's reader (and so the stdin path) takes it. */
	static const struct {
		uint32_t magic;
		int swap;
		uint32_t frac;
		uint64_t want_us;
	} cases[] = {
		{ 0xa1b2c3d4, 0, 123, 5000123 },     { 0xa1b2c3d4, 1, 123, 5000123 },
		{ 0xa1b23c4d, 0, 123456, 5000123 },  { 0xa1b23c4d, 1, 123999, 5000123 },
		{ 0xa1b2c3d4, 0, 1500000, 6500000 }, { 0xa1b23c4d, 0, 2500000000u, 7500000 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t buf[200];
		struct pcapfile pf;
		struct pcap_rec r;
		struct dcd_err err;
		size_t n = header(buf, cases[i].magic, cases[i].swap);
		n += record(buf + n, 5, cases[i].frac, 60, cases[i].swap);
		assert_int_equal(pcapfile_open_mem(&pf, buf, n, &err), 1);
		assert_int_equal(pf.linktype, 1);
		assert_int_equal(pcapfile_next(&pf, &r, &err), 1);
		assert_int_equal(r.caplen, 60);
		if (r.ts_us != cases[i].want_us)
			fail_msg("case %zu: ts %llu", i, (unsigned long long)r.ts_us);
		assert_int_equal(pcapfile_next(&pf, &r, &err), 0);
	}
}

static void test_errors(void **state)
{
	uint8_t buf[300];
	struct pcapfile pf;
	struct pcap_rec r;
	struct dcd_err err;
	size_t n = header(buf, 0xa1b2c3d4, 0);

	(void)state;
	n += record(buf + n, 1, 0, 40, 0);
	size_t whole = n;
	n += record(buf + n, 2, 0, 40, 0);
	/* cut inside the second record's data */
	assert_int_equal(pcapfile_open_mem(&pf, buf, n - 5, &err), 1);
	assert_int_equal(pcapfile_next(&pf, &r, &err), 1);
	assert_int_equal(pcapfile_next(&pf, &r, &err), -1);
	assert_string_equal(err.msg, "byte 80: truncated record (35 of 40 bytes)");
	/* cut inside its header */
	assert_int_equal(pcapfile_open_mem(&pf, buf, whole + 7, &err), 1);
	assert_int_equal(pcapfile_next(&pf, &r, &err), 1);
	assert_int_equal(pcapfile_next(&pf, &r, &err), -1);
	assert_string_equal(err.msg, "byte 80: truncated record header (7 of 16 bytes)");
	/* an impossible caplen */
	uint32_t big = 1u << 30;
	memcpy(buf + whole + 8, &big, 4);
	assert_int_equal(pcapfile_open_mem(&pf, buf, n, &err), 1);
	assert_int_equal(pcapfile_next(&pf, &r, &err), 1);
	assert_int_equal(pcapfile_next(&pf, &r, &err), -1);
	assert_string_equal(err.msg,
	                    "byte 80: record claims 1073741824 captured bytes (more than 262144)");
	/* not classic pcap, or too short: left to libpcap */
	assert_int_equal(pcapfile_open_mem(&pf,
	                                   (const uint8_t *)"\x0a\x0d\x0d\x0a"
	                                                    "0123456789012345678901234",
	                                   28, &err),
	                 0);
	assert_int_equal(pcapfile_open_mem(&pf, buf, 10, &err), 0);
}

/* The link-type field's upper 16 bits are the FCS length and flags
 * (LINKTYPE_ spec); libpcap reads the low 16 bits as the link type, and so
 * must the mapped reader, or a file and the same file on stdin disagree. */
static void test_linktype_flag_bits(void **state)
{
	static const struct {
		uint32_t field;
		int want;
	} cases[] = {
		{ 1, 1 },
		{ 0x04000001, 1 },   /* F bit: FCS length present */
		{ 0x30000071, 113 }, /* FCS length 3, Linux SLL */
		{ 0x0001011b, 283 }, /* reserved bits set: still the low 16 */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t buf[100];
		struct pcapfile pf;
		struct dcd_err err;
		size_t n = header(buf, 0xa1b2c3d4, 0);
		memcpy(buf + 20, &cases[i].field, 4);
		n += record(buf + n, 1, 0, 20, 0);
		assert_int_equal(pcapfile_open_mem(&pf, buf, n, &err), 1);
		if (pf.linktype != cases[i].want)
			fail_msg("field 0x%08x: link type %d, want %d", cases[i].field, pf.linktype,
			         cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_orders_and_nsec),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_linktype_flag_bits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
