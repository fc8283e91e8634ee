/* test_tns.c - TNS packets: every decoder check, builders round-trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/tns.h"

static void test_header(void **state)
{
	static const struct {
		uint8_t b[8];
		bool large;
		enum tns_decode rc;
		const char *why;
	} cases[] = {
		{ { 0, 10, 0, 0, 6, 0, 0, 0 }, false, TNS_OK, NULL },
		{ { 0, 0, 0, 10, 6, 0, 0, 0 }, true, TNS_OK, NULL },
		{ { 0, 0, 0, 0, 1, 0, 0, 0 }, false, TNS_BAD, "zero packet length" },
		{ { 0, 7, 0, 0, 1, 0, 0, 0 },
		  false,
		  TNS_BAD,
		  "packet length below the 8-byte header" },
		{ { 0xff, 0xff, 0, 0, 1, 0, 0, 0 },
		  false,
		  TNS_BAD,
		  "packet length above the negotiated maximum" },
		{ { 0, 8, 0, 0, 0, 0, 0, 0 }, false, TNS_BAD, "unknown packet type" },
		{ { 0, 8, 0, 0, 20, 0, 0, 0 }, false, TNS_BAD, "unknown packet type" },
	};
	struct tns_header h;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why = NULL;
		enum tns_decode rc =
		        tns_header_decode(cases[i].b, 8, cases[i].large, 4096, &h, &why);
		if (rc != cases[i].rc)
			fail_msg("case %zu: rc %d", i, rc);
		if (cases[i].why && (why == NULL || strcmp(why, cases[i].why) != 0))
			fail_msg("case %zu: why \"%s\"", i, why ? why : "(null)");
	}
	assert_int_equal(tns_header_decode(cases[0].b, 7, false, 4096, &h, &why), TNS_NEED_MORE);
}

static void test_connect_roundtrip(void **state)
{
	const char *desc =
	        "(DESCRIPTION=(ADDRESS=(HOST=h)(PORT=1))(CONNECT_DATA=(SERVICE_NAME=s)))";
	struct sbuf b = { 0 };
	struct tns_connect c;
	struct tns_header h;
	const char *why;
	bool follows;

	(void)state;
	tns_put_connect(&b, desc, &follows);
	assert_false(follows);
	assert_int_equal(tns_header_decode((uint8_t *)b.buf, b.len, false, 65535, &h, &why),
	                 TNS_OK);
	assert_int_equal(h.type, TNS_CONNECT);
	assert_int_equal(h.length, b.len);
	assert_int_equal(tns_connect_decode((uint8_t *)b.buf, b.len, &c, &why), TNS_OK);
	assert_int_equal(c.version, 318);
	assert_int_equal(c.cdata_len, strlen(desc));
	assert_memory_equal(c.cdata, desc, strlen(desc));
	sbuf_free(&b);

	/* Longer than 230 bytes: the descriptor follows in a DATA packet. */
	char big[400];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tns_put_connect(&b, big, &follows);
	assert_true(follows);
	assert_int_equal(b.len, 74);
	assert_int_equal(tns_connect_decode((uint8_t *)b.buf, b.len, &c, &why), TNS_OK);
	assert_null(c.cdata);
	assert_int_equal(c.cdata_len, 399);
	sbuf_free(&b);
}

static void test_connect_errors(void **state)
{
	uint8_t p[80] = { 0 };
	struct tns_connect c;
	const char *why = NULL;

	(void)state;
	assert_int_equal(tns_connect_decode(p, 33, &c, &why), TNS_BAD);
	assert_string_equal(why, "CONNECT shorter than its fixed fields (34 bytes)");
	p[8] = 1; /* version 256 */
	p[11] = 0xff;
	p[10] = 0x01; /* min version 511 */
	assert_int_equal(tns_connect_decode(p, 80, &c, &why), TNS_BAD);
	assert_string_equal(why, "CONNECT version below its own minimum version");
	p[10] = p[11] = 0;
	assert_int_equal(tns_connect_decode(p, 80, &c, &why), TNS_BAD);
	assert_string_equal(why, "CONNECT without connect data");
	p[25] = 5;  /* 5 bytes */
	p[27] = 10; /* at offset 10 */
	assert_int_equal(tns_connect_decode(p, 80, &c, &why), TNS_BAD);
	assert_string_equal(why, "CONNECT data offset points into the fixed fields");
	p[27] = 78; /* 78 + 5 > 80, but 78 < 80 */
	assert_int_equal(tns_connect_decode(p, 80, &c, &why), TNS_BAD);
	assert_string_equal(why, "CONNECT data runs past the end of the packet");
	p[27] = 74;
	assert_int_equal(tns_connect_decode(p, 80, &c, &why), TNS_OK);
	assert_ptr_equal(c.cdata, p + 74);
}

static void test_builders(void **state)
{
	struct sbuf b = { 0 };
	struct tns_header h;
	const char *why;

	(void)state;
	tns_put_data(&b, false, 0, NULL, 0);
	assert_int_equal(b.len, 10);
	assert_true(tns_is_dcd_probe((uint8_t *)b.buf, b.len));
	sbuf_reset(&b);
	tns_put_data(&b, true, 0, NULL, 0);
	assert_true(tns_is_dcd_probe((uint8_t *)b.buf, b.len));
	assert_int_equal(tns_header_decode((uint8_t *)b.buf, b.len, true, 4096, &h, &why), TNS_OK);
	assert_int_equal(h.length, 10);
	sbuf_reset(&b);
	tns_put_data(&b, false, 0, "x", 1);
	assert_false(tns_is_dcd_probe((uint8_t *)b.buf, b.len));
	sbuf_reset(&b);
	/* also 10 bytes: the client's goodbye, a DATA with EOF, is no probe */
	tns_put_data(&b, true, TNS_DATA_FLAG_EOF, NULL, 0);
	assert_int_equal(b.len, 10);
	assert_false(tns_is_dcd_probe((uint8_t *)b.buf, b.len));
	sbuf_reset(&b);
	tns_put_marker(&b, false, 1, 2);
	assert_false(tns_is_dcd_probe((uint8_t *)b.buf, b.len)); /* 11 bytes, MARKER */
	sbuf_reset(&b);

	tns_put_accept(&b, 318, 8192, 65535);
	assert_int_equal(b.len, 45);
	assert_int_equal((uint8_t)b.buf[4], TNS_ACCEPT);
	assert_int_equal((uint8_t)b.buf[8] << 8 | (uint8_t)b.buf[9], 318);
	sbuf_reset(&b);
	tns_put_accept(&b, 314, 8192, 65535);
	assert_int_equal(b.len, 32);
	sbuf_reset(&b);

	struct sbuf t = { 0 };
	tns_refuse_text(&t, 12514);
	tns_put_refuse(&b, 4, 0, t.buf);
	assert_int_equal(b.len, 12 + t.len);
	assert_int_equal((uint8_t)b.buf[4], TNS_REFUSE);
	assert_memory_equal(b.buf + 12, "(DESCRIPTION=(TMP=)(VSNNUM=0)(ERR=12514)", 40);
	sbuf_free(&t);
	sbuf_free(&b);
	assert_string_equal(tns_type_name(TNS_MARKER), "MARKER");
	assert_string_equal(tns_type_name(8), "unknown");
	assert_string_equal(tns_type_name(200), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_connect_roundtrip),
		cmocka_unit_test(test_connect_errors),
		cmocka_unit_test(test_builders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
