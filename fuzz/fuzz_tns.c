/* fuzz_tns.c - the TNS packet decoder, as the listener and capture use it:
 * a byte stream cut into packets by their headers. */
#include <stddef.h>
#include <stdint.h>

#include "../lib/tns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;
	bool large = size > 0 && (data[0] & 1);

	while (off < size) {
		struct tns_header h;
		struct tns_connect c;
		const char *why;
		enum tns_decode rc =
		        tns_header_decode(data + off, size - off, large, 65536, &h, &why);
		if (rc != TNS_OK || h.length > size - off)
			break;
		if (h.type == TNS_CONNECT &&
		    tns_connect_decode(data + off, h.length, &c, &why) == TNS_OK && c.cdata) {
			volatile uint8_t sink = c.cdata[c.cdata_len - 1]; /* must be inside */
			(void)sink;
		}
		tns_is_dcd_probe(data + off, h.length);
		off += h.length;
	}
	return 0;
}
